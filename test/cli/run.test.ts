import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionAlreadyExists,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENVIRONMENT_NAMES, getEnvironment } from "../../environments";
import { ExitCode } from "../../cli/errors";
import { timestampRunId } from "../../modules/run-names";
import { executionInput } from "../../modules/workflow/execution-input";
import { STATE_NAMES } from "../../modules/workflow/ml-workflow";
import { renderEnvironmentDefinition } from "../../modules/workflow/render-environment";
import {
  failingValue,
  GATE,
  hyperparameterArguments,
  MODEL,
  passingValue,
  resourceName,
  runName,
  thresholdOf,
} from "../helpers/chosen-model";
import { awsError, cli, fakeDeps, T0 } from "./fake-deps";
import {
  failedTrainingJobCause,
  HistoryBuilder,
  serveHistory,
  succeededHistory,
  thresholdFailedHistory,
  trainingFailedHistory,
} from "./history-fixtures";

/** dev's threshold, a metric that passes it and one that fails it. */
const THRESHOLD = thresholdOf("dev");
const PASSING = passingValue(THRESHOLD);
const FAILING = failingValue(THRESHOLD);
const METRIC = MODEL.metric.name;

const sfn = mockClient(SFNClient);
const ACCOUNT = "111122223333";
const DEV_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${resourceName("dev", "ml-workflow")}`;
const RUN_ID = "20240501120000";
const EXECUTION_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:${resourceName("dev", "ml-workflow")}:${RUN_ID}`;
const devDefinition = JSON.stringify(renderEnvironmentDefinition(getEnvironment("dev"), MODEL));

/** The state machine list spread over two pages, the dev one on the second. */
function listStateMachinesOverTwoPages() {
  sfn
    .on(ListStateMachinesCommand, { nextToken: undefined })
    .resolves({
      stateMachines: [
        {
          name: "other-workflow",
          stateMachineArn: DEV_ARN.replace(resourceName("dev", "ml-workflow"), "other-workflow"),
          type: "STANDARD",
          creationDate: new Date(),
        },
      ],
      nextToken: "page2",
    })
    .on(ListStateMachinesCommand, { nextToken: "page2" })
    .resolves({
      stateMachines: [
        { name: resourceName("dev", "ml-workflow"), stateMachineArn: DEV_ARN, type: "STANDARD", creationDate: new Date() },
      ],
    });
}

beforeEach(() => {
  sfn.reset();
  listStateMachinesOverTwoPages();
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date(T0) });
  sfn.on(DescribeStateMachineForExecutionCommand).resolves({ definition: devDefinition });
});

