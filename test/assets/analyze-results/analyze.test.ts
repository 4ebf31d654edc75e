import { analyzeEvaluation, EvaluationError, ObjectReader, parseEvaluation, rootMeanSquaredError } from "../../../assets/analyze-results/analyze";
import { accuracy, macroF1, meanAbsoluteError, METRIC_COMPUTATIONS, METRICS } from "../../../assets/analyze-results/metrics";

/** A reader serving one object, as the CLI's simulate does with a local file. */
const serving = (text: string): ObjectReader => async () => text;
const event = { Bucket: "model-dev-artifacts-123456789012", Key: "run1/model-dev-TrainingJob-run1/evaluation/evaluation.json", Metric: "rmse" };
const where = `s3://${event.Bucket}/${event.Key}`;

describe("rootMeanSquaredError", () => {
  it.each([
    { y: [1, 2, 3], yHat: [1, 2, 3], rmse: 0 },
    { y: [2], yHat: [5], rmse: 3 },
    { y: [1, 2, 3, 4], yHat: [2, 3, 4, 5], rmse: 1 },
    { y: [0, 0], yHat: [3, 4], rmse: Math.sqrt(12.5) },
    { y: [10, 7, 9], yHat: [8, 7, 12], rmse: Math.sqrt(13 / 3) },
  ])("is sqrt(mean((y - ŷ)²)) exactly: $y vs $yHat -> $rmse", ({ y, yHat, rmse }) => {
    expect(rootMeanSquaredError(y, yHat)).toBe(rmse);
  });

  it("refuses empty arrays and unpaired arrays instead of returning NaN", () => {
    expect(() => rootMeanSquaredError([], [])).toThrow("RMSE needs at least one value (got empty arrays)");
    expect(() => rootMeanSquaredError([1, 2], [1])).toThrow("GroundTruth has 2 values but Predictions has 1");
  });

  it("refuses values whose squares overflow to Infinity", () => {
    expect(() => rootMeanSquaredError([1e200], [-1e200])).toThrow("RMSE overflowed to Infinity");
  });
});

describe("the other metrics", () => {
  it("MAE is mean(|y - ŷ|) exactly", () => {
    expect(meanAbsoluteError([1, 2, 3], [2, 2, 5])).toBe(1);
    expect(meanAbsoluteError([0, 0], [-3, 4])).toBe(3.5);
  });

  it("accuracy is the share of predictions equal to their label", () => {
    expect(accuracy([0, 1, 2, 2], [0, 1, 1, 2])).toBe(0.75);
    expect(accuracy([1], [0])).toBe(0);
  });

  it("F1 is the mean over the labels of 2·TP / (predicted + actual), 0 for a label never predicted right", () => {
    // Label 0: TP 1, predicted 2, actual 1 → 2/3; label 1: TP 1, predicted 1, actual 2 → 2/3.
    expect(macroF1([0, 1, 1], [0, 0, 1])).toBeCloseTo(2 / 3, 12);
    expect(macroF1([0, 1], [1, 0])).toBe(0);
    expect(macroF1([2, 2], [2, 2])).toBe(1);
  });

  it.each(METRIC_COMPUTATIONS)("%s refuses empty and unpaired arrays instead of returning NaN", (metric) => {
    expect(() => METRICS[metric]([], [])).toThrow(EvaluationError);
    expect(() => METRICS[metric]([1, 2], [1])).toThrow("GroundTruth has 2 values but Predictions has 1");
  });
});

