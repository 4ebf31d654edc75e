import {
  ActionExecutionDetail,
  CodePipelineClient,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  GetPipelineStateOutput,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  PutApprovalResultCommand,
} from "@aws-sdk/client-codepipeline";
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  SageMakerClient,
  UpdateModelPackageCommand,
} from "@aws-sdk/client-sagemaker";
import { DescribeStateMachineForExecutionCommand, ListExecutionsCommand, SFNClient } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { getEnvironment } from "../../environments";
import { ExitCode } from "../../cli/errors";
import { isRunOfPipelineExecution } from "../../cli/pipeline-state";
import { ResourceNames } from "../../modules/naming";
import { maxRunIdLength } from "../../modules/pipeline/run-id";
import { STATE_NAMES } from "../../modules/workflow/ml-workflow";
import { renderEnvironmentDefinition } from "../../modules/workflow/render-environment";
import { GATE, MODEL, modelGroup, passingValue, resourceName, runName, thresholdOf } from "../helpers/chosen-model";
import { awsError, cli, fakeDeps, T0 } from "./fake-deps";
import { failedTrainingJobCause, HistoryBuilder, serveHistory, succeededHistory } from "./history-fixtures";

const codepipeline = mockClient(CodePipelineClient);
const sfn = mockClient(SFNClient);
const sagemaker = mockClient(SageMakerClient);

const PIPELINE = resourceName("prod", "pipeline");
const STATE_MACHINE_ARN = `arn:aws:states:us-east-1:111122223333:stateMachine:${resourceName("prod", "ml-workflow")}`;
const EXECUTION_ID = "3f2a9c1e-7b4d-4e8a-9c2f-0a1b2c3d4e5f";
/** The run id BuildModel derives from the execution id (assets/buildspecs/build-model.yml), first build. */
const RUN_ID = `${EXECUTION_ID.replace(/-/g, "").slice(0, maxRunIdLength(new ResourceNames("prod", MODEL.name)) - 2)}-1`;
const REPORT = `s3://${resourceName("prod", "artifacts-111122223333")}/${RUN_ID}/${runName("prod", RUN_ID, "TrainingJob")}/evaluation/report.md`;
/** prod's threshold, the metric the run scored (it passes), and the approver's summary. */
const THRESHOLD = thresholdOf("prod");
const PASSING = passingValue(THRESHOLD);
const SUMMARY = `${MODEL.metric.name} ${PASSING} ${GATE.side} ${THRESHOLD}`;
const TOKEN = "6f1d2a3b-0c4e-4f5a-8b9c-d0e1f2a3b4c5";
const COMMIT = "9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c";
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

type Status = "Succeeded" | "InProgress" | "Failed";
const action = (actionName: string, status?: Status, minutes = 0, extra: object = {}) => ({
  actionName,
  ...(status ? { latestExecution: { status, lastStatusChange: at(minutes), ...extra } } : {}),
});
/** A stage as GetPipelineState reports it: its own latest execution, by default the latest pipeline execution. */
const stage = (
  stageName: string,
  status: Status | undefined,
  actions: ReturnType<typeof action>[],
  executionId = EXECUTION_ID,
) => ({
  stageName,
  ...(status ? { latestExecution: { pipelineExecutionId: executionId, status } } : {}),
  actionStates: actions,
});
/** An earlier pipeline execution, whose approval and deploy succeeded a day before. */
const EARLIER_ID = "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

/** The prod pipeline with the model built (passing the threshold) and the approval waiting. */
const waitingForApproval = (): GetPipelineStateOutput => ({
  pipelineName: PIPELINE,
  stageStates: [
    stage("Source", "Succeeded", [action("Source", "Succeeded", 0.5)]),
    stage("Build", "Succeeded", [
      action("BuildModel", "Succeeded", 17, { externalExecutionUrl: "https://console.aws.amazon.com/codebuild/build-model" }),
    ]),
    stage("Approval", "InProgress", [action("EvaluationApproval", "InProgress", 17.2, { token: TOKEN })]),
    stage("Deploy", undefined, [action("DeployEndpoint")]),
  ],
});

