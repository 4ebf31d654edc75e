/**
 * abalone's synthesized stacks, whichever model models/index.ts chooses: the Terraform variables,
 * names, state names, S3 layout and IAM scoping that its deployed environments already have, so a
 * change of the platform that would rename or move any of them fails here.
 */
import { Testing } from "cdktf";
import { getEnvironment } from "../../../environments";
import { ResourceNames } from "../../../modules/naming";
import { maxRunIdLength } from "../../../modules/pipeline/run-id";
import { executionInput } from "../../../modules/workflow/execution-input";
import { MlPipelineStack } from "../../../stacks/ml-pipeline-stack";
import {
  Block,
  inlinePolicyOf,
  namedResource,
  onlyResource,
  resourcesOfType,
  synthEnvironment,
} from "../../../test/helpers/synth";
import { resolveReferences } from "../../../test/modules/workflow/terraform-references";
import abalone from "../model";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Terraform = any;

const statementsOf = (tf: Terraform, role: string): Record<string, Block> =>
  Object.fromEntries(JSON.parse(inlinePolicyOf(tf, role).policy).Statement.map((s: Block) => [s.Sid, s]));

describe.each([
  ["dev", { epochs: 20, batch_size: 16, threshold: 3.0 }],
  ["staging", { epochs: 100, batch_size: 8, threshold: 2.5 }],
  ["prod", { epochs: 200, batch_size: 8, threshold: 2.1 }],
])("abalone's %s stack", (env, values) => {
  let tf: Terraform;
  let machine: Block;
  beforeAll(() => {
    tf = synthEnvironment(env, abalone).tf;
    machine = onlyResource(tf, "aws_sfn_state_machine")[1];
  });

  it(`declares the Terraform variables epochs, batch_size and threshold, defaulting to ${values.epochs}, ${values.batch_size} and ${values.threshold}`, () => {
    expect(Object.keys(tf.variable).sort()).toEqual(["batch_size", "epochs", "threshold"]);
    for (const [id, value] of Object.entries(values))
      expect(tf.variable[id]).toMatchObject({ type: "number", default: value, nullable: false });
  });

  it(`names its resources abalone-${env}-…, tagged Project abalone`, () => {
    expect(tf.provider.aws[0].default_tags[0].tags).toMatchObject({ Project: "abalone", Environment: env });
    expect(onlyResource(tf, "aws_kms_alias")[1].name).toBe(`alias/abalone-${env}`);
    expect(onlyResource(tf, "aws_s3_bucket")[1].bucket).toMatch(new RegExp(`^abalone-${env}-artifacts-\\$\\{data\\.`));
    for (const role of ["sagemaker", "lambda", "workflow", "build-model", "deploy-endpoint", "codepipeline", "source-trigger"])
      expect(namedResource(tf, "aws_iam_role", `abalone-${env}-${role}-role`)).toBeDefined();
    expect(onlyResource(tf, "aws_lambda_function")[1].function_name).toBe(`abalone-${env}-analyze-results`);
    expect(machine.name).toBe(`abalone-${env}-ml-workflow`);
    expect(onlyResource(tf, "aws_sagemaker_model_package_group")[1].model_package_group_name).toBe(`abalone-${env}-abalone`);
    for (const project of ["build-model", "deploy-endpoint"])
      expect(namedResource(tf, "aws_codebuild_project", `abalone-${env}-${project}`)).toBeDefined();
    expect(onlyResource(tf, "aws_codepipeline")[1].name).toBe(`abalone-${env}-pipeline`);
    expect(onlyResource(tf, "aws_sns_topic")[1].name).toBe(`abalone-${env}-alarms`);
    expect(
      Object.values(resourcesOfType(tf, "aws_cloudwatch_metric_alarm"))
        .map((a) => (a as Block).alarm_name)
        .sort(),
    ).toEqual(
      ["endpoint-invocation-errors", "endpoint-model-latency", "workflow-executions-failed", "workflow-executions-timed-out"].map(
        (alarm) => `abalone-${env}-${alarm}`,
      ),
    );
    expect(
      Object.values(resourcesOfType(tf, "aws_cloudwatch_log_group"))
        .map((g) => (g as Block).name)
        .sort(),
    ).toEqual(
      [
        `/aws/codebuild/abalone-${env}-build-model`,
        `/aws/codebuild/abalone-${env}-deploy-endpoint`,
        `/aws/lambda/abalone-${env}-analyze-results`,
        `/aws/vendedlogs/states/abalone-${env}-ml-workflow`,
      ].sort(),
    );
    expect(tf.output.endpoint_name.value).toBe(`abalone-${env}-endpoint`);
  });

  it("keeps the workflow's state names, passing epochs and batch size to train.py and gating on an RMSE below var.threshold", () => {
    const definition = JSON.parse(resolveReferences(machine.definition, values));
    // Renaming or dropping a state breaks operators' history and alarms; a step added is pinned by the
    // template's own test (test/modules/workflow/ml-workflow.test.ts, docs/adding-a-step.md).
    expect(Object.keys(definition.States)).toEqual(
      expect.arrayContaining([
        "Pre-process Data",
        "Model Training",
        "Register Trained Model",
        "Model Evaluation",
        "Analyze Evaluation Results",
        "Threshold Evaluation Check",
        "Model Evaluation Below Threshold",
        "Register Model Version",
        "Model Evaluation Exceeds Threshold",
        "ML Workflow Failed",
      ]),
    );
    expect(machine.definition).toContain(
      '"epochs":"${var.epochs}","batch-size":"${var.batch_size}","sagemaker_program":"train.py"',
    );
    expect(machine.definition).toContain('"Variable":"$.Analysis.Result","NumericLessThan":${var.threshold}}');
    expect(machine.definition).toContain('"Metric":"rmse"');
    expect(machine.definition).toContain(`"ModelPackageGroupName":"abalone-${env}-abalone"`);
    expect(machine.definition).toContain(
      `"Error":"ModelEvaluationExceedsThreshold","Cause":"The model's RMSE is not below the environment's threshold"`,
    );
  });

  it("keeps the S3 layout: abalone_data/raw/abalone.data, the scripts under abalone_data/code/, each run under <run id>/abalone-<env>-TrainingJob-<run id>/", () => {
    const keys = Object.values(resourcesOfType(tf, "aws_s3_object")).map((o) => (o as Block).key);
    expect(keys).toEqual(
      expect.arrayContaining([
        "abalone_data/code/preprocessing.py",
        "abalone_data/code/evaluate.py",
        "abalone_data/code/sourcedir.tar.gz",
      ]),
    );
    expect(machine.definition).toContain('/abalone_data/raw/abalone.data"');
    expect(machine.definition).toContain('/abalone_data/code/sourcedir.tar.gz"');
    expect(executionInput(abalone.name, env, "r1")).toMatchObject({
      ModelName: `abalone-${env}-r1`,
      PreprocessingJobName: `abalone-${env}-ProcessingJob-r1`,
      TrainingJobName: `abalone-${env}-TrainingJob-r1`,
      EvaluationProcessingJobName: `abalone-${env}-EvaluationJob-r1`,
      Commit: "unknown",
    });
  });

  it("scopes IAM to abalone's data, runs, log groups, images and endpoint alarms", () => {
    const sagemaker = statementsOf(tf, `abalone-${env}-sagemaker-role`);
    expect(sagemaker.ReadDataCodeAndRunObjects.Resource.map((r: string) => r.replace(/^\$\{[^}]+\}/, ""))).toEqual([
      "/abalone_data/raw/*",
      "/abalone_data/code/*",
      "/*/abalone-*-TrainingJob-*",
    ]);
    expect(sagemaker.ListOnlyTheWorkflowPrefixes.Condition).toEqual({
      StringLike: { "s3:prefix": ["abalone_data/raw*", "abalone_data/code*", "*/abalone-*-TrainingJob-*"] },
    });
    expect(sagemaker.WritePreprocessedRunAndCaptureObjects.Resource.map((r: string) => r.replace(/^\$\{[^}]+\}/, ""))).toEqual([
      "/*/abalone-*-TrainingJob-*",
      "/endpoint-data-capture/*",
    ]);
    expect(sagemaker.PullFrameworkImages.Resource.map((r: string) => r.split(":repository/")[1])).toEqual([
      "sagemaker-scikit-learn",
      "tensorflow-training",
      "tensorflow-inference",
    ]);
    expect(sagemaker.ReadTheEndpointsRollbackAlarms.Resource.map((r: string) => r.split(":alarm:")[1])).toEqual([
      `abalone-${env}-endpoint-invocation-errors`,
      `abalone-${env}-endpoint-model-latency`,
    ]);
    expect(inlinePolicyOf(tf, `abalone-${env}-lambda-role`).policy).toContain(
      `/*/abalone-${env}-TrainingJob-*/evaluation/evaluation.json`,
    );
    const logs = JSON.parse(onlyResource(tf, "aws_kms_key")[1].policy).Statement.find(
      (s: Block) => s.Sid === "CloudWatchLogsEncryptsProjectLogGroups",
    );
    expect(
      logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"].map((arn: string) => arn.split(":log-group:")[1]),
    ).toEqual([`/aws/lambda/abalone-${env}-*`, `/aws/vendedlogs/states/abalone-${env}-*`, `/aws/codebuild/abalone-${env}-*`]);
  });

  it("gives the builds abalone's data prefix, run-name prefix, metric, hyperparameters and rollback alarms", () => {
    const variables = (project: string) =>
      Object.fromEntries(
        (
          namedResource(tf, "aws_codebuild_project", `abalone-${env}-${project}`)[1].environment.environment_variable as Block[]
        ).map((v) => [v.name, v.value]),
      );
    expect(variables("build-model")).toMatchObject({
      DATA_PREFIX: "abalone_data",
      MODEL_PREFIX: `abalone-${env}-`,
      METRIC_NAME: "RMSE",
      HYPERPARAMETERS: "epochs ${var.epochs}, batch-size ${var.batch_size}",
      THRESHOLD: "${var.threshold}",
    });
    expect(variables("deploy-endpoint").ENDPOINT_ROLLBACK_ALARMS).toBe(
      `abalone-${env}-endpoint-invocation-errors,abalone-${env}-endpoint-model-latency`,
    );
  });
});

describe("abalone's names outside the stacks' resources", () => {
  it("keeps prod's remote state under abalone/prod/, and the deployer's session cdktf-abalone-prod", () => {
    const names = new ResourceNames("prod", abalone.name);
    expect(names.stateKey).toBe("abalone/prod/terraform.tfstate");
    expect(`cdktf-${names.prefix}`).toBe("cdktf-abalone-prod");
  });

  it("leaves room for 24-character run ids in the longest environment name (16 characters)", () => {
    expect(maxRunIdLength(new ResourceNames("a-sixteen-chars1", abalone.name))).toBe(
      63 - "abalone-a-sixteen-chars1-EvaluationJob-".length,
    );
  });

  it("names abalone.data in the error for a missing rawDataPath", () => {
    expect(
      () =>
        new MlPipelineStack(Testing.app(), {
          env: { ...getEnvironment("dev"), rawDataPath: "data/missing.data" },
          model: abalone,
        }),
    ).toThrow('rawDataPath "data/missing.data" must name an existing abalone.data file');
  });
});
