import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionDoesNotExist,
  ListExecutionsCommand,
  ListExecutionsCommandInput,
  ListExecutionsOutput,
  ListStateMachinesCommand,
  SFNClient,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { getEnvironment } from "../../environments";
import { ExitCode } from "../../cli/errors";
import { executionInput } from "../../modules/workflow/execution-input";
import { renderEnvironmentDefinition } from "../../modules/workflow/render-environment";
import { failingValue, GATE, MODEL, resourceName, thresholdOf } from "../helpers/chosen-model";
import { awsError, cli, fakeDeps, T0 } from "./fake-deps";
import { serveHistory, thresholdFailedHistory } from "./history-fixtures";

const sfn = mockClient(SFNClient);
const STATE_MACHINE_ARN = `arn:aws:states:eu-west-1:111122223333:stateMachine:${resourceName("prod", "ml-workflow")}`;
const RUN_ID = "20240501120000";
const EXECUTION_ARN = `arn:aws:states:eu-west-1:111122223333:execution:${resourceName("prod", "ml-workflow")}:20240501120000`;
const withArn = () => fakeDeps({ env: { STATE_MACHINE_ARN } });

const described = (status: "RUNNING" | "SUCCEEDED" | "FAILED", extra: object = {}) => ({
  executionArn: EXECUTION_ARN,
  stateMachineArn: STATE_MACHINE_ARN,
  name: RUN_ID,
  status,
  startDate: new Date(T0),
  input: JSON.stringify(executionInput(MODEL.name, "prod", RUN_ID)),
  ...extra,
});

beforeEach(() => sfn.reset());