const detail = (
  stageName: string,
  actionName: string,
  status: Status,
  start: number,
  end: number,
  extra: Partial<ActionExecutionDetail> = {},
): ActionExecutionDetail => ({
  pipelineExecutionId: EXECUTION_ID,
  stageName,
  actionName,
  status,
  startTime: at(start),
  lastUpdateTime: at(end),
  ...extra,
});
const buildDetail = (status: Status, variables?: Record<string, string>) =>
  detail("Build", "BuildModel", status, 0.5, 17, {
    input: { namespace: "BuildVariables" },
    output: variables ? { outputVariables: variables } : {},
  });

function servePipeline(
  state: GetPipelineStateOutput,
  options: { status?: string; details?: ActionExecutionDetail[]; statusSummary?: string } = {},
) {
  codepipeline.on(GetPipelineStateCommand, { name: PIPELINE }).resolves(state);
  codepipeline.on(ListPipelineExecutionsCommand).resolves({
    pipelineExecutionSummaries: [
      {
        pipelineExecutionId: EXECUTION_ID,
        status: (options.status ?? "InProgress") as never,
        startTime: at(0),
        lastUpdateTime: at(17.2),
      },
    ],
  });
  codepipeline.on(GetPipelineExecutionCommand, { pipelineName: PIPELINE, pipelineExecutionId: EXECUTION_ID }).resolves({
    pipelineExecution: {
      pipelineName: PIPELINE,
      pipelineExecutionId: EXECUTION_ID,
      status: (options.status ?? "InProgress") as never,
      statusSummary: options.statusSummary,
      artifactRevisions: [
        {
          name: "SourceOutput",
          revisionId: COMMIT,
          revisionSummary: "Train prod with 200 epochs\n\nThe RMSE was too close to the threshold.",
          revisionUrl: `https://console.aws.amazon.com/codecommit/commit/${COMMIT}`,
        },
      ],
    },
  });
  codepipeline.on(ListActionExecutionsCommand).resolves({
    actionExecutionDetails: options.details ?? [
      detail("Approval", "EvaluationApproval", "InProgress", 17.2, 17.2),
      buildDetail("Succeeded", { RUN_ID, MODEL_NAME: runName("prod", RUN_ID), REPORT_URI: REPORT }),
      detail("Source", "Source", "Succeeded", 0, 0.5),
    ],
  });
}

function serveEndpoint(status = "InService", extra: object = {}) {
  sagemaker.on(DescribeEndpointCommand, { EndpointName: resourceName("prod", "endpoint") }).resolves({
    EndpointName: resourceName("prod", "endpoint"),
    EndpointArn: `arn:aws:sagemaker:us-east-1:111122223333:endpoint/${resourceName("prod", "endpoint")}`,
    EndpointConfigName: resourceName("prod", "config-20240420080000"),
    EndpointStatus: status as never,
    CreationTime: at(-20000),
    LastModifiedTime: at(-15000),
    ...extra,
  });
  sagemaker.on(DescribeEndpointConfigCommand, { EndpointConfigName: resourceName("prod", "config-20240420080000") }).resolves({
    EndpointConfigName: resourceName("prod", "config-20240420080000"),
    EndpointConfigArn: `arn:aws:sagemaker:us-east-1:111122223333:endpoint-config/${resourceName("prod", "config-20240420080000")}`,
    CreationTime: at(-15000),
    ProductionVariants: [
      {
        VariantName: "AllTraffic",
        ModelName: runName("prod", "20240420080000"),
        InstanceType: "ml.m5.large",
        InitialInstanceCount: 2,
      },
    ],
  });
}

const deps = (options: { tty?: boolean; env?: Record<string, string> } = {}) => {
  const d = fakeDeps({ tty: options.tty, env: { STATE_MACHINE_ARN, ...options.env }, now: T0 + 18 * 60_000 });
  d.pipelinePollSeconds = 15;
  return d;
};

beforeEach(() => {
  codepipeline.reset();
  sfn.reset();
  sagemaker.reset();
  sfn
    .on(DescribeStateMachineForExecutionCommand)
    .resolves({ definition: JSON.stringify(renderEnvironmentDefinition(getEnvironment("prod"), MODEL)) });
});