describe("workflow run", () => {
  it("starts an execution named after the run id with exactly the template's per-run names and the commit as input", async () => {
    const { code, stdout } = await cli(["run", "--env", "dev", "--run-id", RUN_ID]);
    expect(code).toBe(ExitCode.Succeeded);
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    const request = calls[0].args[0].input;
    expect(request.name).toBe(RUN_ID);
    expect(request.stateMachineArn).toBe(DEV_ARN);
    // The names are the template's (test/modules/workflow/ml-workflow.test.ts pins them); not built
    // from a commit, the registered version says so.
    expect(JSON.parse(request.input!)).toStrictEqual(executionInput(MODEL.name, "dev", RUN_ID));
    expect(JSON.parse(request.input!)).toMatchObject({
      TrainingJobName: runName("dev", RUN_ID, "TrainingJob"),
      Commit: "unknown",
    });
    expect(stdout).toContain(`Started execution ${RUN_ID} of ${DEV_ARN}`);
  });

  it("puts the commit CodeBuild built ($CODEBUILD_RESOLVED_SOURCE_VERSION) in the input, for the registered version", async () => {
    const commit = "9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c";
    await cli(
      ["run", "--env", "dev", "--run-id", RUN_ID],
      fakeDeps({ env: { STATE_MACHINE_ARN: DEV_ARN, CODEBUILD_RESOLVED_SOURCE_VERSION: commit } }),
    );
    const request = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
    expect(JSON.parse(request.input!)).toStrictEqual(executionInput(MODEL.name, "dev", RUN_ID, commit));
  });

  it("finds the state machine by its derived name, paging ListStateMachines in the environment's region", async () => {
    const { deps } = await cli(["run", "--env", "dev", "--run-id", RUN_ID]);
    expect(sfn.commandCalls(ListStateMachinesCommand)).toHaveLength(2);
    expect(new Set(deps.regions)).toEqual(new Set(["us-east-1"]));
  });

  it("defaults the run id to the UTC time YYYYMMDDHHMMSS", async () => {
    await cli(["run", "--env", "dev"]);
    const request = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
    expect(request.name).toBe(timestampRunId(new Date(T0)));
    expect(request.name).toBe("20240501120000");
  });

  it("uses STATE_MACHINE_ARN when set, without listing state machines", async () => {
    const { code } = await cli(["run", "--env", "dev", "--run-id", RUN_ID], fakeDeps({ env: { STATE_MACHINE_ARN: DEV_ARN } }));
    expect(code).toBe(ExitCode.Succeeded);
    expect(sfn.commandCalls(ListStateMachinesCommand)).toHaveLength(0);
    expect(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.stateMachineArn).toBe(DEV_ARN);
  });

  it("refuses a STATE_MACHINE_ARN of another environment's state machine (exit 2)", async () => {
    const prodArn = DEV_ARN.replace(resourceName("dev", "ml-workflow"), resourceName("prod", "ml-workflow"));
    const { code, stderr } = await cli(
      ["run", "--env", "dev", "--run-id", RUN_ID],
      fakeDeps({ env: { STATE_MACHINE_ARN: prodArn } }),
    );
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(
      `$STATE_MACHINE_ARN names state machine "${resourceName("prod", "ml-workflow")}", but --env dev uses "${resourceName("dev", "ml-workflow")}"`,
    );
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it("says how to fix a state machine that is not deployed (exit 3)", async () => {
    sfn.on(ListStateMachinesCommand).resolves({ stateMachines: [] });
    const { code, stderr } = await cli(["run", "--env", "staging", "--run-id", RUN_ID]);
    expect(code).toBe(ExitCode.Aws);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain(`state machine ${resourceName("staging", "ml-workflow")} not found in us-east-1`);
    expect(stderr).toContain("npx cdktf deploy staging");
  });

  it("attaches to the existing execution when the run id was started before with the same input", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: `Execution Already Exists: '${EXECUTION_ARN}'`, $metadata: {} }));
    sfn.on(DescribeExecutionCommand, { executionArn: EXECUTION_ARN }).resolves({
      executionArn: EXECUTION_ARN,
      name: RUN_ID,
      status: "RUNNING",
      startDate: new Date(T0),
      input: JSON.stringify(executionInput(MODEL.name, "dev", RUN_ID), null, 2),
      stateMachineArn: DEV_ARN,
    });
    const { code, stdout } = await cli(["run", "--env", "dev", "--run-id", RUN_ID, "--json"]);
    expect(code).toBe(ExitCode.Succeeded);
    expect(JSON.parse(stdout)).toMatchObject({ runId: RUN_ID, executionArn: EXECUTION_ARN, attached: true, status: "RUNNING" });
  });

  it("follows the attached execution with --wait, so a retried build reports the run it started", async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: {} }));
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      name: RUN_ID,
      status: "SUCCEEDED",
      startDate: new Date(T0),
      input: JSON.stringify(executionInput(MODEL.name, "dev", RUN_ID)),
      stateMachineArn: DEV_ARN,
    });
    const deps = fakeDeps({ now: T0 + 3600_000 });
    serveHistory(sfn, succeededHistory(RUN_ID, PASSING), deps.clock);
    const { code, stdout } = await cli(["run", "--env", "dev", "--run-id", RUN_ID, "--wait"], deps);
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toContain(`Attached to existing execution ${RUN_ID} (already SUCCEEDED)`);
    expect(stdout).toContain(`${METRIC} ${PASSING} is ${GATE.side} the threshold ${THRESHOLD}`);
  });

  it("refuses a run id whose existing execution had a different input, and says what to do (exit 2)", async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: {} }));
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      name: RUN_ID,
      status: "FAILED",
      startDate: new Date(T0),
      input: JSON.stringify({ ModelName: "another-model" }),
      stateMachineArn: DEV_ARN,
    });
    const { code, stderr } = await cli(["run", "--env", "dev", "--run-id", RUN_ID]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toMatch(/execution 20240501120000 already exists on .* with a different input .* — use another --run-id/);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });

  it("reports access denied on StartExecution in one line with exit 3", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(
        awsError(
          "AccessDeniedException",
          `User: arn:aws:sts::${ACCOUNT}:assumed-role/dev/me is not authorized to perform: states:StartExecution`,
        ),
      );
    const { code, stderr } = await cli(["run", "--env", "dev", "--run-id", RUN_ID]);
    expect(code).toBe(ExitCode.Aws);
    expect(stderr).toMatch(
      /^workflow run: access denied calling StartExecution: User: .* is not authorized to perform: states:StartExecution — check the AWS credentials/,
    );
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });

  describe("checks flags before calling AWS (exit 2)", () => {
    it.each([
      [["run", "--env", "nowhere"], `--env: unknown environment "nowhere" (defined: ${ENVIRONMENT_NAMES.join(", ")})`],
      [["run"], "--env is required"],
      [
        ["run", "--env", "dev", "--run-id", "x".repeat(50)],
        `makes PreprocessingJobName "${runName("dev", "x".repeat(50), "ProcessingJob")}" is ${runName("dev", "x".repeat(50), "ProcessingJob").length} characters long; SageMaker allows at most 63`,
      ],
      [["run", "--env", "dev", "--run-id", "run_1"], `breaks SageMaker's name rule`],
      [["run", "--env", "dev", "--run-id", "run-1-"], `breaks SageMaker's name rule`],
      [["run", "--env", "dev", "--wiat"], "unknown flag --wiat — did you mean --wait?"],
      [["run", "--env", "dev", "extra"], 'expected no arguments, got "extra"'],
    ])("%j", async (argv, message) => {
      const { code, stderr } = await cli(argv);
      expect(code).toBe(ExitCode.Usage);
      expect(stderr).toContain(message);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(sfn.calls()).toHaveLength(0);
    });
  });
});

