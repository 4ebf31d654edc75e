/**
 * abalone's workflow and endpoint, whichever model models/index.ts chooses: its RMSE gate at each
 * environment's threshold, its hyperparameters, and TensorFlow Serving's request and answer.
 */
import { analyzeEvaluation } from "../../../assets/analyze-results/analyze";
import { toDot, toMermaid } from "../../../cli/graph";
import { servingPredictions, servingRequest } from "../../../cli/endpoint-smoke-test";
import { simulateWorkflow } from "../../../cli/simulate/local-run";
import { getEnvironment } from "../../../environments";
import { TaskState } from "../../../modules/asl/types";
import { executionInput } from "../../../modules/workflow/execution-input";
import { buildMlWorkflow, STATE_NAMES } from "../../../modules/workflow/ml-workflow";
import { environmentWorkflowParams, renderEnvironmentDefinition } from "../../../modules/workflow/render-environment";
import abalone from "../model";

const RUN_ID = "20250102030405";
const definitionOf = (env: string) => renderEnvironmentDefinition(getEnvironment(env), abalone);
/** A run of `env`'s definition whose analyze step returns `rmse`, or runs the real handler on `evaluation`. */
const simulate = (env: string, run: { rmse?: number; evaluation?: { GroundTruth: number[]; Predictions: number[] } }) =>
  simulateWorkflow(definitionOf(env), {
    runId: RUN_ID,
    input: executionInput(abalone.name, env, RUN_ID),
    metric: run.rmse,
    analyze: run.evaluation && ((payload) => analyzeEvaluation(payload, async () => JSON.stringify(run.evaluation))),
  });

describe.each([
  ["dev", "20", "16", 3],
  ["staging", "100", "8", 2.5],
  ["prod", "200", "8", 2.1],
])("abalone's %s workflow", (env, epochs, batchSize, threshold) => {
  it(`trains ${epochs} epochs in batches of ${batchSize} and passes an RMSE below ${threshold}`, () => {
    const definition = definitionOf(env);
    expect((definition.States[STATE_NAMES.training] as TaskState).Parameters?.HyperParameters).toMatchObject({
      epochs,
      "batch-size": batchSize,
      sagemaker_program: "train.py",
    });
    expect(JSON.stringify(definition.States[STATE_NAMES.thresholdCheck])).toContain(
      `{"Variable":"$.Analysis.Result","NumericLessThan":${threshold}}],"Next":"Model Evaluation Below Threshold"}],"Default":"Model Evaluation Exceeds Threshold"`,
    );
  });

  it(`registers a model whose RMSE is just below ${threshold}, and stops one at it`, async () => {
    const passed = await simulate(env, { rmse: threshold - 0.05 });
    expect(passed.path.slice(-2)).toEqual(["Model Evaluation Below Threshold", "Register Model Version"]);
    expect(passed.calls.find((call) => call.state === STATE_NAMES.registerVersion)?.parameters).toMatchObject({
      ModelPackageGroupName: `abalone-${env}-abalone`,
      CustomerMetadataProperties: { Metric: "rmse", Threshold: String(threshold), "hyperparameter:epochs": epochs },
    });
    const stopped = await simulate(env, { rmse: threshold });
    expect([stopped.endState, stopped.error, stopped.cause]).toEqual([
      "Model Evaluation Exceeds Threshold",
      "ModelEvaluationExceedsThreshold",
      "The model's RMSE is not below the environment's threshold",
    ]);
  });
});

describe("abalone's gate on the RMSE the analyze-results code computes", () => {
  it("stops staging's model at errors of 3 and -3 (RMSE 3, above 2.5), and passes one at 1 and -1", async () => {
    expect((await simulate("staging", { evaluation: { GroundTruth: [10, 10], Predictions: [13, 7] } })).endState).toBe(
      "Model Evaluation Exceeds Threshold",
    );
    const passed = await simulate("staging", { evaluation: { GroundTruth: [10, 10], Predictions: [11, 9] } });
    expect(passed.output).toMatchObject({ Analysis: { Result: 1 } });
  });

  it("passes prod's model on the example evaluation's RMSE, 0.7293833", async () => {
    const passed = await simulate("prod", {
      evaluation: { GroundTruth: [10, 9, 7, 12, 8], Predictions: [9.5, 9.2, 8.1, 11, 8.4] },
    });
    expect(passed.status).toBe("SUCCEEDED");
    expect((passed.output as { Analysis: { Result: number } }).Analysis.Result).toBeCloseTo(0.7293833, 6);
  });

  it("draws the gate as an RMSE below the threshold", () => {
    expect(toMermaid(definitionOf("prod"))).toContain('|"Analysis.Result #lt; 2.1"|');
    expect(toMermaid(definitionOf("prod"))).toContain('|"otherwise: Analysis.Result ≥ 2.1 or not a number"|');
    expect(toDot(definitionOf("dev"))).toContain('[label="Analysis.Result < 3"]');
  });

  it("refuses a fractional number of epochs, naming the rule", () => {
    expect(() =>
      buildMlWorkflow({ ...environmentWorkflowParams(getEnvironment("prod"), abalone), hyperparameters: { epochs: 1.5 } }),
    ).toThrow("buildMlWorkflow: epochs must be an integer >= 1 (got 1.5)");
  });
});

describe("abalone's endpoint (TensorFlow Serving)", () => {
  /** Testing rows as Pre-process Data writes them: rings, then 10 features. */
  const rows = [
    [9, 1, 0, 0, 0.45, 0.35, 0.12, 0.5, 0.2, 0.1, 0.15],
    [11, 0, 1, 0, 0.5, 0.4, 0.13, 0.6, 0.25, 0.12, 0.18],
  ];

  it('gets the features unscaled as {"instances": [[...], ...]} in application/json (the model scales them)', () => {
    expect(servingRequest(rows, abalone.serving)).toEqual({
      contentType: "application/json",
      body: JSON.stringify({ instances: rows.map((row) => row.slice(1)) }),
    });
  });

  it('answers {"predictions": [[rings], ...]}, one finite number per row, or the smoke test says why not', () => {
    expect(servingPredictions('{"predictions": [[9.5], [10.25]]}', 2, abalone.serving)).toEqual([9.5, 10.25]);
    expect(servingPredictions('{"predictions": [[9.5], [null]]}', 2, abalone.serving)).toBe(
      "prediction 1 is [null], not one finite number",
    );
    expect(servingPredictions('{"error": "Serving signature not found"}', 2, abalone.serving)).toMatch(
      /^the answer has no "predictions" array/,
    );
  });
});
