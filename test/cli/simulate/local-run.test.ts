import { modelLayout } from "../../../modules/s3-layout";
import { analyzeEvaluation } from "../../../assets/analyze-results/analyze";
import { getEnvironment } from "../../../environments";
import { executionInput } from "../../../modules/workflow/execution-input";
import { runKeys } from "../../../modules/s3-layout";
import { simulateWorkflow, SimulationResult, TaskCall } from "../../../cli/simulate/local-run";
import { STATE_NAMES, successPath, TASK_STATE_NAMES, TaskStateName } from "../../../modules/workflow/ml-workflow";
import { PLACEHOLDERS, renderEnvironmentDefinition } from "../../../modules/workflow/render-environment";
import {
  evaluationScoring,
  failingBy,
  failingValue,
  GATE,
  hyperparameterArguments,
  MODEL,
  modelGroup,
  namePrefix,
  passingBy,
  passingValue,
  runName,
  thresholdOf,
} from "../../helpers/chosen-model";
import { ENVIRONMENT_NAMES } from "../../helpers/synth";

/** The states a passing run enters. */
const SUCCESS_PATH = successPath(MODEL.metric.direction);

const METRIC = MODEL.metric.name;

const RUN_ID = "20250102030405";
const bucket = PLACEHOLDERS.artifactBucket;
const callsOf = (result: SimulationResult, state: TaskStateName): TaskCall[] => result.calls.filter((c) => c.state === state);
const parametersOf = (result: SimulationResult, state: TaskStateName) =>
  callsOf(result, state)[0].parameters as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(ENVIRONMENT_NAMES)("the %s workflow, run locally", (name) => {
  const env = getEnvironment(name);
  const definition = renderEnvironmentDefinition(env, MODEL);
  const input = executionInput(MODEL.name, name, RUN_ID);
  const threshold = thresholdOf(name);

  it(`passes '${GATE.pass}' and registers the model version when the ${METRIC} is just ${GATE.side} ${threshold}`, async () => {
    const result = await simulateWorkflow(definition, {
      environment: env.name,
      runId: RUN_ID,
      metric: passingBy(threshold, 0.01),
    });
    expect(result.status).toBe("SUCCEEDED");
    expect(result.path).toEqual(SUCCESS_PATH);
    expect(result.path.slice(-2)).toEqual([GATE.pass, STATE_NAMES.registerVersion]);
    expect(result.output).toMatchObject({
      ...input,
      Analysis: { Result: passingBy(threshold, 0.01) },
      ModelVersion: {
        ModelPackageArn: expect.stringContaining(`:model-package/${modelGroup(name)}/1`),
      },
    });
  });

  it.each([0.01, 0])(`ends in '${GATE.fail}' when the ${METRIC} is %s on the failing side of ${threshold}`, async (by) => {
    const result = await simulateWorkflow(definition, {
      environment: env.name,
      runId: RUN_ID,
      metric: failingBy(threshold, by),
    });
    expect(result.status).toBe("FAILED");
    expect(result.endState).toBe(GATE.fail);
    expect(result.error).toBe(GATE.error);
  });

  it.each(TASK_STATE_NAMES)(
    "ends in 'ML Workflow Failed' when '%s' fails, runs nothing after it, and does not retry it",
    async (failing) => {
      const result = await simulateWorkflow(definition, { environment: env.name, runId: RUN_ID, failState: failing });
      expect(result.status).toBe("FAILED");
      expect(result.endState).toBe(STATE_NAMES.failed);
      // The execution reports the task's own error and cause, as the catcher kept them.
      if (failing === STATE_NAMES.analyze) {
        expect([result.error, result.cause]).toEqual(["Error", "analyze-results: evaluation.json has no Predictions array"]);
      } else if (failing === STATE_NAMES.registerVersion) {
        expect(result.cause).toBe(`${failing}: ${modelGroup(name)} ended with status Failed (simulated)`);
      } else {
        expect(result.error).toBe("States.TaskFailed");
        expect(result.cause).toMatch(
          new RegExp(`^${failing}: ${namePrefix(name)}-(\\w+-)?${RUN_ID} ended with status Failed \\(simulated\\)$`),
        );
      }
      const ran = TASK_STATE_NAMES.slice(0, TASK_STATE_NAMES.indexOf(failing) + 1);
      expect([...new Set(result.calls.map((c) => c.state))]).toEqual(ran);
      expect(callsOf(result, failing)).toHaveLength(1);
      expect(result.events.some((e) => e.type === "StateCaught" && e.state?.name === failing)).toBe(true);
    },
  );

  it.each(TASK_STATE_NAMES)("still succeeds when '%s' is throttled once: the retry sends the same request", async (throttled) => {
    const result = await simulateWorkflow(definition, {
      environment: env.name,
      runId: RUN_ID,
      throttleState: throttled,
      metric: passingValue(threshold),
    });
    expect(result.status).toBe("SUCCEEDED");
    expect(result.path).toEqual(SUCCESS_PATH);
    const calls = callsOf(result, throttled);
    expect(calls.map((c) => c.attempt)).toEqual([1, 2]);
    expect(calls[1].parameters).toEqual(calls[0].parameters);
    expect(result.events.some((e) => e.type === "StateRetried" && e.state?.name === throttled)).toBe(true);
  });
});