describe("workflow pipeline", () => {
  it("shows the stages, the commit, the run's states and metric, the waiting approval with its commands, and the endpoint", async () => {
    servePipeline(waitingForApproval());
    serveEndpoint();
    const d = deps();
    serveHistory(sfn, succeededHistory(RUN_ID, PASSING), d.clock);
    const { code, stdout, stderr } = await cli(["pipeline", "--env", "prod"], d);
    expect(stderr).toBe("");
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toContain(
      `${PIPELINE} (us-east-1) · execution ${EXECUTION_ID}: InProgress, started 2024-05-01T12:00:00Z (18m 00s)`,
    );
    expect(stdout).toContain(`source SourceOutput: ${COMMIT.slice(0, 12)} "Train prod with 200 epochs"`);
    expect(stdout).toMatch(/✓ Build +BuildModel +Succeeded +16m 30s +last change 2024-05-01T12:17:00Z/);
    expect(stdout).toMatch(/… Approval +EvaluationApproval +InProgress/);
    expect(stdout).toMatch(/· Deploy +DeployEndpoint +not reached$/m);
    expect(stdout).toContain(`Run ${RUN_ID}: SUCCEEDED`);
    expect(stdout).toMatch(/✓ Model Training +Task +8m 00s/);
    expect(stdout).toContain(`${MODEL.metric.name} ${PASSING} is ${GATE.side} the threshold ${THRESHOLD}: ${GATE.pass}`);
    expect(stdout).toContain(`Evaluation report: ${REPORT}`);
    expect(stdout).toContain("Approval Approval/EvaluationApproval waiting since 2024-05-01T12:17:12Z");
    expect(stdout).toContain('approve: workflow approve --env prod --summary "<why>"');
    expect(stdout).toContain('reject:  workflow reject --env prod --summary "<why>"');
    expect(stdout).toContain(
      `--pipeline-name ${PIPELINE} --stage-name Approval --action-name EvaluationApproval --token ${TOKEN} --result 'status=Approved,summary=<why>'`,
    );
    expect(stdout).toContain(
      `Endpoint ${resourceName("prod", "endpoint")}: InService, config ${resourceName("prod", "config-20240420080000")}, model ${runName("prod", "20240420080000")} (AllTraffic, ml.m5.large × 2)`,
    );
    // The run is the one BuildModel exported, on the state machine of the environment.
    expect(sfn.commandCalls(DescribeStateMachineForExecutionCommand)[0].args[0].input.executionArn).toBe(
      `${STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:${RUN_ID}`,
    );
    expect(codepipeline.commandCalls(ListActionExecutionsCommand)[0].args[0].input).toEqual({
      pipelineName: PIPELINE,
      filter: { pipelineExecutionId: EXECUTION_ID },
    });
  });

  it("prints one JSON document with the token, the answering commands, the run's outcome and the endpoint's model", async () => {
    servePipeline(waitingForApproval());
    serveEndpoint();
    const d = deps();
    serveHistory(sfn, succeededHistory(RUN_ID, PASSING), d.clock);
    const { code, stdout } = await cli(["pipeline", "--env", "prod", "--json"], d);
    expect(code).toBe(ExitCode.Succeeded);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      environment: "prod",
      pipeline: PIPELINE,
      execution: {
        pipelineExecutionId: EXECUTION_ID,
        status: "InProgress",
        source: [{ revisionId: COMMIT, message: expect.stringMatching(/^Train prod with 200 epochs/) }],
      },
      run: { runId: RUN_ID, outcome: { status: "SUCCEEDED", metric: PASSING, threshold: THRESHOLD, decision: "passed" } },
      approval: {
        stage: "Approval",
        action: "EvaluationApproval",
        token: TOKEN,
        commands: { approve: 'workflow approve --env prod --summary "<why>"' },
      },
      endpoint: { status: "InService", models: [{ model: runName("prod", "20240420080000"), instanceCount: 2 }] },
    });
    expect(report.stages.map((s: { name: string }) => s.name)).toEqual(["Source", "Build", "Approval", "Deploy"]);
    expect(report.run.states).toHaveLength(7);
  });

  it("shows a failed build with the failing task's FailureReason and exits 1 with the execution's console page", async () => {
    const state = waitingForApproval();
    state.stageStates = [
      stage("Source", "Succeeded", [action("Source", "Succeeded", 0.5)]),
      stage("Build", "Failed", [
        action("BuildModel", "Failed", 11, {
          errorDetails: { code: "JobFailed", message: "Build terminated with state: FAILED" },
        }),
      ]),
      stage("Approval", undefined, [action("EvaluationApproval")]),
      stage("Deploy", undefined, [action("DeployEndpoint")]),
    ];
    servePipeline(state, {
      status: "Failed",
      statusSummary: "Build terminated with state: FAILED",
      details: [buildDetail("Failed", { RUN_ID })],
    });
    serveEndpoint();
    const d = deps();
    const cause = failedTrainingJobCause(RUN_ID, "AlgorithmError: ValueError: could not convert string to float: 'M'");
    serveHistory(
      sfn,
      new HistoryBuilder(RUN_ID).taskFailsAndIsCaught(
        STATE_NAMES.training,
        6 * 60_000,
        "SageMaker.AmazonSageMakerException",
        cause,
      ).events,
      d.clock,
    );
    const { code, stdout, stderr } = await cli(["pipeline", "--env", "prod"], d);
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(stdout).toMatch(/✗ Build +BuildModel +Failed/);
    expect(stdout).toContain("      Build terminated with state: FAILED");
    expect(stdout).toContain(`Run ${RUN_ID}: FAILED`);
    expect(stdout).toContain(
      `Failed state: Model Training — SageMaker.AmazonSageMakerException: ${runName("dev", RUN_ID, "TrainingJob")} Failed: AlgorithmError: ValueError: could not convert string to float: 'M'`,
    );
    expect(stdout).not.toContain("Approval Approval/EvaluationApproval waiting");
    expect(stderr).toBe(
      `workflow pipeline: ${PIPELINE} execution ${EXECUTION_ID} Failed: Build terminated with state: FAILED — see https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/${PIPELINE}/executions/${EXECUTION_ID}/timeline?region=us-east-1\n`,
    );
  });

  it("never shows an earlier execution's stage result as current: marks the stages this execution has not reached", async () => {
    // GetPipelineState reports each stage's own latest execution: Approval and Deploy last ran in an earlier one.
    const state = waitingForApproval();
    state.stageStates = [
      stage("Source", "Succeeded", [action("Source", "Succeeded", 0.5)]),
      stage("Build", "Failed", [
        action("BuildModel", "Failed", 11, { errorDetails: { code: "JobFailed", message: "Build failed" } }),
      ]),
      stage("Approval", "Succeeded", [action("EvaluationApproval", "Succeeded", -1400)], EARLIER_ID),
      stage("Deploy", "Succeeded", [action("DeployEndpoint", "Succeeded", -1380)], EARLIER_ID),
    ];
    servePipeline(state, { status: "Failed", details: [buildDetail("Failed", { RUN_ID })] });
    serveEndpoint();
    const d = deps();
    serveHistory(sfn, succeededHistory(RUN_ID, PASSING), d.clock);
    const { stdout } = await cli(["pipeline", "--env", "prod"], d);
    expect(stdout).toMatch(/✗ Build +BuildModel +Failed/);
    expect(stdout).not.toMatch(/✓ (Approval|Deploy)/);
    expect(stdout).toMatch(
      new RegExp(`· Approval +EvaluationApproval +not reached +last Succeeded 2024-04-30T12:40:00Z in execution ${EARLIER_ID}`),
    );
    expect(stdout).toMatch(
      new RegExp(`· Deploy +DeployEndpoint +not reached +last Succeeded 2024-04-30T13:00:00Z in execution ${EARLIER_ID}`),
    );

    const report = JSON.parse((await cli(["pipeline", "--env", "prod", "--json"], deps())).stdout);
    expect(report.stages.map((s: { name: string; pipelineExecutionId: string }) => [s.name, s.pipelineExecutionId])).toEqual([
      ["Source", EXECUTION_ID],
      ["Build", EXECUTION_ID],
      ["Approval", EARLIER_ID],
      ["Deploy", EARLIER_ID],
    ]);
    expect(report.stages[3].actions[0]).toMatchObject({
      action: "DeployEndpoint",
      reached: false,
      status: "Succeeded",
      pipelineExecutionId: EARLIER_ID,
    });
    expect(report.stages[1].actions[0]).toMatchObject({ reached: true, status: "Failed", pipelineExecutionId: EXECUTION_ID });
  });

  it("finds the run of a build still in progress by its name, before BuildModel exports RUN_ID", async () => {
    const state = waitingForApproval();
    state.stageStates = [
      stage("Source", "Succeeded", [action("Source", "Succeeded", 0.5)]),
      stage("Build", "InProgress", [action("BuildModel", "InProgress", 0.5)]),
    ];
    servePipeline(state, { details: [buildDetail("InProgress")] });
    serveEndpoint();
    const other = { stateMachineArn: STATE_MACHINE_ARN, status: "SUCCEEDED" as const, startDate: at(-60) };
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        { ...other, name: "20240501115900", executionArn: `${STATE_MACHINE_ARN}:20240501115900` },
        { ...other, name: RUN_ID, status: "RUNNING", executionArn: `${STATE_MACHINE_ARN}:${RUN_ID}` },
      ],
    });
    const d = deps();
    serveHistory(
      sfn,
      new HistoryBuilder(RUN_ID, T0 + 60_000).task(STATE_NAMES.preprocess, 4 * 60_000, "Preprocessing", {}).events.concat(),
      d.clock,
    );
    const { code, stdout } = await cli(["pipeline", "--env", "prod"], d);
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toContain(`Run ${RUN_ID}: RUNNING`);
    expect(stdout).toMatch(/✓ Pre-process Data +Task +4m 00s/);
    expect(stdout).toMatch(/… Build +BuildModel +InProgress +17m 30s/);
  });

  it("says when the endpoint is not deployed yet, and shows a failed endpoint's reason", async () => {
    servePipeline(waitingForApproval());
    sagemaker
      .on(DescribeEndpointCommand)
      .rejects(awsError("ValidationException", `Could not find endpoint "${resourceName("prod", "endpoint")}".`));
    const d = deps();
    serveHistory(sfn, succeededHistory(RUN_ID, PASSING), d.clock);
    expect((await cli(["pipeline", "--env", "prod"], d)).stdout).toContain(
      `Endpoint ${resourceName("prod", "endpoint")}: not deployed yet`,
    );

    sagemaker.reset();
    serveEndpoint("Failed", {
      FailureReason: "The primary container for production variant AllTraffic did not pass the ping health check.",
    });
    const failed = await cli(["pipeline", "--env", "prod", "--json"], deps());
    expect(JSON.parse(failed.stdout).endpoint).toMatchObject({
      status: "Failed",
      failureReason: expect.stringContaining("did not pass the ping health check"),
    });
  });

  it("reports a pipeline that is not deployed (exit 3)", async () => {
    codepipeline
      .on(GetPipelineStateCommand)
      .rejects(awsError("PipelineNotFoundException", `Account '111122223333' does not have a pipeline with name '${PIPELINE}'`));
    const { code, stderr } = await cli(["pipeline", "--env", "prod"], deps());
    expect(code).toBe(ExitCode.Aws);
    expect(stderr).toMatch(
      /^workflow pipeline: not found calling GetPipelineState: Account .* does not have a pipeline with name /,
    );
    expect(stderr).toContain(`does not have a pipeline with name '${PIPELINE}' — check the name`);
  });

  describe("--watch", () => {
    /** Build in progress on the first two reads, then the approval waits. */
    function serveBuildThenApproval() {
      const building = waitingForApproval();
      building.stageStates = [
        stage("Source", "Succeeded", [action("Source", "Succeeded", 0.5)]),
        stage("Build", "InProgress", [action("BuildModel", "InProgress", 0.5)]),
        stage("Approval", undefined, [action("EvaluationApproval")]),
        stage("Deploy", undefined, [action("DeployEndpoint")]),
      ];
      servePipeline(waitingForApproval());
      codepipeline.on(GetPipelineStateCommand).resolvesOnce(building).resolvesOnce(building).resolves(waitingForApproval());
      serveEndpoint();
    }

    it("prints the view once, then a stamped line per change in CI, and stops when the approval waits", async () => {
      serveBuildThenApproval();
      const d = deps({ tty: true, env: { CI: "true" } });
      serveHistory(sfn, succeededHistory(RUN_ID, PASSING), d.clock);
      const { code, stdout } = await cli(["pipeline", "--env", "prod", "--watch"], d);
      expect(code).toBe(ExitCode.Succeeded);
      expect(stdout).not.toContain("\x1b[");
      expect(stdout.split("Stages:")).toHaveLength(2);
      expect(stdout).toContain("[2024-05-01T12:18:30Z] Build/BuildModel: Succeeded\n");
      expect(stdout).toContain(
        '[2024-05-01T12:18:30Z] approval Approval/EvaluationApproval waiting: workflow approve --env prod --summary "<why>"',
      );
      expect(stdout).not.toContain("] Source/Source");
      expect(d.slept()).toBe(30_000);
    });

    it("redraws the view in place on a terminal", async () => {
      serveBuildThenApproval();
      const d = deps({ tty: true });
      serveHistory(sfn, succeededHistory(RUN_ID, PASSING), d.clock);
      const { code, stdout } = await cli(["pipeline", "--env", "prod", "--watch"], d);
      expect(code).toBe(ExitCode.Succeeded);
      // eslint-disable-next-line no-control-regex -- the live view moves the cursor with ANSI escapes
      expect(stdout).toMatch(/\x1b\[\d+A/);
      expect(stdout).toContain("\x1b[2K");
      expect(stdout.split("Stages:")).toHaveLength(4);
    });
  });
});

