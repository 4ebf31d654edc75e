/**
 * The analyze-results step, free of AWS: validate the event, read `evaluation.json` through the
 * reader it is given, return the metric the event names. The Lambda handler passes an S3 reader;
 * the CLI's `simulate` passes a local-file reader and so runs exactly this code.
 */
import { EvaluationError } from "./errors";
import { isMetricComputation, METRIC_COMPUTATIONS, METRICS } from "./metrics";

export { EvaluationError };
export { rootMeanSquaredError } from "./metrics";

/** The Lambda's input: where the run's `evaluation.json` is, and which metric to compute (the model's). */
export interface AnalyzeResultsEvent {
  Bucket?: unknown;
  Key?: unknown;
  Metric?: unknown;
}

/** The Lambda's output; the state machine compares `Result` with the threshold. */
export interface AnalyzeResultsOutput {
  statusCode: 200;
  /** The model's metric of the predictions. */
  Result: number;
}

/** Returns an object's text; throws `EvaluationError` when the object does not exist. */
export type ObjectReader = (bucket: string, key: string) => Promise<string>;

const show = (value: unknown): string => {
  if (value === undefined) return "undefined";
  if (typeof value === "number") return String(value); // JSON would print Infinity as null
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

function requiredString(event: AnalyzeResultsEvent, field: "Bucket" | "Key"): string {
  const value = event?.[field];
  if (typeof value !== "string" || value.length === 0) {
    throw new EvaluationError(`analyze-results: event.${field} is required and must be a non-empty string (got ${show(value)})`);
  }
  return value;
}

function finiteNumbers(document: Record<string, unknown>, field: "GroundTruth" | "Predictions", where: string): number[] {
  const values = document[field];
  if (!Array.isArray(values)) throw new EvaluationError(`${where}: ${field} must be an array of numbers (got ${show(values)})`);
  if (values.length === 0) throw new EvaluationError(`${where}: ${field} is empty; the metric needs at least one value`);
  values.forEach((value, index) => {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new EvaluationError(`${where}: ${field}[${index}] must be a finite number (got ${show(value)})`);
    }
  });
  return values;
}

/** Parses `{"GroundTruth": [...], "Predictions": [...]}`; `where` names the source in errors. */
export function parseEvaluation(text: string, where: string): { groundTruth: number[]; predictions: number[] } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new EvaluationError(`${where} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new EvaluationError(`${where} must be a JSON object with GroundTruth and Predictions arrays (got ${show(document)})`);
  }
  const groundTruth = finiteNumbers(document as Record<string, unknown>, "GroundTruth", where);
  const predictions = finiteNumbers(document as Record<string, unknown>, "Predictions", where);
  if (groundTruth.length !== predictions.length) {
    throw new EvaluationError(
      `${where}: GroundTruth has ${groundTruth.length} values but Predictions has ${predictions.length}; they must pair one to one`,
    );
  }
  return { groundTruth, predictions };
}

/** The whole step: `{Bucket, Key, Metric}` in, `{statusCode: 200, Result: <metric>}` out, or an `EvaluationError`. */
export async function analyzeEvaluation(event: AnalyzeResultsEvent, readObject: ObjectReader): Promise<AnalyzeResultsOutput> {
  const bucket = requiredString(event, "Bucket");
  const key = requiredString(event, "Key");
  const metric = event?.Metric;
  if (!isMetricComputation(metric)) {
    throw new EvaluationError(`analyze-results: event.Metric must be one of ${METRIC_COMPUTATIONS.join(", ")} (got ${show(metric)})`);
  }
  const where = `s3://${bucket}/${key}`;
  const { groundTruth, predictions } = parseEvaluation(await readObject(bucket, key), where);
  return { statusCode: 200, Result: METRICS[metric](groundTruth, predictions) };
}