describe("what each task receives (prod, run " + RUN_ID + ")", () => {
  const env = getEnvironment("prod");
  const input = executionInput(MODEL.name, env.name, RUN_ID);
  const metric = passingValue(thresholdOf(env.name));
  let result: SimulationResult;
  beforeAll(async () => {
    result = await simulateWorkflow(renderEnvironmentDefinition(env, MODEL), {
      environment: env.name,
      runId: RUN_ID,
      metric,
    });
  });

  it("'Pre-process Data' runs the preprocessing job named in the input on the raw data and code of the S3 layout", () => {
    const p = parametersOf(result, STATE_NAMES.preprocess);
    expect(p.ProcessingJobName).toBe(input.PreprocessingJobName);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(p.ProcessingInputs.map((i: any) => [i.S3Input.S3Uri, i.S3Input.LocalPath])).toEqual([
      [`s3://${bucket}/${modelLayout(MODEL).rawData}`, "/opt/ml/processing/input"],
      [`s3://${bucket}/${modelLayout(MODEL).preprocessingScript}`, "/opt/ml/processing/input/code"],
    ]);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(p.ProcessingOutputConfig.Outputs.map((o: any) => [o.S3Output.LocalPath, o.S3Output.S3Uri])).toEqual([
      ["/opt/ml/processing/output/training", `s3://${bucket}/${runKeys.trainingData(RUN_ID, input.TrainingJobName)}`],
      ["/opt/ml/processing/output/testing", `s3://${bucket}/${runKeys.testingData(RUN_ID, input.TrainingJobName)}`],
    ]);
    expect(p.ProcessingOutputConfig.KmsKeyId).toBe(PLACEHOLDERS.kmsKeyArn);
    expect(p.ProcessingResources.ClusterConfig).toEqual({
      InstanceCount: 1,
      InstanceType: env.instanceTypes.processing,
      VolumeSizeInGB: 30,
      VolumeKmsKeyId: PLACEHOLDERS.kmsKeyArn,
    });
    expect(p.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1200 });
  });

  it("'Model Training' trains under the run's prefix with the environment's hyperparameters as strings", () => {
    const p = parametersOf(result, STATE_NAMES.training);
    expect(p.TrainingJobName).toBe(input.TrainingJobName);
    expect(p.OutputDataConfig.S3OutputPath).toBe(`s3://${bucket}/${runKeys.outputPrefix(RUN_ID)}`);
    expect(p.HyperParameters).toEqual({
      ...hyperparameterArguments(env.name),
      sagemaker_program: MODEL.scripts.training,
      sagemaker_submit_directory: `s3://${bucket}/${modelLayout(MODEL).trainingSourceDir}`,
      sagemaker_region: env.region,
    });
    expect(p.InputDataConfig[0]).toMatchObject({ ChannelName: "training", ContentType: "csv" });
    expect(p.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toBe(
      `s3://${bucket}/${runKeys.trainingData(RUN_ID, input.TrainingJobName)}`,
    );
    expect(p.OutputDataConfig.KmsKeyId).toBe(PLACEHOLDERS.kmsKeyArn);
    expect(p.ResourceConfig.VolumeKmsKeyId).toBe(PLACEHOLDERS.kmsKeyArn);
  });

  it("'Register Trained Model' registers the model named in the input from the training job's artifacts", () => {
    const p = parametersOf(result, STATE_NAMES.registerModel);
    expect(p.ModelName).toBe(input.ModelName);
    expect(p.PrimaryContainer.ModelDataUrl).toBe(`s3://${bucket}/${runKeys.modelArtifact(RUN_ID, input.TrainingJobName)}`);
  });

  it("'Model Evaluation' reads that model and writes the run's evaluation prefix", () => {
    const p = parametersOf(result, STATE_NAMES.evaluation);
    expect(p.ProcessingJobName).toBe(input.EvaluationProcessingJobName);
    const inputs = Object.fromEntries(p.ProcessingInputs.map((i: any) => [i.InputName, [i.S3Input.S3Uri, i.S3Input.LocalPath]])); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(inputs).toEqual({
      testing: [`s3://${bucket}/${runKeys.testingData(RUN_ID, input.TrainingJobName)}`, "/opt/ml/processing/testing"],
      model: [`s3://${bucket}/${runKeys.modelArtifact(RUN_ID, input.TrainingJobName)}`, "/opt/ml/processing/model"],
      code: [`s3://${bucket}/${modelLayout(MODEL).evaluationScript}`, "/opt/ml/processing/input/code"],
    });
    expect(p.ProcessingOutputConfig.Outputs[0].S3Output).toMatchObject({
      S3Uri: `s3://${bucket}/${runKeys.evaluationPrefix(RUN_ID, input.TrainingJobName)}`,
      LocalPath: "/opt/ml/processing/evaluation",
    });
    expect(p.ProcessingOutputConfig.KmsKeyId).toBe(PLACEHOLDERS.kmsKeyArn);
    expect(p.ProcessingResources.ClusterConfig.VolumeKmsKeyId).toBe(PLACEHOLDERS.kmsKeyArn);
  });

  it("'Analyze Evaluation Results' gets {Bucket, Key} of this run's evaluation.json", () => {
    const p = parametersOf(result, STATE_NAMES.analyze);
    expect(p.Payload).toEqual({
      Bucket: bucket,
      Key: runKeys.evaluation(RUN_ID, input.TrainingJobName),
      Metric: MODEL.metric.computation,
    });
  });

  it("'Register Model Version' registers a pending version with the evaluation, run, commit, metric, threshold and hyperparameters", async () => {
    const commit = "9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c";
    const run = await simulateWorkflow(renderEnvironmentDefinition(env, MODEL), {
      environment: env.name,
      runId: RUN_ID,
      metric,
      input: executionInput(MODEL.name, env.name, RUN_ID, commit),
    });
    const p = parametersOf(run, STATE_NAMES.registerVersion);
    expect(p.ModelPackageGroupName).toBe(modelGroup(env.name));
    expect(p.ModelApprovalStatus).toBe("PendingManualApproval");
    expect(p.ModelMetrics.ModelQuality.Statistics).toEqual({
      ContentType: "application/json",
      S3Uri: `s3://${bucket}/${runKeys.evaluation(RUN_ID, input.TrainingJobName)}`,
    });
    expect(p.InferenceSpecification.Containers).toEqual([
      expect.objectContaining({ ModelDataUrl: `s3://${bucket}/${runKeys.modelArtifact(RUN_ID, input.TrainingJobName)}` }),
    ]);
    expect(p.CustomerMetadataProperties).toEqual({
      RunId: RUN_ID,
      Commit: commit,
      ModelName: input.ModelName,
      Metric: MODEL.metric.computation,
      MetricValue: String(metric),
      Threshold: String(thresholdOf(env.name)),
      ...Object.fromEntries(
        Object.entries(hyperparameterArguments(env.name)).map(([argument, value]) => [`hyperparameter:${argument}`, value]),
      ),
    });
    // SageMaker takes only strings here.
    expect(Object.values(p.CustomerMetadataProperties).every((value) => typeof value === "string")).toBe(true);
  });

  it("another run id gives other names and keys from the same definition", async () => {
    const other = await simulateWorkflow(renderEnvironmentDefinition(env, MODEL), { environment: env.name, runId: "retry-2" });
    expect(parametersOf(other, STATE_NAMES.training).TrainingJobName).toBe(runName("prod", "retry-2", "TrainingJob"));
    expect(parametersOf(other, STATE_NAMES.analyze).Payload.Key).toBe(
      runKeys.evaluation("retry-2", runName("prod", "retry-2", "TrainingJob")),
    );
  });
});

