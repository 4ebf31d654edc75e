/**
 * What the platform's tests expect of the chosen model (models/index.ts), derived from its
 * declaration and the environments' values, each rule written here once as the docs state it, so
 * the tests pass whichever model is chosen. A model's own literal names and values are pinned in
 * its folder (models/<name>/test/).
 */
import { MODEL } from "../../models";
import { getEnvironment } from "../../environments";
import { tunableHyperparameters } from "../../modules/model/declaration";
import { modelValues } from "../../modules/model/settings";
import { WORKFLOW_IMAGE_KINDS } from "../../modules/workflow/images";

export { MODEL };

/** `<model>-<env>`, and `<model>-<env>-<suffix>`: every AWS resource name of one environment (README, "Configuring an environment"). */
export const namePrefix = (env: string): string => `${MODEL.name}-${env}`;
export const resourceName = (env: string, suffix: string): string => `${namePrefix(env)}-${suffix}`;

/** The environment's Model Registry group, `<model>-<env>-<model>` (docs/cli.md, "Model Registry"). */
export const modelGroup = (env: string): string => resourceName(env, MODEL.name);

/**
 * A run's SageMaker name (docs/cli.md, `workflow run`): `<model>-<env>-<id>` for its model,
 * `<model>-<env>-<kind>-<id>` for its jobs.
 */
export const runName = (env: string, runId: string, kind?: "ProcessingJob" | "TrainingJob" | "EvaluationJob"): string =>
  resourceName(env, kind ? `${kind}-${runId}` : runId);

/** The model's shared objects in the artifact bucket: `<model>_data/...` (docs/bring-your-own-model.md). */
export const DATA_PREFIX = `${MODEL.name}_data`;
export const RAW_DATA_KEY = `${DATA_PREFIX}/raw/${MODEL.dataset.file}`;

/** The environment's values of the model: its gate threshold and tunable hyperparameters. */
export const valuesOf = (env: string) => modelValues(getEnvironment(env), MODEL);
export const thresholdOf = (env: string): number => valuesOf(env).threshold;

/** The Terraform variables of the model's tunable hyperparameters at the environment's values, e.g. `{epochs: 200}`. */
export const hyperparameterVariables = (env: string): Record<string, number> =>
  Object.fromEntries(
    tunableHyperparameters(MODEL).map(([name, h]) => [h.terraformVariable, valuesOf(env).hyperparameters[name]]),
  );

/** Every hyperparameter as the training script gets it (`--<argument> <value>`), at the environment's values. */
export const hyperparameterArguments = (env: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(MODEL.hyperparameters).map(([name, h]) => [
      h.argument,
      String(valuesOf(env).hyperparameters[name] ?? h.default),
    ]),
  );

/** The model's distinct images (repository and tag; steps may share one), in the order of the steps that run them. */
export const DISTINCT_IMAGES = [
  ...new Map(
    WORKFLOW_IMAGE_KINDS.map((step) => [
      `${MODEL.images[step].repositoryName}:${MODEL.images[step].imageTag}`,
      MODEL.images[step],
    ]),
  ).values(),
];

const LOWER = MODEL.metric.direction === "lower";

/**
 * The gate as docs/bring-your-own-model.md (`metric.direction`) describes it: a lower-is-better
 * metric passes strictly below the threshold, a higher-is-better one strictly above; equal fails.
 */
export const GATE = LOWER
  ? {
      comparison: "NumericLessThan",
      /** How a passing value compares with the threshold, and a failing one. */
      operator: "<",
      otherwise: "≥",
      side: "below",
      pass: "Model Evaluation Below Threshold",
      fail: "Model Evaluation Exceeds Threshold",
      error: "ModelEvaluationExceedsThreshold",
      cause: `The model's ${MODEL.metric.name} is not below the environment's threshold`,
    }
  : {
      comparison: "NumericGreaterThan",
      operator: ">",
      otherwise: "≤",
      side: "above",
      pass: "Model Evaluation Above Threshold",
      fail: "Model Evaluation Not Above Threshold",
      error: "ModelEvaluationNotAboveThreshold",
      cause: `The model's ${MODEL.metric.name} is not above the environment's threshold`,
    };

/** The metric's own name as a flag of `simulate`, the same as --metric (docs/cli.md): `--rmse` for RMSE. */
export const METRIC_FLAG = `--${MODEL.metric.name.toLowerCase()}`;

/** A metric `by` on the passing side of `threshold`, and one `by` on the failing side (`by` 0: on it, which fails). */
export const passingBy = (threshold: number, by: number): number => (LOWER ? threshold - by : threshold + by);
export const failingBy = (threshold: number, by: number): number => (LOWER ? threshold + by : threshold - by);

/** A value that passes clearly (half an error's threshold; halfway to a perfect 1 for a score) and one that fails clearly. */
export const passingValue = (threshold: number): number => (LOWER ? threshold / 2 : (threshold + 1) / 2);
export const failingValue = (threshold: number): number => (LOWER ? threshold * 2 : threshold / 2);

/**
 * GroundTruth and Predictions on which the model's metric is `value` (label 0 everywhere; `rows`
 * pairs, by default the fewest that can make it, on which it is exact): every prediction off by
 * `value` for an error (RMSE, MAE), `value × rows` right ones for accuracy.
 */
export function evaluationScoring(value: number, rows?: number): { GroundTruth: number[]; Predictions: number[] } {
  const labels = (n: number) => Array.from({ length: n }, () => 0);
  switch (MODEL.metric.computation) {
    case "rmse":
    case "mae": {
      const GroundTruth = labels(rows ?? 2);
      return { GroundTruth, Predictions: GroundTruth.map((_, i) => (i % 2 === 0 ? value : -value)) };
    }
    case "accuracy": {
      const n = rows ?? Array.from({ length: 1000 }, (_, i) => i + 1).find((k) => Math.round(value * k) / k === value);
      const right = Math.round(value * (n ?? 0));
      if (n === undefined || right / n !== value)
        throw new Error(`evaluationScoring: no ${rows ?? "1 to 1000"} rows have accuracy ${value}`);
      return { GroundTruth: labels(n), Predictions: labels(n).map((_, i) => (i < right ? 0 : 1)) };
    }
    default:
      throw new Error(`evaluationScoring: add a construction for ${MODEL.metric.computation} (test/helpers/chosen-model.ts)`);
  }
}

/** The endpoint's answer with `predictions` (one per row), in the shape of the model's serving contract. */
export const servingAnswer = (predictions: unknown[]): string =>
  JSON.stringify(MODEL.serving.response === "json-predictions" ? { predictions } : predictions);

/** Why the smoke test refuses an answer of the wrong shape (a JSON object with no predictions). */
export const WRONG_SHAPE_REASON =
  MODEL.serving.response === "json-predictions" ? 'the answer has no "predictions" array' : "the answer is not a JSON array";
