/**
 * What a model is to the platform (docs/bring-your-own-model.md): its name, raw dataset, scripts,
 * images, hyperparameters, quality metric and serving contract, in one valibot schema. A model's
 * folder, `models/<name>/`, declares it with `defineModel`; the platform takes the declaration as
 * a value and names no model itself.
 */
import * as v from "valibot";
import { METRIC_COMPUTATIONS, MetricComputation } from "../../assets/analyze-results/metrics";
import { schemaProblems } from "../schema-problems";

/** Fits every AWS name the model starts (`<name>-<environment>-...`, S3 keys `<name>_data/...`). */
export const MODEL_NAME_PATTERN = /^[a-z][a-z0-9]{0,15}$/;
const MODEL_NAME_RULE = "must be a lowercase letter, then lowercase letters or digits, at most 16 characters";
const FILE_NAME_RULE = "must be a file name (no folders), such as data.csv";
const fileName = v.pipe(
  v.string(FILE_NAME_RULE),
  v.regex(/^[\w.-]+$/, FILE_NAME_RULE),
  v.check((n) => !/^\.+$/.test(n), FILE_NAME_RULE),
);
const text = (rule: string) => v.pipe(v.string(rule), v.minLength(1, rule));

/** A prebuilt SageMaker image by repository and tag; its registry is resolved per region at synth. */
const ImageSchema = v.strictObject({
  /** ECR repository name, as `aws_sagemaker_prebuilt_ecr_image` knows it, e.g. `sagemaker-scikit-learn`. */
  repositoryName: text("must be an ECR repository name"),
  /** Image tag, e.g. `1.2-1-cpu-py3`. */
  imageTag: text("must be an image tag"),
});

const HYPERPARAMETER_NAME = /^[a-z][a-zA-Z0-9]*$/;
const TERRAFORM_VARIABLE_NAME = /^[a-z][a-z0-9_]*$/;
const RESERVED_VARIABLES = ["threshold"];

const HyperparameterSchema = v.pipe(
  v.strictObject({
    /** What it is, in the Terraform variable's description, e.g. "Training epochs of the Model Training state." */
    description: text("must be a sentence"),
    /** `integer` or `number` (a real number). */
    type: v.picklist(["integer", "number"], 'must be "integer" or "number"'),
    /** Smallest allowed value (inclusive). */
    min: v.number("must be a number"),
    /** Largest allowed value (inclusive). Default: none. */
    max: v.optional(v.number("must be a number")),
    /** The value where no environment sets one. */
    default: v.number("must be a number"),
    /** The hyperparameter's name as the training job passes it to the script (`--<argument> <value>`). */
    argument: v.pipe(v.string(), v.regex(/^[a-zA-Z][\w-]*$/, "must be a command-line argument name, such as batch-size")),
    /** The Terraform variable that sets it: environments may set it (under `models.<model>`). Default: fixed at `default`. */
    terraformVariable: v.optional(
      v.pipe(
        v.string(),
        v.regex(TERRAFORM_VARIABLE_NAME, "must be a Terraform variable name: lowercase letters, digits and '_'"),
        v.check((name) => !RESERVED_VARIABLES.includes(name), `must not be ${RESERVED_VARIABLES.join(" or ")} (the gate's)`),
      ),
    ),
  }),
  v.check((h) => valueProblem(h, h.default) === undefined, "default must follow the hyperparameter's own type, min and max"),
);

