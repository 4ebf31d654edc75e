/**
 * A model's per-environment values: the environment file's `models.<model>` section (its tunable
 * hyperparameters and `threshold`), each defaulting to the model's declaration, so a model no
 * environment mentions runs with its own defaults.
 */
import * as v from "valibot";
import { METRIC_MAXIMUM } from "../../assets/analyze-results/metrics";
import { closest, schemaProblems } from "../schema-problems";
import { hyperparameterRule, ModelDeclaration, tunableHyperparameters, valueProblem } from "./declaration";

/** What the workflow of one environment runs a model with. */
export interface ModelValues {
  /** The tunable hyperparameters by name (the others keep their declared default). */
  hyperparameters: Record<string, number>;
  /** The gate's threshold of the model's metric. */
  threshold: number;
}

/** The rule of a model's threshold: positive, and at most the metric's best value where it has one (accuracy, F1: 1). */
export function thresholdRule(model: ModelDeclaration): { rule: string; max?: number; holds: (n: number) => boolean } {
  const max = METRIC_MAXIMUM[model.metric.computation];
  return max === undefined
    ? { rule: "must be a positive number", holds: (n) => Number.isFinite(n) && n > 0 }
    : { rule: `must be a number above 0 and at most ${max}`, max, holds: (n) => Number.isFinite(n) && n > 0 && n <= max };
}

/** The schema of an environment's section for `model`. */
export function modelSettingsSchema(model: ModelDeclaration) {
  const threshold = thresholdRule(model);
  return v.strictObject({
    ...Object.fromEntries(
      tunableHyperparameters(model).map(([name, h]) => [
        name,
        v.optional(
          v.pipe(
            v.number(hyperparameterRule(h)),
            v.check((n) => valueProblem(h, n) === undefined, hyperparameterRule(h)),
          ),
          h.default,
        ),
      ]),
    ),
    threshold: v.optional(
      v.pipe(
        v.number(threshold.rule),
        v.check((n) => threshold.holds(n), threshold.rule),
      ),
      model.metric.threshold,
    ),
  });
}

/**
 * Validates an environment file's `models` section for `model`: its own section (did-you-mean on
 * unknown fields) and, among the other sections, one whose name looks like a typo of the model's.
 */
export function parseModelSettings(
  file: string,
  model: ModelDeclaration,
  sections: Record<string, unknown> | undefined,
): { values: ModelValues; problems?: undefined } | { values?: undefined; problems: string[] } {
  const misspelt = Object.keys(sections ?? {}).filter((name) => name !== model.name && closest(name, [model.name]));
  if (misspelt.length > 0)
    return { problems: misspelt.map((name) => `${file}: unknown model "models.${name}" — did you mean "models.${model.name}"?`) };
  const schema = modelSettingsSchema(model);
  const result = v.safeParse(schema, sections?.[model.name] ?? {}, { abortPipeEarly: true });
  if (!result.success) {
    return {
      problems: schemaProblems(file, schema, sections?.[model.name], result.issues, {
        root: `an object of ${model.name}'s values`,
        prefix: `models.${model.name}.`,
      }),
    };
  }
  const { threshold, ...hyperparameters } = result.output as Record<string, number>;
  return { values: { hyperparameters, threshold } };
}

/** An environment's values for `model`, with the declaration's defaults; throws on values the model refuses. */
export function modelValues(env: { name: string; models?: Record<string, unknown> }, model: ModelDeclaration): ModelValues {
  const parsed = parseModelSettings(`environments/${env.name}.ts`, model, env.models);
  if (!parsed.values) throw new Error(parsed.problems.join("\n"));
  return parsed.values;
}