describe("workflow status", () => {
  it("describes an execution given by name under the state machine from STATE_MACHINE_ARN, in that ARN's region", async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: EXECUTION_ARN }).resolves(described("RUNNING"));
    const { code, stdout, deps } = await cli(["status", RUN_ID, "--env", "prod"], withArn());
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toContain(`${RUN_ID}: RUNNING`);
    expect(stdout).toContain("started   2024-05-01T12:00:00.000Z");
    expect(deps.regions).toEqual(["eu-west-1"]);
  });

  it("exits 1 with the execution's error for a failed execution", async () => {
    sfn.on(DescribeExecutionCommand).resolves(
      described("FAILED", {
        stopDate: new Date(T0 + 90_000),
        error: "MLWorkflowFailed",
        cause: "SageMakerProcessingJobFailed",
      }),
    );
    const { code, stdout, stderr } = await cli(["status", EXECUTION_ARN]);
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(stdout).toContain("stopped   2024-05-01T12:01:30.000Z (1m 30s)");
    expect(stderr).toBe(
      `workflow status: execution ${RUN_ID} FAILED: MLWorkflowFailed: SageMakerProcessingJobFailed — run 'workflow history ${EXECUTION_ARN}' to see which state failed\n`,
    );
  });

  it("prints JSON with the input parsed", async () => {
    sfn.on(DescribeExecutionCommand).resolves(described("SUCCEEDED", { output: '{"Analysis":{"Result":1.9}}' }));
    const { stdout } = await cli(["status", EXECUTION_ARN, "--json"]);
    expect(JSON.parse(stdout)).toMatchObject({
      name: RUN_ID,
      status: "SUCCEEDED",
      input: executionInput(MODEL.name, "prod", RUN_ID),
      output: { Analysis: { Result: 1.9 } },
    });
    expect(JSON.parse(stdout).$metadata).toBeUndefined();
  });

  it("says the execution was not found (exit 3)", async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${EXECUTION_ARN}'`, $metadata: {} }));
    const { code, stderr } = await cli(["status", EXECUTION_ARN]);
    expect(code).toBe(ExitCode.Aws);
    expect(stderr).toBe(
      `workflow status: not found calling DescribeExecution: Execution Does Not Exist: '${EXECUTION_ARN}' — check the name or ARN, the environment and its region, and that the stack is deployed\n`,
    );
  });

  it("needs a state machine to resolve a bare execution name (exit 2)", async () => {
    const { code, stderr } = await cli(["status", RUN_ID]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain("no state machine given — pass --env <env>, --state-machine-arn or set STATE_MACHINE_ARN");
  });

  it("rejects a malformed execution ARN before calling AWS (exit 2)", async () => {
    const { code, stderr } = await cli([
      "status",
      `arn:aws:states:eu-west-1:111122223333:stateMachine:${resourceName("prod", "ml-workflow")}`,
    ]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain("<execution> is not an execution ARN");
    expect(sfn.calls()).toHaveLength(0);
  });

  it("asks for the execution when it is missing (exit 2)", async () => {
    const { code, stderr } = await cli(["status"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain("expected <execution>, got none");
  });
});

describe("workflow output", () => {
  it("prints a succeeded execution's output as JSON", async () => {
    sfn.on(DescribeExecutionCommand).resolves(described("SUCCEEDED", { output: '{"Analysis":{"Result":1.9}}' }));
    const { code, stdout } = await cli(["output", EXECUTION_ARN]);
    expect(code).toBe(ExitCode.Succeeded);
    expect(JSON.parse(stdout)).toEqual({ Analysis: { Result: 1.9 } });
  });

  it("exits 1 while the execution is still running", async () => {
    sfn.on(DescribeExecutionCommand).resolves(described("RUNNING"));
    const { code, stdout, stderr } = await cli(["output", EXECUTION_ARN]);
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(stdout).toBe("");
    expect(stderr).toContain(`execution ${RUN_ID} is RUNNING; it has no output yet`);
  });
});

describe("workflow list", () => {
  it("pages ListExecutions with the same arguments on every page and stops at --limit", async () => {
    const item = (i: number) => ({
      executionArn: `${EXECUTION_ARN}${i}`,
      stateMachineArn: STATE_MACHINE_ARN,
      name: `run-${i}`,
      status: "FAILED" as const,
      startDate: new Date(T0 + i * 1000),
      stopDate: new Date(T0 + i * 1000 + 61_000),
    });
    const pages: Record<string, ListExecutionsOutput> = {
      first: { executions: [item(1), item(2)], nextToken: "t2" },
      t2: { executions: [item(3)], nextToken: "t3" },
      t3: { executions: [item(4)] },
    };
    // Each request as sent: the SDK's paginator reuses one input object and sets its nextToken page after page.
    const requests: ListExecutionsCommandInput[] = [];
    sfn.on(ListExecutionsCommand).callsFake((input: ListExecutionsCommandInput) => {
      requests.push({ ...input });
      return pages[input.nextToken ?? "first"];
    });
    const { code, stdout } = await cli(["list", "--env", "prod", "--status", "failed", "--limit", "3"], withArn());
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout.trim().split("\n")).toHaveLength(3);
    expect(stdout).toContain("run-3  FAILED           2024-05-01T12:00:03.000Z  1m 01s");
    expect(requests).toEqual([
      { stateMachineArn: STATE_MACHINE_ARN, statusFilter: "FAILED", maxResults: 3, nextToken: undefined },
      { stateMachineArn: STATE_MACHINE_ARN, statusFilter: "FAILED", maxResults: 3, nextToken: "t2" },
    ]);
  });

  it("finds the state machine by name when no ARN is given", async () => {
    sfn.on(ListStateMachinesCommand).resolves({
      stateMachines: [
        {
          name: resourceName("dev", "ml-workflow"),
          stateMachineArn: STATE_MACHINE_ARN.replace("prod", "dev"),
          type: "STANDARD",
          creationDate: new Date(),
        },
      ],
    });
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    const { code, stdout } = await cli(["list", "--env", "dev", "--json"]);
    expect(code).toBe(ExitCode.Succeeded);
    expect(JSON.parse(stdout)).toEqual([]);
    expect(sfn.commandCalls(ListExecutionsCommand)[0].args[0].input.stateMachineArn).toContain(
      resourceName("dev", "ml-workflow"),
    );
  });

  it.each([
    [["--status", "DONE"], "--status must be one of ABORTED, FAILED, PENDING_REDRIVE, RUNNING, SUCCEEDED, TIMED_OUT"],
    [["--limit", "ten"], '--limit must be an integer from 1 to 1000 (got "ten")'],
    [["--limit", "0"], '--limit must be an integer from 1 to 1000 (got "0")'],
  ])("refuses %j (exit 2)", async (flags, message) => {
    const { code, stderr } = await cli(["list", "--env", "prod", ...flags], withArn());
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(message);
  });

  it("reports throttling that outlasted the SDK's retries (exit 3)", async () => {
    sfn.on(ListExecutionsCommand).rejects(awsError("ThrottlingException", "Rate exceeded"));
    const { code, stderr } = await cli(["list", "--env", "prod"], withArn());
    expect(code).toBe(ExitCode.Aws);
    expect(stderr).toBe(
      "workflow list: throttled calling ListExecutions (after the SDK's adaptive retries): Rate exceeded — wait a minute and run the command again\n",
    );
  });
});

describe("workflow stop", () => {
  it("stops the execution with the given cause", async () => {
    sfn.on(StopExecutionCommand).resolves({ stopDate: new Date(T0) });
    const { code, stdout } = await cli(["stop", RUN_ID, "--env", "prod", "--cause", "wrong data"], withArn());
    expect(code).toBe(ExitCode.Succeeded);
    expect(sfn.commandCalls(StopExecutionCommand)[0].args[0].input).toEqual({ executionArn: EXECUTION_ARN, cause: "wrong data" });
    expect(stdout).toContain(`Stopped ${EXECUTION_ARN}`);
  });

  it("reports access denied (exit 3)", async () => {
    sfn.on(StopExecutionCommand).rejects(awsError("AccessDeniedException", "not authorized to perform: states:StopExecution"));
    const { code, stderr } = await cli(["stop", EXECUTION_ARN]);
    expect(code).toBe(ExitCode.Aws);
    expect(stderr).toMatch(
      /^workflow stop: access denied calling StopExecution: not authorized to perform: states:StopExecution — check the AWS credentials/,
    );
  });
});

describe("workflow history", () => {
  /** A metric on the failing side of prod's threshold. */
  const failing = failingValue(thresholdOf("prod"));
  it("replays a finished execution in one pass and reports its threshold failure (exit 1)", async () => {
    sfn
      .on(DescribeStateMachineForExecutionCommand)
      .resolves({ definition: JSON.stringify(renderEnvironmentDefinition(getEnvironment("prod"), MODEL)) });
    const deps = fakeDeps({ now: T0 + 24 * 3600_000 });
    const requests = serveHistory(sfn, thresholdFailedHistory(RUN_ID, failing), deps.clock, 4);
    const { code, stdout } = await cli(["history", EXECUTION_ARN], deps);
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(stdout).toContain("Model Training succeeded after 8m 00s");
    expect(stdout).toContain(
      `${MODEL.metric.name} ${failing} is not ${GATE.side} the threshold ${thresholdOf("prod")}: ${GATE.fail}`,
    );
    expect(deps.slept()).toBe(0);
    expect(requests.length).toBeGreaterThan(3);
    expect(requests.every((r) => !r.reverseOrder)).toBe(true);
  });

  it("still shows the states when the definition cannot be read, with a note", async () => {
    sfn
      .on(DescribeStateMachineForExecutionCommand)
      .rejects(awsError("AccessDeniedException", "not authorized to perform: states:DescribeStateMachineForExecution"));
    const deps = fakeDeps({ now: T0 + 24 * 3600_000 });
    serveHistory(sfn, thresholdFailedHistory(RUN_ID, failing), deps.clock);
    const { stdout, stderr } = await cli(["history", EXECUTION_ARN], deps);
    expect(stderr).toContain("note: access denied calling DescribeStateMachineForExecution");
    expect(stdout).toContain(`${GATE.fail} (Fail) entered`);
    // Without the definition the metric still comes from the Choice state's input, the threshold does not.
    expect(stdout).toContain(`${MODEL.metric.name} ${failing}`);
  });
});
