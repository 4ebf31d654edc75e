/**
 * The smoke test after a deployment: the endpoint answers real rows of the testing split with one
 * finite prediction each, in TensorFlow Serving's JSON shape. Its RMSE on those rows is reported
 * beside the evaluation's, so an approver sees the deployed model behave as evaluated.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { InvokeEndpointCommand, InvokeEndpointCommandOutput, ModelError } from "@aws-sdk/client-sagemaker-runtime";
import { parseEvaluation, rootMeanSquaredError } from "../assets/analyze-results/analyze";
import { runNames } from "../modules/workflow/execution-input";
import { runKeys } from "../modules/s3-layout";
import { CliDeps } from "./deps";
import { awsCall, fromAwsError, oneLine, WorkflowFailedError } from "./errors";

/** Rows sent to the endpoint: enough to see wrong shapes and wild values, few enough to cost nothing. */
export const SMOKE_TEST_ROWS = 20;
/** Bytes read from the start of testing.csv (a row is about 60 bytes). */
const TESTING_BYTES = 16 * 1024;

/** The complete rows (label first, then the 10 features) at the start of a headerless CSV. */
export function testingRows(csv: string, limit: number): number[][] {
  const lines = csv.split("\n");
  if (!csv.endsWith("\n")) lines.pop(); // A ranged read may end inside a row.
  return lines
    .filter((line) => line.trim() !== "")
    .slice(0, limit)
    .map((line) => line.split(",").map(Number));
}

/** TensorFlow Serving's request for rows: the features, each row scaled to unit L2 norm as the training script does. */
export function servingRequest(rows: number[][]): { instances: number[][] } {
  return {
    instances: rows.map(([, ...features]) => {
      const norm = Math.hypot(...features);
      return features.map((x) => (norm === 0 ? x : x / norm));
    }),
  };
}

/** The predictions of a TensorFlow Serving answer (`{"predictions": [[y], ...]}`), or the reason it is not one per row. */
export function servingPredictions(body: string, expected: number): number[] | string {
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    return `the answer is not JSON (${JSON.stringify(body.slice(0, 80))})`;
  }
  const predictions = (answer as { predictions?: unknown })?.predictions;
  if (!Array.isArray(predictions)) return `the answer has no "predictions" array (${JSON.stringify(answer).slice(0, 80)})`;
  if (predictions.length !== expected) return `${predictions.length} predictions for ${expected} rows`;
  const values = predictions.map((p) => (Array.isArray(p) && p.length === 1 ? p[0] : p));
  const bad = values.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  if (bad !== -1) return `prediction ${bad} is ${JSON.stringify(predictions[bad])}, not one finite number`;
  return values as number[];
}

export interface SmokeTestResult {
  rows: number;
  testingUri: string;
  sampleRmse: number;
  /** The run's evaluation RMSE (evaluation.json), when the run's evaluation is found. */
  evaluationRmse?: number;
}

/** Invokes the endpoint with the start of the testing split; a wrong answer is a failed deployment (exit 1). */
export async function smokeTest(
  deps: CliDeps,
  region: string,
  environment: string,
  endpointName: string,
  bucket: string,
  runId: string,
): Promise<SmokeTestResult> {
  const s3 = deps.aws.s3(region);
  // The run's own testing split, written by its Pre-process Data.
  const { TrainingJobName } = runNames(environment, runId);
  const testingKey = `${runKeys.testingData(runId, TrainingJobName)}/testing.csv`;
  const testingUri = `s3://${bucket}/${testingKey}`;
  const csv = await awsCall("GetObject", async () =>
    (
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: testingKey, Range: `bytes=0-${TESTING_BYTES - 1}` }))
    ).Body!.transformToString(),
  );
  const rows = testingRows(csv, SMOKE_TEST_ROWS);
  if (rows.length === 0 || rows.some((row) => row.length < 2 || row.some((x) => !Number.isFinite(x)))) {
    throw new WorkflowFailedError(
      `smoke test: ${testingUri} has no numeric rows to send`,
      "check the run's Pre-process Data output",
    );
  }
  let answer: InvokeEndpointCommandOutput;
  try {
    answer = await deps.aws.sagemakerRuntime(region).send(
      new InvokeEndpointCommand({
        EndpointName: endpointName,
        ContentType: "application/json",
        Accept: "application/json",
        Body: JSON.stringify(servingRequest(rows)),
      }),
    );
  } catch (err) {
    // ModelError (HTTP 424): the model's container answered with an error, so the model failed, not AWS.
    if (!(err instanceof ModelError)) throw fromAwsError(err, "InvokeEndpoint");
    const status = err.OriginalStatusCode ?? "an error";
    throw new WorkflowFailedError(
      `smoke test: endpoint ${endpointName}'s model failed on ${rows.length} rows of ${testingUri}: it answered ${status} ${JSON.stringify(oneLine(err.OriginalMessage ?? err.message))}`,
      `the endpoint now serves this model: deploy the previous model again${err.LogStreamArn ? `; see its log ${err.LogStreamArn}` : ""}`,
    );
  }
  const predictions = servingPredictions(new TextDecoder().decode(answer.Body), rows.length);
  if (typeof predictions === "string") {
    throw new WorkflowFailedError(
      `smoke test: endpoint ${endpointName} answered ${rows.length} rows of ${testingUri} wrongly: ${predictions}`,
      "the endpoint now serves this model: deploy the previous model again, then look at the model's serving signature",
    );
  }
  const sampleRmse = rootMeanSquaredError(
    rows.map((row) => row[0]),
    predictions,
  );
  const evaluationKey = runKeys.evaluation(runId, TrainingJobName);
  let evaluationRmse: number | undefined;
  try {
    const text = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: evaluationKey }))).Body!.transformToString();
    const { groundTruth, predictions: evaluated } = parseEvaluation(text, `s3://${bucket}/${evaluationKey}`);
    evaluationRmse = rootMeanSquaredError(groundTruth, evaluated);
  } catch {
    // Only for comparison: a model deployed by hand may come from a run whose evaluation is gone.
  }
  return { rows: rows.length, testingUri, sampleRmse, evaluationRmse };
}