describe("the workflow with the real analyze-results code", () => {
  const env = getEnvironment("staging");
  const definition = renderEnvironmentDefinition(env, MODEL);
  const evaluationKey = runKeys.evaluation(RUN_ID, executionInput(MODEL.name, env.name, RUN_ID).TrainingJobName);
  const analyzeObject = (objects: Record<string, string>) => (payload: { Bucket: string; Key: string }) =>
    analyzeEvaluation(payload, async (b, key) => {
      if (!(`${b}/${key}` in objects)) throw new Error(`no object ${b}/${key}`);
      return objects[`${b}/${key}`];
    });

  it("gates on the metric the function computes from the run's evaluation.json", async () => {
    const evaluation = JSON.stringify(evaluationScoring(failingValue(thresholdOf(env.name))));
    const result = await simulateWorkflow(definition, {
      environment: env.name,
      runId: RUN_ID,
      analyze: analyzeObject({ [`${bucket}/${evaluationKey}`]: evaluation }),
    });
    expect(result.endState).toBe(GATE.fail);
    const good = JSON.stringify(evaluationScoring(passingValue(thresholdOf(env.name))));
    const passed = await simulateWorkflow(definition, {
      environment: env.name,
      runId: RUN_ID,
      analyze: analyzeObject({ [`${bucket}/${evaluationKey}`]: good }),
    });
    expect(passed.path).toEqual(SUCCESS_PATH);
    expect(passed.output).toMatchObject({ Analysis: { Result: passingValue(thresholdOf(env.name)) } });
  });

  it("fails the workflow when the function rejects the evaluation, instead of passing a NaN", async () => {
    const bad = JSON.stringify({ GroundTruth: [], Predictions: [] });
    const result = await simulateWorkflow(definition, {
      environment: env.name,
      runId: RUN_ID,
      analyze: analyzeObject({ [`${bucket}/${evaluationKey}`]: bad }),
    });
    expect(result.endState).toBe(STATE_NAMES.failed);
  });

  it("never passes the gate on a non-numeric or missing Result", async () => {
    for (const Result of ["1.0", null, true]) {
      const result = await simulateWorkflow(definition, {
        environment: env.name,
        runId: RUN_ID,
        analyze: async () => ({ statusCode: 200, Result }),
      });
      expect([Result, result.endState]).toEqual([Result, GATE.fail]);
    }
    // Without Result the ResultSelector cannot select it: the execution fails there (States.Runtime).
    const missing = await simulateWorkflow(definition, {
      environment: env.name,
      runId: RUN_ID,
      analyze: async () => ({ statusCode: 200 }),
    });
    expect([missing.status, missing.endState, missing.error]).toEqual(["FAILED", STATE_NAMES.analyze, "States.Runtime"]);
  });
});