describe("workflow approve / reject", () => {
  const VERSION_ARN = `arn:aws:sagemaker:us-east-1:111122223333:model-package/${modelGroup("prod")}/4`;
  beforeEach(() => {
    // BuildModel of the waiting execution registered version 4.
    codepipeline.on(ListActionExecutionsCommand).resolves({
      actionExecutionDetails: [buildDetail("Succeeded", { RUN_ID, MODEL_PACKAGE_ARN: VERSION_ARN })],
    });
    sagemaker.on(UpdateModelPackageCommand).resolves({ ModelPackageArn: VERSION_ARN });
  });

  it("approves with the token from the pipeline state, and marks the execution's model version Approved", async () => {
    codepipeline.on(GetPipelineStateCommand).resolves(waitingForApproval());
    codepipeline.on(PutApprovalResultCommand).resolves({ approvedAt: at(20) });
    const { code, stdout } = await cli(["approve", "--env", "prod", "--summary", SUMMARY], deps());
    expect(code).toBe(ExitCode.Succeeded);
    expect(codepipeline.commandCalls(PutApprovalResultCommand)[0].args[0].input).toEqual({
      pipelineName: PIPELINE,
      stageName: "Approval",
      actionName: "EvaluationApproval",
      token: TOKEN,
      result: { status: "Approved", summary: SUMMARY },
    });
    expect(stdout).toBe(
      `Approved Approval/EvaluationApproval of ${PIPELINE} execution ${EXECUTION_ID} at 2024-05-01T12:20:00.000Z: ${SUMMARY}\n` +
        `Model version ${VERSION_ARN}: Approved\n`,
    );
    expect(codepipeline.commandCalls(ListActionExecutionsCommand)[0].args[0].input.filter).toEqual({
      pipelineExecutionId: EXECUTION_ID,
    });
    expect(sagemaker.commandCalls(UpdateModelPackageCommand).map((c) => c.args[0].input)).toEqual([
      { ModelPackageArn: VERSION_ARN, ModelApprovalStatus: "Approved", ApprovalDescription: SUMMARY },
    ]);
  });

  it("says what is left to do when the pipeline took the answer but the registry refused it (exit 3)", async () => {
    codepipeline.on(GetPipelineStateCommand).resolves(waitingForApproval());
    codepipeline.on(PutApprovalResultCommand).resolves({ approvedAt: at(20) });
    sagemaker
      .on(UpdateModelPackageCommand)
      .rejects(awsError("AccessDeniedException", "not authorized to perform sagemaker:UpdateModelPackage"));
    const { code, stderr } = await cli(["reject", "--env", "prod", "--summary", "wrong data"], deps());
    expect(code).toBe(ExitCode.Aws);
    expect(stderr).toContain(
      `Rejected in ${PIPELINE}, but setting ${VERSION_ARN} to Rejected failed: access denied calling UpdateModelPackage`,
    );
    expect(stderr).toContain(
      `aws sagemaker update-model-package --model-package-arn ${VERSION_ARN} --model-approval-status Rejected`,
    );
  });

  it("rejects with the summary, as JSON with --json", async () => {
    codepipeline.on(GetPipelineStateCommand).resolves(waitingForApproval());
    codepipeline.on(PutApprovalResultCommand).resolves({ approvedAt: at(20) });
    const { code, stdout } = await cli(["reject", "--env", "staging", "--summary", "wrong data", "--json"], deps());
    expect(code).toBe(ExitCode.Succeeded);
    expect(codepipeline.commandCalls(PutApprovalResultCommand)[0].args[0].input).toMatchObject({
      pipelineName: resourceName("staging", "pipeline"),
      result: { status: "Rejected", summary: "wrong data" },
    });
    expect(JSON.parse(stdout)).toMatchObject({
      pipeline: resourceName("staging", "pipeline"),
      status: "Rejected",
      pipelineExecutionId: EXECUTION_ID,
      modelVersion: VERSION_ARN,
    });
    expect(sagemaker.commandCalls(UpdateModelPackageCommand)[0].args[0].input).toMatchObject({ ModelApprovalStatus: "Rejected" });
  });

  it("says no approval is waiting (exit 3) and answers nothing", async () => {
    const state = waitingForApproval();
    state.stageStates![2] = stage("Approval", "Succeeded", [action("EvaluationApproval", "Succeeded", 30)]);
    codepipeline.on(GetPipelineStateCommand).resolves(state);
    const { code, stderr } = await cli(["approve", "--env", "prod"], deps());
    expect(code).toBe(ExitCode.Aws);
    expect(stderr).toBe(
      `workflow approve: no approval is waiting in ${PIPELINE} (us-east-1) — run 'workflow pipeline --env prod' to see where the release stands\n`,
    );
    expect(codepipeline.commandCalls(PutApprovalResultCommand)).toHaveLength(0);
  });

  it.each([
    [["reject", "--env", "prod"], "workflow reject: --summary is required"],
    [["approve", "--env", "dev"], "workflow approve: --env dev: its pipeline has no approval stage (requireApproval is false)"],
    [
      ["reject", "--env", "prod", "--summary", "x".repeat(513)],
      "workflow reject: --summary is 513 characters long; CodePipeline allows at most 512",
    ],
  ])("refuses %j before calling AWS (exit 2)", async (argv, message) => {
    const { code, stderr } = await cli(argv, deps());
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(message);
    expect(codepipeline.calls()).toHaveLength(0);
  });

  it("reports an approval someone else answered first (exit 3)", async () => {
    codepipeline.on(GetPipelineStateCommand).resolves(waitingForApproval());
    codepipeline
      .on(PutApprovalResultCommand)
      .rejects(awsError("ApprovalAlreadyCompletedException", "The approval request has already been completed"));
    const { code, stderr } = await cli(["approve", "--env", "prod"], deps());
    expect(code).toBe(ExitCode.Aws);
    expect(stderr).toContain(
      "PutApprovalResult failed with ApprovalAlreadyCompletedException: The approval request has already been completed",
    );
  });
});

describe("isRunOfPipelineExecution", () => {
  it("matches the run ids BuildModel derives from the execution id, whatever the build number", () => {
    expect(isRunOfPipelineExecution(RUN_ID, EXECUTION_ID)).toBe(true);
    expect(isRunOfPipelineExecution("3f2a9c1e7b4d4e8a9c2f0a1b2c3d4e-12", EXECUTION_ID)).toBe(true);
    expect(isRunOfPipelineExecution("3f2a9c1e7b4d4e8a9c2f0a1b2c3d4e-12", "4f2a9c1e-7b4d-4e8a-9c2f-0a1b2c3d4e5f")).toBe(false);
    expect(isRunOfPipelineExecution("20240501120000", EXECUTION_ID)).toBe(false);
    expect(isRunOfPipelineExecution("3f2a-1", EXECUTION_ID)).toBe(false);
  });
});