describe("workflow run --wait", () => {
  const waitFor = (
    events: ReturnType<typeof succeededHistory>,
    options: { tty?: boolean; env?: Record<string, string>; json?: boolean } = {},
  ) => {
    const deps = fakeDeps({ tty: options.tty, env: options.env });
    const requests = serveHistory(sfn, events, deps.clock);
    const argv = ["run", "--env", "dev", "--run-id", RUN_ID, "--wait", ...(options.json ? ["--json"] : [])];
    return cli(argv, deps).then((result) => ({ ...result, requests }));
  };

  it("follows a succeeding execution to the end and reports the metric on the passing side of the deployed threshold", async () => {
    const { code, stdout, stderr, deps } = await waitFor(succeededHistory(RUN_ID, PASSING));
    expect(code).toBe(ExitCode.Succeeded);
    expect(stderr).toBe("");
    expect(stdout).toContain("[00:00:00] Pre-process Data (Task) entered");
    expect(stdout).toContain("Pre-process Data succeeded after 4m 00s");
    expect(stdout).toContain("Model Training succeeded after 8m 00s");
    expect(stdout).toContain(`${GATE.pass} (Pass) entered`);
    expect(stdout).toMatch(/Execution SUCCEEDED in 15m 0\ds/);
    expect(stdout).toContain(`${METRIC} ${PASSING} is ${GATE.side} the threshold ${THRESHOLD}: ${GATE.pass}`);
    // It waited for the execution instead of spinning.
    expect(deps.slept()).toBeGreaterThanOrEqual(15 * 60_000);
  });

  it("pages the growing history without printing any event twice", async () => {
    const events = succeededHistory(RUN_ID, PASSING);
    const { stdout, requests } = await waitFor(events);
    for (const name of [
      STATE_NAMES.preprocess,
      STATE_NAMES.training,
      STATE_NAMES.registerModel,
      STATE_NAMES.evaluation,
      STATE_NAMES.analyze,
      STATE_NAMES.thresholdCheck,
    ]) {
      expect(stdout.split(`${name} (`).length - 1).toBe(1);
      expect(stdout.split(`${name} succeeded`).length - 1).toBe(1);
    }
    // Several polls, and polls that needed more than one page.
    expect(requests.filter((r) => !r.nextToken).length).toBeGreaterThan(10);
    expect(requests.some((r) => r.nextToken)).toBe(true);
    expect(requests.every((r) => r.reverseOrder === true)).toBe(true);
  });

  it("fails with exit 1 in the gate's failing state, naming the metric and the threshold", async () => {
    const { code, stdout, stderr } = await waitFor(thresholdFailedHistory(RUN_ID, FAILING));
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(stdout).toContain("Execution FAILED");
    expect(stdout).toContain(`${METRIC} ${FAILING} is not ${GATE.side} the threshold ${THRESHOLD}: ${GATE.fail}`);
    expect(stdout).toContain(`Failed state: ${GATE.fail} — ${GATE.error}: ${GATE.cause}`);
    expect(
      stderr.startsWith(
        `workflow run: execution 20240501120000 FAILED at '${GATE.fail}' (${METRIC} ${FAILING} is not ${GATE.side} the threshold ${THRESHOLD}): ${GATE.error}`,
      ),
    ).toBe(true);
    expect(stderr).toContain(
      " — see https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/",
    );
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });

  it("fails with exit 1 in the task that failed, with its error and cause (not just the catch-all Fail state)", async () => {
    const { code, stdout, stderr } = await waitFor(trainingFailedHistory(RUN_ID));
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(stdout).toContain(
      "Model Training failed after 6m 00s: SageMaker.AmazonSageMakerException: ClientError: Please ensure the training data",
    );
    expect(stdout).toContain("ML Workflow Failed (Fail) entered");
    expect(stdout).toContain("Failed state: Model Training — SageMaker.AmazonSageMakerException: ClientError");
    expect(stdout).not.toContain(METRIC);
    expect(stderr).toContain(
      "execution 20240501120000 FAILED at 'Model Training': SageMaker.AmazonSageMakerException: ClientError",
    );
  });

  it("shows SageMaker's FailureReason out of a failed .sync job's Describe document, which is far longer than a line", async () => {
    const reason =
      "AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage \"ValueError: could not convert string to float: 'M'\"";
    const cause = failedTrainingJobCause(RUN_ID, reason);
    expect(cause.length).toBeGreaterThan(1300);
    expect(cause.indexOf("FailureReason")).toBeGreaterThan(300);
    const events = new HistoryBuilder(RUN_ID).taskFailsAndIsCaught(
      STATE_NAMES.training,
      6 * 60_000,
      "SageMaker.AmazonSageMakerException",
      cause,
    ).events;
    const { code, stdout, stderr } = await waitFor(events);
    expect(code).toBe(ExitCode.WorkflowFailed);
    const shown = `SageMaker.AmazonSageMakerException: ${runName("dev", RUN_ID, "TrainingJob")} Failed: AlgorithmError: ExecuteUserScriptError: ExitCode 1 ErrorMessage "ValueError: could not convert string to float: 'M'"`;
    expect(stdout).toContain(`Model Training failed after 6m 00s: ${shown}\n`);
    expect(stdout).toContain(`Failed state: Model Training — ${shown}\n`);
    expect(stderr).toContain(`FAILED at 'Model Training': ${shown} — see `);
    expect(stdout).not.toContain("AlgorithmSpecification");
  });

  it("keeps the whole Describe document as the cause in --json", async () => {
    const cause = failedTrainingJobCause(RUN_ID, "AlgorithmError: out of memory");
    const events = new HistoryBuilder(RUN_ID).taskFailsAndIsCaught(
      STATE_NAMES.training,
      60_000,
      "SageMaker.AmazonSageMakerException",
      cause,
    ).events;
    const { stdout } = await waitFor(events, { json: true });
    expect(JSON.parse(stdout).outcome).toMatchObject({ failedState: STATE_NAMES.training, cause });
  });

  it("prints the line of a Fail state the execution ended in, as simulate does: the same state lines for the same path", async () => {
    const live = await waitFor(thresholdFailedHistory(RUN_ID, FAILING));
    const simulated = await cli(["simulate", "--env", "dev", "--metric", String(FAILING), "--run-id", RUN_ID]);
    // Times differ (the simulation takes milliseconds); the states, their order and outcomes may not.
    const stateLines = (out: string) =>
      out
        .split("\n")
        .filter((l) => l.startsWith("["))
        .map((l) => l.replace(/^\[[\d:]+\] /, "").replace(/ after [^:]+/, ""));
    expect(stateLines(live.stdout)).toContain(`${GATE.fail} failed: ${GATE.error}: ${GATE.cause}`);
    // The fixture's history runs the reference's tasks; simulate runs the template's, which may have more.
    const stateOf = (line: string) => line.replace(/ (\(\w+\) entered|succeeded|failed)(:.*)?$/, "");
    const livePath = new Set(stateLines(live.stdout).map(stateOf));
    expect(stateLines(live.stdout)).toEqual(stateLines(simulated.stdout).filter((line) => livePath.has(stateOf(line))));
    expect(stateLines(live.stdout)).toHaveLength(2 * livePath.size);
  });

  it("redraws a table in place in a terminal", async () => {
    const { code, stdout } = await waitFor(succeededHistory(RUN_ID, PASSING), { tty: true });
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toContain("\x1b[2K");
    // eslint-disable-next-line no-control-regex -- the live view moves the cursor with ANSI escapes
    expect(stdout).toMatch(/\x1b\[\d+A/);
    // The planned states come from the deployed definition, so what is still to come shows too.
    expect(stdout).toContain(`· ${GATE.fail}`);
    expect(stdout).toContain(`✓ ${GATE.pass}`);
    expect(stdout).not.toContain("(Task) entered");
  });

  it("prints plain lines in CI even on a terminal", async () => {
    const { stdout } = await waitFor(succeededHistory(RUN_ID, PASSING), { tty: true, env: { CI: "true" } });
    expect(stdout).not.toContain("\x1b[");
    expect(stdout).toContain("Pre-process Data (Task) entered");
  });

  it("prints one JSON document with the outcome and every state when --json is given", async () => {
    const { code, stdout } = await waitFor(thresholdFailedHistory(RUN_ID, FAILING), { json: true });
    expect(code).toBe(ExitCode.WorkflowFailed);
    const report = JSON.parse(stdout);
    expect(report.outcome).toMatchObject({
      status: "FAILED",
      metric: FAILING,
      threshold: THRESHOLD,
      decision: "failed",
      failedState: GATE.fail,
    });
    expect(report.states.map((s: { name: string }) => s.name)).toEqual([
      STATE_NAMES.preprocess,
      STATE_NAMES.training,
      STATE_NAMES.registerModel,
      STATE_NAMES.evaluation,
      STATE_NAMES.analyze,
      STATE_NAMES.thresholdCheck,
      GATE.fail,
    ]);
    expect(report.states[1]).toMatchObject({ status: "succeeded", durationMs: 8 * 60_000 + 70 });
  });
});

describe("workflow run --report", () => {
  const s3 = mockClient(S3Client);
  const BUCKET = resourceName("dev", "artifacts-111122223333");
  const KMS = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  let dir: string;
  beforeEach(() => {
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "run-report-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const reportRun = (
    events: ReturnType<typeof succeededHistory>,
    env: Record<string, string> = { ARTIFACT_BUCKET: BUCKET, KMS_KEY_ARN: KMS, CODEBUILD_RESOLVED_SOURCE_VERSION: "4f2a9c1" },
  ) => {
    const deps = fakeDeps({ env });
    serveHistory(sfn, events, deps.clock);
    return cli(["run", "--env", "dev", "--run-id", RUN_ID, "--wait", "--report", path.join(dir, "run-report.json")], deps);
  };

  it("writes the evidence of a run that passed next to its evaluation, as JSON and Markdown, and to the local file", async () => {
    const { code, stdout } = await reportRun(succeededHistory(RUN_ID, PASSING));
    expect(code).toBe(ExitCode.Succeeded);
    const evaluationDir = `${RUN_ID}/${runName("dev", RUN_ID, "TrainingJob")}/evaluation`;
    const local = JSON.parse(fs.readFileSync(path.join(dir, "run-report.json"), "utf8"));
    expect(local).toMatchObject({
      runId: RUN_ID,
      environment: "dev",
      status: "SUCCEEDED",
      metric: PASSING,
      threshold: THRESHOLD,
      metricName: MODEL.metric.name,
      direction: MODEL.metric.direction,
      hyperparameters: hyperparameterArguments("dev"),
      commit: "4f2a9c1",
      execution: { arn: EXECUTION_ARN },
      model: {
        name: resourceName("dev", RUN_ID),
        artifact: `s3://${BUCKET}/${RUN_ID}/${runName("dev", RUN_ID, "TrainingJob")}/output/model.tar.gz`,
      },
      evaluation: `s3://${BUCKET}/${evaluationDir}/evaluation.json`,
      report: { json: `s3://${BUCKET}/${evaluationDir}/report.json`, markdown: `s3://${BUCKET}/${evaluationDir}/report.md` },
    });
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => [p.Key, p.ContentType, p.ServerSideEncryption, p.SSEKMSKeyId])).toEqual([
      [`${evaluationDir}/report.json`, "application/json", "aws:kms", KMS],
      [`${evaluationDir}/report.md`, "text/markdown", "aws:kms", KMS],
    ]);
    expect(JSON.parse(puts[0].Body as string)).toEqual(local);
    const markdown = puts[1].Body as string;
    expect(markdown).toContain(`| ${METRIC} | ${PASSING} (threshold ${THRESHOLD}; ${GATE.side} the threshold: passed) |`);
    for (const [argument, value] of Object.entries(hyperparameterArguments("dev")))
      expect(markdown).toContain(`| ${argument} | ${value} |`);
    expect(stdout).toContain(`Evaluation report: s3://${BUCKET}/${evaluationDir}/report.md`);
  });

  it("writes no report for a run that did not pass", async () => {
    const { code } = await reportRun(thresholdFailedHistory(RUN_ID, FAILING));
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(s3.calls()).toHaveLength(0);
    expect(fs.existsSync(path.join(dir, "run-report.json"))).toBe(false);
  });

  it.each([
    [["run", "--env", "dev", "--report", "r.json"], { ARTIFACT_BUCKET: BUCKET }, "--report needs --wait"],
    [["run", "--env", "dev", "--wait", "--report", "r.json"], {}, "--report needs the artifact bucket — set ARTIFACT_BUCKET"],
  ])("refuses %j before starting anything (exit 2)", async (argv, env, message) => {
    const { code, stderr } = await cli(argv, fakeDeps({ env }));
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(message);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