describe("two runs of one environment", () => {
  const env = getEnvironment("dev");
  /** Every S3 prefix a run's jobs write to: the processing outputs and the training job's output. */
  const writes = async (runId: string): Promise<string[]> => {
    const run = await simulateWorkflow(renderEnvironmentDefinition(env, MODEL), { environment: env.name, runId });
    return run.calls.flatMap(({ parameters }) => {
      const p = parameters as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      return [
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        ...(p.ProcessingOutputConfig?.Outputs ?? []).map((o: any) => o.S3Output.S3Uri),
        ...(p.OutputDataConfig ? [`${p.OutputDataConfig.S3OutputPath}/${p.TrainingJobName}`] : []),
      ];
    });
  };

  it.each([
    ["20250101000000", "20250101000001"],
    ["run", "run-2"],
    ["7", "77"],
  ])(
    "share no written prefix (%s and %s), so one never overwrites the other's splits, model or evaluation",
    async (first, second) => {
      const [ours, theirs] = [await writes(first), await writes(second)];
      const trainingJob = executionInput(MODEL.name, env.name, first).TrainingJobName;
      const s3 = (key: string) => `s3://${PLACEHOLDERS.artifactBucket}/${key}`;
      expect(ours).toEqual(
        expect.arrayContaining([
          s3(runKeys.trainingData(first, trainingJob)),
          s3(runKeys.testingData(first, trainingJob)),
          s3(`${runKeys.outputPrefix(first)}/${trainingJob}`),
          s3(runKeys.evaluationPrefix(first, trainingJob)),
        ]),
      );
      const overlapping = ours.flatMap((a) =>
        theirs.filter((b) => `${a}/`.startsWith(`${b}/`) || `${b}/`.startsWith(`${a}/`)).map((b) => [a, b]),
      );
      expect(overlapping).toEqual([]);
    },
  );
});