describe("analyzeEvaluation", () => {
  it.each([
    ["rmse", 1],
    ["mae", 1],
    ["accuracy", 0],
    ["f1", 0],
  ])("computes the metric the event names: %s", async (metric, expected) => {
    await expect(
      analyzeEvaluation({ ...event, Metric: metric }, serving('{"GroundTruth": [3, 5], "Predictions": [4, 4]}')),
    ).resolves.toEqual({ statusCode: 200, Result: expected });
  });

  it.each([undefined, "RMSE", "r2", 1])("refuses a Metric that is not one it computes: %p", async (metric) => {
    const read = jest.fn(serving("{}"));
    await expect(analyzeEvaluation({ ...event, Metric: metric }, read)).rejects.toThrow(
      /^analyze-results: event\.Metric must be one of rmse, mae, accuracy, f1 \(got /,
    );
    expect(read).not.toHaveBeenCalled();
  });

  it("returns {statusCode: 200, Result: rmse} for the object named by Bucket and Key", async () => {
    const read = jest.fn<Promise<string>, [string, string]>(async () => JSON.stringify({ GroundTruth: [3, 5], Predictions: [4, 4] }));
    await expect(analyzeEvaluation(event, read)).resolves.toEqual({ statusCode: 200, Result: 1 });
    expect(read).toHaveBeenCalledWith(event.Bucket, event.Key);
  });

  it.each([
    [{ Key: event.Key }, "analyze-results: event.Bucket is required and must be a non-empty string (got undefined)"],
    [{ Bucket: "", Key: event.Key }, 'analyze-results: event.Bucket is required and must be a non-empty string (got "")'],
    [{ Bucket: event.Bucket }, "analyze-results: event.Key is required and must be a non-empty string (got undefined)"],
    [{ Bucket: event.Bucket, Key: 42 }, "analyze-results: event.Key is required and must be a non-empty string (got 42)"],
  ])("fails on a missing Bucket or Key: %j", async (bad, message) => {
    const read = jest.fn(serving("{}"));
    await expect(analyzeEvaluation(bad, read)).rejects.toThrow(new EvaluationError(message));
    expect(read).not.toHaveBeenCalled();
  });

  it.each([
    ["not JSON", "GroundTruth: [1]", `${where} is not valid JSON (`],
    ["a JSON array instead of an object", "[1, 2]", `${where} must be a JSON object with GroundTruth and Predictions arrays (got [1,2])`],
    ["no GroundTruth", '{"Predictions": [1]}', `${where}: GroundTruth must be an array of numbers (got undefined)`],
    ["Predictions not an array", '{"GroundTruth": [1], "Predictions": 1}', `${where}: Predictions must be an array of numbers (got 1)`],
    ["an empty GroundTruth", '{"GroundTruth": [], "Predictions": []}', `${where}: GroundTruth is empty; the metric needs at least one value`],
    ["an empty Predictions", '{"GroundTruth": [1], "Predictions": []}', `${where}: Predictions is empty; the metric needs at least one value`],
    ["arrays of different length", '{"GroundTruth": [1, 2, 3], "Predictions": [1, 2]}', `${where}: GroundTruth has 3 values but Predictions has 2; they must pair one to one`],
    ["a string value", '{"GroundTruth": [1, "2"], "Predictions": [1, 2]}', `${where}: GroundTruth[1] must be a finite number (got "2")`],
    ["a null value", '{"GroundTruth": [1, 2], "Predictions": [1, null]}', `${where}: Predictions[1] must be a finite number (got null)`],
    ["a nested prediction", '{"GroundTruth": [1], "Predictions": [[1.5]]}', `${where}: Predictions[0] must be a finite number (got [1.5])`],
    ["a number beyond double range", '{"GroundTruth": [1e400], "Predictions": [1]}', `${where}: GroundTruth[0] must be a finite number (got Infinity)`],
  ])("fails with a clear message on %s", async (_case, text, message) => {
    const failure = analyzeEvaluation(event, serving(text));
    await expect(failure).rejects.toBeInstanceOf(EvaluationError);
    await expect(failure).rejects.toThrow(message);
  });

  it("passes the reader's error through (e.g. a missing object)", async () => {
    const missing: ObjectReader = async (bucket, key) => {
      throw new EvaluationError(`s3://${bucket}/${key} does not exist`);
    };
    await expect(analyzeEvaluation(event, missing)).rejects.toThrow(`${where} does not exist`);
  });
});

describe("parseEvaluation", () => {
  it("returns the two arrays of an evaluate.py document", () => {
    expect(parseEvaluation('{"GroundTruth": [9.0, 7.0], "Predictions": [8.5, 7.25]}', "evaluation.json")).toEqual({
      groundTruth: [9, 7],
      predictions: [8.5, 7.25],
    });
  });
});
