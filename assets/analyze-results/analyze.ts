/**
 * The analyze-results step, free of AWS: validate the event, read `evaluation.json` through the
 * reader it is given, return the RMSE. The Lambda handler passes an S3 reader; the CLI's
 * `simulate` passes a local-file reader and so runs exactly this code.
 */

/** The Lambda's input: where the run's `evaluation.json` is. */
export interface AnalyzeResultsEvent {
  Bucket?: unknown;
  Key?: unknown;
}

/** The Lambda's output; the state machine compares `Result` with the threshold. */
export interface AnalyzeResultsOutput {
  statusCode: 200;
  /** Root-mean-square error of the predictions, in rings. */
  Result: number;
}

/** Returns an object's text; throws `EvaluationError` when the object does not exist. */
export type ObjectReader = (bucket: string, key: string) => Promise<string>;

/** Bad input: the workflow's Catch routes it to `ML Workflow Failed`. */
export class EvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvaluationError";
  }
}

const show = (value: unknown): string => {
  if (value === undefined) return "undefined";
  if (typeof value === "number") return String(value); // JSON would print Infinity as null
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** sqrt(mean((y - ŷ)²)); both arrays non-empty, of equal length, of finite numbers. */
export function rootMeanSquaredError(groundTruth: readonly number[], predictions: readonly number[]): number {
  if (groundTruth.length === 0) throw new EvaluationError("RMSE needs at least one value (got empty arrays)");
  if (groundTruth.length !== predictions.length) {
    throw new EvaluationError(`RMSE needs pairs: GroundTruth has ${groundTruth.length} values but Predictions has ${predictions.length}`);
  }
  let sumOfSquares = 0;
  for (let i = 0; i < groundTruth.length; i++) {
    const error = groundTruth[i] - predictions[i];
    sumOfSquares += error * error;
  }
  const rmse = Math.sqrt(sumOfSquares / groundTruth.length);
  if (!Number.isFinite(rmse)) throw new EvaluationError(`RMSE overflowed to ${rmse}: the values are too large to square`);
  return rmse;
}

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
  if (values.length === 0) throw new EvaluationError(`${where}: ${field} is empty; the RMSE needs at least one value`);
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

/** The whole step: `{Bucket, Key}` in, `{statusCode: 200, Result: rmse}` out, or an `EvaluationError`. */
export async function analyzeEvaluation(event: AnalyzeResultsEvent, readObject: ObjectReader): Promise<AnalyzeResultsOutput> {
  const bucket = requiredString(event, "Bucket");
  const key = requiredString(event, "Key");
  const where = `s3://${bucket}/${key}`;
  const { groundTruth, predictions } = parseEvaluation(await readObject(bucket, key), where);
  return { statusCode: 200, Result: rootMeanSquaredError(groundTruth, predictions) };
}
