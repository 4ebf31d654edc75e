import { getEnvironment } from "../../../environments";
import { RawNumber, serializeDefinition } from "../../../modules/asl/raw-number";
import { TaskState } from "../../../modules/asl/types";
import { environmentWorkflowParams } from "../../../modules/workflow/render-environment";
import { runNamePrefix } from "../../../modules/run-names";
import { executionInput } from "../../../modules/workflow/execution-input";
import { tunableHyperparameters } from "../../../modules/model/declaration";
import { GATE, hyperparameterArguments, MODEL, thresholdOf } from "../../helpers/chosen-model";
import {
  buildMlWorkflow,
  MlWorkflowParams,
  STATE_NAMES,
  successPath,
  TASK_STATE_NAMES,
  WORKFLOW_STEPS,
} from "../../../modules/workflow/ml-workflow";

/** The states a passing run enters. */
const SUCCESS_PATH = successPath(MODEL.metric.direction);

const params = environmentWorkflowParams(getEnvironment("prod"), MODEL);
const renderMlWorkflow = (p: MlWorkflowParams) => buildMlWorkflow(p).definition;
const definition = renderMlWorkflow(params);
const tasks = TASK_STATE_NAMES.map((name) => [name, definition.States[name] as TaskState] as const);

describe("the ML workflow template", () => {
  it("has the states of the spec, with their exact names, in order, starting at 'Pre-process Data'", () => {
    expect(Object.keys(definition.States)).toEqual([
      "Pre-process Data",
      "Model Training",
      "Register Trained Model",
      "Model Evaluation",
      "Analyze Evaluation Results",
      "Threshold Evaluation Check",
      GATE.pass,
      "Register Model Version",
      GATE.fail,
      "ML Workflow Failed",
    ]);
    expect(definition.StartAt).toBe("Pre-process Data");
  });

  it("chains the tasks in order to the Choice, whose Pass goes on to register the version, which ends the run", () => {
    const gate = SUCCESS_PATH.indexOf(STATE_NAMES.thresholdCheck);
    const next = SUCCESS_PATH.filter((_, i) => i !== gate).map((name) => (definition.States[name] as TaskState).Next);
    const expected = SUCCESS_PATH.slice(1).filter((_, i) => i !== gate);
    expect(next).toEqual([...expected, undefined]);
    expect(definition.States[GATE.pass]).toMatchObject({ Type: "Pass", Next: STATE_NAMES.registerVersion });
    expect(definition.States[SUCCESS_PATH[SUCCESS_PATH.length - 1]]).toMatchObject({ Type: "Task", End: true });
    expect(TASK_STATE_NAMES.every((name) => SUCCESS_PATH.includes(name))).toBe(true);
    expect(definition.States[GATE.fail]).toMatchObject({ Type: "Fail" });
    // It reports the error and cause the tasks' catcher keeps at $.Failure.
    expect(definition.States[STATE_NAMES.failed]).toEqual({
      Type: "Fail",
      ErrorPath: "$.Failure.Error",
      CausePath: "$.Failure.Cause",
    });
  });

  it.each(tasks)("'%s' catches States.TaskFailed into 'ML Workflow Failed', keeping the error", (_name, state) => {
    expect(state.Catch).toEqual([{ ErrorEquals: ["States.TaskFailed"], Next: "ML Workflow Failed", ResultPath: "$.Failure" }]);
  });

  it.each(tasks)(
    "'%s' retries only throttling and transient service errors, with backoff, a max delay and jitter",
    (name, state) => {
      expect(state.Retry).toHaveLength(1);
      const [retrier] = state.Retry!;
      const service = name === STATE_NAMES.analyze ? "Lambda." : "SageMaker.";
      for (const error of retrier.ErrorEquals) expect(error.startsWith(service)).toBe(true);
      // A job that ran and failed (States.TaskFailed) or any catch-all is never retried: a job name cannot be reused.
      expect(retrier.ErrorEquals).not.toEqual(expect.arrayContaining(["States.TaskFailed"]));
      expect(retrier.ErrorEquals).not.toEqual(expect.arrayContaining(["States.ALL"]));
      expect(retrier.BackoffRate).toBeGreaterThan(1);
      expect(retrier.MaxDelaySeconds).toBeGreaterThanOrEqual(retrier.IntervalSeconds!);
      expect(retrier.JitterStrategy).toBe("FULL");
    },
  );

  it("reads per-run values only from the input's names and commit, earlier results and $$.Execution.Name", () => {
    const json = JSON.stringify(tasks.map(([, state]) => state.Parameters));
    const inputFields = new Set([...json.matchAll(/[^$]\$\.(\w+)/g)].map((m) => m[1]));
    expect([...inputFields].sort()).toEqual([
      "Analysis",
      "Commit",
      "EvaluationProcessingJobName",
      "ModelName",
      "PreprocessingJobName",
      "Training",
      "TrainingJobName",
    ]);
    expect(json.match(/\$\$\.[\w.]+/g)).toEqual(expect.arrayContaining(["$$.Execution.Name"]));
    expect(new Set(json.match(/\$\$\.[\w.]+/g))).toEqual(new Set(["$$.Execution.Name"]));
    expect(tasks[0][1].Parameters).toMatchObject({ "ProcessingJobName.$": "$.PreprocessingJobName" });
    expect(tasks[1][1].Parameters).toMatchObject({ "TrainingJobName.$": "$.TrainingJobName" });
    expect(tasks[2][1].Parameters).toMatchObject({
      "ModelName.$": "$.ModelName",
      PrimaryContainer: { "ModelDataUrl.$": "$.Training.S3ModelArtifacts" },
    });
    expect(tasks[3][1].Parameters).toMatchObject({ "ProcessingJobName.$": "$.EvaluationProcessingJobName" });
  });

  it("does not depend on the run: the same parameters always render the same definition", () => {
    expect(renderMlWorkflow(params)).toEqual(definition);
    expect(JSON.stringify(definition)).not.toMatch(/\d{14}/);
  });

  it("passes the hyperparameters to training as strings, and the threshold to the Choice as a number", () => {
    expect(tasks[1][1].Parameters?.HyperParameters).toMatchObject({
      ...hyperparameterArguments("prod"),
      sagemaker_program: MODEL.scripts.training,
    });
    const choice = JSON.stringify(definition.States[STATE_NAMES.thresholdCheck]);
    expect(choice).toContain(`"Variable":"$.Analysis.Result","${GATE.comparison}":${thresholdOf("prod")}`);
  });

  it("renders with Terraform references: strings stay interpolations, the threshold stays an unquoted number", () => {
    const tunable = tunableHyperparameters(MODEL);
    const withReferences = renderMlWorkflow({
      ...params,
      hyperparameters: Object.fromEntries(tunable.map(([name, h]) => [name, `\${var.${h.terraformVariable}}`])),
      threshold: new RawNumber("${var.threshold}"),
      artifactBucket: "${aws_s3_bucket.artifacts.bucket}",
    });
    const json = serializeDefinition(withReferences);
    expect(json).toContain(tunable.map(([, h]) => `"${h.argument}":"\${var.${h.terraformVariable}}"`).join(","));
    expect(json).toContain(`"${GATE.comparison}":\${var.threshold}}`);
    expect(json).toContain("States.Format('s3://{}/{}', '${aws_s3_bucket.artifacts.bucket}', $$.Execution.Name)");
  });

  it("gives every step with a per-run name a field of the execution input, which its task reads", () => {
    const input = executionInput(MODEL.name, "dev", "r1");
    for (const step of WORKFLOW_STEPS) {
      if (!("runName" in step)) continue;
      expect(input).toHaveProperty(
        step.runName.field,
        `${runNamePrefix(MODEL.name, "dev", "kind" in step.runName ? step.runName.kind : undefined)}r1`,
      );
      expect(JSON.stringify(definition.States[step.name])).toContain(`":"$.${step.runName.field}"`);
    }
    expect(Object.keys(input).sort()).toEqual([
      "Commit",
      "EvaluationProcessingJobName",
      "ModelName",
      "PreprocessingJobName",
      "TrainingJobName",
    ]);
  });

  it("rejects parameters that would break the workflow, naming the value and the rule", () => {
    expect(() => renderMlWorkflow({ ...params, threshold: -1 })).toThrow(
      "buildMlWorkflow: threshold must be a positive number (got -1)",
    );
    const [name, h] = Object.entries(MODEL.hyperparameters)[0];
    expect(() => renderMlWorkflow({ ...params, hyperparameters: { [name]: h.min - 1 } })).toThrow(
      new RegExp(`^buildMlWorkflow: ${name} must be .+ \\(got ${h.min - 1}\\)$`),
    );
    expect(() => renderMlWorkflow({ ...params, artifactBucket: "Not_A_Bucket" })).toThrow(
      'artifactBucket must be an S3 bucket name (got "Not_A_Bucket")',
    );
  });
});