export const ModelSchema = v.strictObject({
  /** The folder under `models/`, and the start of every resource, job, model and S3 key of the model. */
  name: v.pipe(v.string(MODEL_NAME_RULE), v.regex(MODEL_NAME_PATTERN, MODEL_NAME_RULE)),
  /** The raw dataset: uploaded to `<name>_data/raw/<file>`; Pre-process Data reads it. */
  dataset: v.strictObject({
    /** File name of the raw dataset, e.g. `data.csv`. */
    file: fileName,
  }),
  /** The model's scripts, file names in its folder. */
  scripts: v.strictObject({
    /** Pre-process Data: raw dataset in, training, validation and testing CSVs out. */
    preprocessing: fileName,
    /** Model Training in script mode: the program, packed alone into `sourcedir.tar.gz`. */
    training: fileName,
    /** Model Evaluation: the model and testing CSV in, `evaluation.json` out. */
    evaluation: fileName,
  }),
  /** The prebuilt image of each step. */
  images: v.strictObject({
    /** Pre-process Data. */
    processing: ImageSchema,
    /** Model Training. */
    training: ImageSchema,
    /** Model Evaluation (a processing job with the training framework). */
    evaluation: ImageSchema,
    /** Register Trained Model: the serving image of the model and the endpoint. */
    inference: ImageSchema,
  }),
  /** Training hyperparameters by their name in environment files. */
  hyperparameters: v.record(
    v.pipe(v.string(), v.regex(HYPERPARAMETER_NAME, "must be a camelCase name, such as batchSize")),
    HyperparameterSchema,
  ),
  /** The quality metric the gate compares with the threshold. */
  metric: v.strictObject({
    /** Its name as people read it, e.g. `RMSE`. */
    name: text("must be a name, such as RMSE"),
    /** Its unit, e.g. `years` or `%`. Default: none. */
    unit: v.optional(text("must be a unit, such as years or %")),
    /** Which way is better: `lower` (an error) or `higher` (a score). A value equal to the threshold fails either way. */
    direction: v.picklist(["lower", "higher"], 'must be "lower" or "higher"'),
    /** How the analyze-results Lambda computes it from evaluation.json's GroundTruth and Predictions. */
    computation: v.picklist(METRIC_COMPUTATIONS, `must be one of ${METRIC_COMPUTATIONS.join(", ")}`),
    /** The threshold where no environment sets one (Terraform variable `threshold`). */
    threshold: v.pipe(
      v.number("must be a positive number"),
      v.check((n) => Number.isFinite(n) && n > 0, "must be a positive number"),
    ),
  }),
  /** How the endpoint is called: what the deploy's smoke test sends and reads back. */
  serving: v.strictObject({
    /**
     * The request: `json-instances` sends `{"instances": [[features], ...]}` as application/json
     * (TensorFlow Serving); `csv` sends the feature rows as text/csv.
     */
    request: v.picklist(["json-instances", "csv"], 'must be "json-instances" or "csv"'),
    /**
     * The answer: `json-predictions` reads `{"predictions": [y or [y], ...]}`; `json-array` reads
     * `[y, ...]`. One finite number per row either way.
     */
    response: v.picklist(["json-predictions", "json-array"], 'must be "json-predictions" or "json-array"'),
    /**
     * Whether the serving container runs the training program for inference (its model_fn,
     * input_fn, predict_fn, output_fn): the model then gets SAGEMAKER_PROGRAM and
     * SAGEMAKER_SUBMIT_DIRECTORY. Default: false (the image serves the model itself, as TensorFlow Serving does).
     */
    scriptMode: v.optional(v.boolean("must be true or false"), false),
  }),
});

/** What a model's `model.ts` writes. */
export type ModelInput = v.InferInput<typeof ModelSchema>;
/** A validated model declaration. */
export type ModelDeclaration = v.InferOutput<typeof ModelSchema>;
export type Hyperparameter = ModelDeclaration["hyperparameters"][string];
export type ImageStep = keyof ModelDeclaration["images"];
export type { MetricComputation };

/** Validates a model's declaration at load, so a broken `model.ts` fails with one line per problem. */
export function defineModel(input: ModelInput): ModelDeclaration {
  const result = v.safeParse(ModelSchema, input, { abortPipeEarly: true });
  if (result.success) return result.output;
  const file = `models/${typeof input?.name === "string" ? input.name : "<name>"}/model.ts`;
  throw new ModelError(schemaProblems(file, ModelSchema, input, result.issues, { root: "a model, defineModel({ ... })" }));
}

/** Thrown when a model declaration is invalid; `problems` holds one line per problem. */
export class ModelError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ModelError";
  }
}

/** The kind and bounds of a hyperparameter's values. */
interface ValueRule {
  type: "integer" | "number";
  min: number;
  max?: number;
}

/** The rule of a hyperparameter's values, e.g. "must be an integer >= 1". */
export function hyperparameterRule(h: ValueRule): string {
  const kind = h.type === "integer" ? "an integer" : "a number";
  return h.max === undefined ? `must be ${kind} >= ${h.min}` : `must be ${kind} from ${h.min} to ${h.max}`;
}

/** Why `value` breaks a hyperparameter's rule, or undefined when it follows it. */
export function valueProblem(h: ValueRule, value: unknown): string | undefined {
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (h.type === "number" || Number.isInteger(value)) &&
    value >= h.min &&
    (h.max === undefined || value <= h.max);
  return ok ? undefined : hyperparameterRule(h);
}

/** The hyperparameters environments may set (those with a Terraform variable), in declaration order. */
export function tunableHyperparameters(model: ModelDeclaration): [string, Hyperparameter & { terraformVariable: string }][] {
  return Object.entries(model.hyperparameters).filter(
    (entry): entry is [string, Hyperparameter & { terraformVariable: string }] => entry[1].terraformVariable !== undefined,
  );
}

/** The metric's unit in parentheses for a sentence, e.g. " (in years)", or "". */
export const inUnit = (model: ModelDeclaration): string => (model.metric.unit ? ` (in ${model.metric.unit})` : "");

/** The MIME type of the requests the model's endpoint takes (its serving contract's request). */
export const requestContentType = (serving: Pick<ModelDeclaration["serving"], "request">): string =>
  serving.request === "json-instances" ? "application/json" : "text/csv";
