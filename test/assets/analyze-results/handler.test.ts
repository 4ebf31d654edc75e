import { GetObjectCommand, GetObjectCommandOutput, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { EvaluationError } from "../../../assets/analyze-results/analyze";
import { handler } from "../../../assets/analyze-results/handler";

const s3 = mockClient(S3Client);
const event = { Bucket: "model-prod-artifacts-123456789012", Key: "42/model-prod-TrainingJob-42/evaluation/evaluation.json", Metric: "rmse" };
const where = `s3://${event.Bucket}/${event.Key}`;

/** A GetObject response whose body is `text` (the handler only reads it as a string). */
const body = (text: string) => ({ Body: { transformToString: async () => text } }) as unknown as GetObjectCommandOutput;
const s3Error = (name: string, status: number) => new S3ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: status }, message: name });

beforeEach(() => s3.reset());

describe("the analyze-results Lambda handler", () => {
  it("reads evaluation.json from the event's Bucket and Key and returns its RMSE", async () => {
    s3.on(GetObjectCommand, { Bucket: event.Bucket, Key: event.Key }).resolves(body(JSON.stringify({ GroundTruth: [10, 8, 12, 6], Predictions: [9, 9, 10, 8] })));
    await expect(handler(event)).resolves.toEqual({ statusCode: 200, Result: Math.sqrt(2.5) });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });

  it("returns the exact RMSE of evaluate.py's float output", async () => {
    s3.on(GetObjectCommand).resolves(body('{"GroundTruth": [15.0, 7.0, 9.0], "Predictions": [12.5, 7.5, 10.0]}'));
    const { Result } = await handler(event);
    expect(Result).toBe(Math.sqrt((2.5 ** 2 + 0.5 ** 2 + 1) / 3));
  });

  it("fails without calling S3 when Bucket or Key is missing", async () => {
    await expect(handler({ Key: event.Key })).rejects.toThrow("analyze-results: event.Bucket is required and must be a non-empty string (got undefined)");
    await expect(handler({ Bucket: event.Bucket })).rejects.toThrow("analyze-results: event.Key is required and must be a non-empty string (got undefined)");
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it("names the object when it does not exist", async () => {
    s3.on(GetObjectCommand).rejects(s3Error("NoSuchKey", 404));
    await expect(handler(event)).rejects.toThrow(new EvaluationError(`${where} does not exist`));
  });

  it("explains AccessDenied as a refused read (the role may list, so a missing key is NoSuchKey)", async () => {
    s3.on(GetObjectCommand).rejects(s3Error("AccessDenied", 403));
    await expect(handler(event)).rejects.toThrow(`${where} could not be read (AccessDenied): this function may not read it`);
  });

  it("lets other S3 failures through unchanged, so the state machine sees the real cause", async () => {
    s3.on(GetObjectCommand).rejects(s3Error("SlowDown", 503));
    await expect(handler(event)).rejects.toMatchObject({ name: "SlowDown" });
  });

  it.each([
    ["not JSON", "{not json", `${where} is not valid JSON (`],
    ["missing arrays", "{}", `${where}: GroundTruth must be an array of numbers (got undefined)`],
    ["empty arrays", '{"GroundTruth": [], "Predictions": []}', `${where}: GroundTruth is empty; the metric needs at least one value`],
    ["different lengths", '{"GroundTruth": [1, 2], "Predictions": [1]}', `${where}: GroundTruth has 2 values but Predictions has 1; they must pair one to one`],
    ["a non-numeric value", '{"GroundTruth": [1, 2], "Predictions": [1, "NaN"]}', `${where}: Predictions[1] must be a finite number (got "NaN")`],
    ["a non-finite value", '{"GroundTruth": [-1e999], "Predictions": [1]}', `${where}: GroundTruth[0] must be a finite number (got -Infinity)`],
  ])("fails on %s with a message naming the object", async (_case, text, message) => {
    s3.on(GetObjectCommand).resolves(body(text));
    await expect(handler(event)).rejects.toThrow(message);
  });
});
