/**
 * The smoke test after a deployment: the endpoint answers real rows of the testing split with one
 * finite prediction each, in the shape the model's serving contract declares. The model's metric on
 * those rows is reported beside the evaluation's, so an approver sees the deployed model behave as evaluated.
 */
import { MODEL } from "../models";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { InvokeEndpointCommand, InvokeEndpointCommandOutput, ModelError } from "@aws-sdk/client-sagemaker-runtime";
import { parseEvaluation } from "../assets/analyze-results/analyze";
import { METRICS } from "../assets/analyze-results/metrics";
import { ModelDeclaration, requestContentType } from "../modules/model/declaration";
import { runNames } from "../modules/workflow/execution-input";
import { runKeys } from "../modules/s3-layout";
import { CliDeps } from "./deps";
import { awsCall, fromAwsError, oneLine, WorkflowFailedError } from "./errors";

/** Rows sent to the endpoint: enough to see wrong shapes and wild values, few enough to cost nothing. */
export const SMOKE_TEST_ROWS = 20;
/** Bytes read from the start of testing.csv (a row is about 60 bytes). */
const TESTING_BYTES = 16 * 1024;

/** The complete rows (label first, then the features) at the start of a headerless CSV. */
export function testingRows(csv: string, limit: number): number[][] {
  const lines = csv.split("\n");
  if (!csv.endsWith("\n")) lines.pop(); // A ranged read may end inside a row.
  return lines
    .filter((line) => line.trim() !== "")
    .slice(0, limit)
    .map((line) => line.split(",").map(Number));
}

type Serving = ModelDeclaration["serving"];

/**
 * The request for rows, as the serving contract says: their features (the label dropped) as they
 * are in the testing split; any scaling is the model's own, so the endpoint gets what a client sends.
 */
export function servingRequest(rows: number[][], serving: Pick<Serving, "request">): { contentType: string; body: string } {
  const features = rows.map(([, ...row]) => row);
  const body =
    serving.request === "json-instances"
      ? JSON.stringify({ instances: features })
      : features.map((row) => row.join(",")).join("\n") + "\n";
  return { contentType: requestContentType(serving), body };
}

/** The predictions of an answer (`{"predictions": [y or [y], ...]}` or `[y, ...]`, as the contract says), or the reason it is not one per row. */
export function servingPredictions(body: string, expected: number, serving: Pick<Serving, "response">): number[] | string {
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    return `the answer is not JSON (${JSON.stringify(body.slice(0, 80))})`;
  }
  const predictions = serving.response === "json-predictions" ? (answer as { predictions?: unknown })?.predictions : answer;
  if (!Array.isArray(predictions))
    return serving.response === "json-predictions"
      ? `the answer has no "predictions" array (${JSON.stringify(answer).slice(0, 80)})`
      : `the answer is not a JSON array (${JSON.stringify(answer).slice(0, 80)})`;
  if (predictions.length !== expected) return `${predictions.length} predictions for ${expected} rows`;
  const values = predictions.map((p) => (Array.isArray(p) && p.length === 1 ? p[0] : p));
  const bad = values.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  if (bad !== -1) return `prediction ${bad} is ${JSON.stringify(predictions[bad])}, not one finite number`;
  return values as number[];
}

export interface SmokeTestResult {
  rows: number;
  testingUri: string;
  /** The model's metric on the rows sent. */
  sampleMetric: number;
  /** The run's evaluation metric (evaluation.json), when the run's evaluation is found. */
  evaluationMetric?: number;
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
  const { TrainingJobName } = runNames(MODEL.name, environment, runId);
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
  const request = servingRequest(rows, MODEL.serving);
  let answer: InvokeEndpointCommandOutput;
  try {
    answer = await deps.aws.sagemakerRuntime(region).send(
      new InvokeEndpointCommand({
        EndpointName: endpointName,
        ContentType: request.contentType,
        Accept: "application/json",
        Body: request.body,
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
  const predictions = servingPredictions(new TextDecoder().decode(answer.Body), rows.length, MODEL.serving);
  if (typeof predictions === "string") {
    throw new WorkflowFailedError(
      `smoke test: endpoint ${endpointName} answered ${rows.length} rows of ${testingUri} wrongly: ${predictions}`,
      "the endpoint now serves this model: deploy the previous model again, then look at the model's serving signature",
    );
  }
  const metric = METRICS[MODEL.metric.computation];
  const sampleMetric = metric(
    rows.map((row) => row[0]),
    predictions,
  );
  const evaluationKey = runKeys.evaluation(runId, TrainingJobName);
  let evaluationMetric: number | undefined;
  try {
    const text = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: evaluationKey }))).Body!.transformToString();
    const { groundTruth, predictions: evaluated } = parseEvaluation(text, `s3://${bucket}/${evaluationKey}`);
    evaluationMetric = metric(groundTruth, evaluated);
  } catch {
    // Only for comparison: a model deployed by hand may come from a run whose evaluation is gone.
  }
  return { rows: rows.length, testingUri, sampleMetric, evaluationMetric };
}
