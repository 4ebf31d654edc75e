/** `workflow status | output | list | stop | history`: look at and act on existing executions. */
import { MODEL } from "../../models";
import {
  DescribeExecutionCommand,
  DescribeExecutionOutput,
  ExecutionListItem,
  ExecutionStatus,
  paginateListExecutions,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { EnvironmentConfig } from "../../environments/schema";
import {
  Command,
  ENV_OPTION,
  environmentFlag,
  numberFlag,
  ParsedArgs,
  STATE_MACHINE_OPTION,
  stringFlag,
  writeJson,
} from "../args";
import { CliDeps } from "../deps";
import { awsCall, awsPages, ExitCode, UsageError, WorkflowFailedError } from "../errors";
import { definitionOf, failureMessage, showExecution } from "../execution-follow";
import { describeFailure, formatDuration } from "../progress-view";
import { consoleUrl, regionOfArn, resolveExecutionArn, resolveStateMachineArn } from "../state-machine";
import { parseJsonText } from "../workflow-events";

const CLOSED_BADLY = new Set<string>(["FAILED", "ABORTED", "TIMED_OUT"]);
const EXECUTION_DESCRIPTION =
  "<execution> is an execution ARN, or an execution name (the run id) with --env or --state-machine-arn.";

/** --env when given (needed only to resolve an execution name). */
function optionalEnvironment(args: ParsedArgs, deps: CliDeps): EnvironmentConfig | undefined {
  return args.values.env === undefined ? undefined : environmentFlag(args, deps);
}

async function describe(args: ParsedArgs, deps: CliDeps): Promise<DescribeExecutionOutput & { executionArn: string }> {
  const executionArn = await resolveExecutionArn(args.positionals[0], args, optionalEnvironment(args, deps), deps);
  const sfn = deps.aws.sfn(regionOfArn(executionArn));
  const described = await awsCall("DescribeExecution", () => sfn.send(new DescribeExecutionCommand({ executionArn })));
  return { ...described, executionArn };
}

/** Exit 1 with a one-line reason when an execution failed, was aborted or timed out. */
function failIfClosedBadly(described: DescribeExecutionOutput & { executionArn: string }): void {
  if (!CLOSED_BADLY.has(described.status ?? "")) return;
  const why = describeFailure(described.error, described.cause);
  throw new WorkflowFailedError(
    `execution ${described.name} ${described.status}${why ? `: ${why}` : ""}`,
    `run 'workflow history ${described.executionArn}' to see which state failed`,
  );
}

const duration = (start?: Date, stop?: Date) => (start && stop ? formatDuration(stop.getTime() - start.getTime()) : "");

const executionFlags = { env: { ...ENV_OPTION, required: false }, "state-machine-arn": STATE_MACHINE_OPTION };

export const statusCommand: Command = {
  name: "status",
  description: `
${EXECUTION_DESCRIPTION}
Exit 0 when the execution succeeded or is running, 1 when it failed, was aborted or timed out.

Examples:
  workflow status 20240501120000 --env dev
  workflow status arn:aws:states:us-east-1:111122223333:execution:${MODEL.name}-dev-ml-workflow:20240501120000 --json`,
  options: executionFlags,
  positionals: ["execution"],
  async run(args, deps) {
    const d = await describe(args, deps);
    if (args.values.json) {
      const { input, output, ...rest } = d as typeof d & { $metadata?: unknown };
      delete rest.$metadata;
      writeJson(deps, { ...rest, input: parseJsonText(input), output: parseJsonText(output) });
    } else {
      const lines = [
        `${d.name}: ${d.status}`,
        `  started   ${d.startDate?.toISOString() ?? "?"}`,
        ...(d.stopDate ? [`  stopped   ${d.stopDate.toISOString()} (${duration(d.startDate, d.stopDate)})`] : []),
        `  input     ${d.input ?? ""}`,
        ...(d.error || d.cause ? [`  error     ${describeFailure(d.error, d.cause)}`] : []),
        `  ${consoleUrl(d.executionArn)}`,
      ];
      deps.stdout.write(`${lines.join("\n")}\n`);
    }
    failIfClosedBadly(d);
    return ExitCode.Succeeded;
  },
};

export const outputCommand: Command = {
  name: "output",
  description: `
Prints the output of a succeeded execution as JSON. ${EXECUTION_DESCRIPTION}
Exit 1 when the execution has not succeeded (still running, failed, aborted or timed out).

Examples:
  workflow output 20240501120000 --env dev`,
  options: executionFlags,
  positionals: ["execution"],
  async run(args, deps) {
    const d = await describe(args, deps);
    failIfClosedBadly(d);
    if (d.status !== "SUCCEEDED") {
      throw new WorkflowFailedError(
        `execution ${d.name} is ${d.status}; it has no output yet`,
        `follow it with 'workflow history ${d.executionArn}' or try again later`,
      );
    }
    writeJson(deps, parseJsonText(d.output) ?? null);
    return ExitCode.Succeeded;
  },
};

export const listCommand: Command = {
  name: "list",
  description: `
Lists executions of the environment's state machine, newest first.

Examples:
  workflow list --env prod --status FAILED --limit 5
  workflow list --env dev --json`,
  options: {
    ...executionFlags,
    status: {
      type: "string",
      valueName: "<status>",
      description: `only executions in this status: ${Object.values(ExecutionStatus).join(", ")}`,
    },
    limit: { type: "string", valueName: "<n>", description: "at most this many executions. Default: 20" },
  },
  async run(args, deps) {
    const env = environmentFlag(args, deps);
    const status = stringFlag(args, "status")?.toUpperCase();
    if (status !== undefined && !(Object.values(ExecutionStatus) as string[]).includes(status)) {
      throw new UsageError(
        `--status must be one of ${Object.values(ExecutionStatus).join(", ")} (got ${JSON.stringify(args.values.status)})`,
      );
    }
    const limit = numberFlag(args, "limit", (n) => Number.isInteger(n) && n >= 1 && n <= 1000, "an integer from 1 to 1000") ?? 20;
    const stateMachineArn = await resolveStateMachineArn(args, env, deps);
    const sfn = deps.aws.sfn(regionOfArn(stateMachineArn));
    const executions: ExecutionListItem[] = [];
    const request = { stateMachineArn, statusFilter: status as ExecutionStatus | undefined };
    for await (const page of awsPages("ListExecutions", paginateListExecutions({ client: sfn, pageSize: limit }, request))) {
      executions.push(...(page.executions ?? []));
      if (executions.length >= limit) break;
    }

    if (args.values.json) {
      writeJson(
        deps,
        executions.slice(0, limit).map(({ name, status: s, startDate, stopDate, executionArn }) => ({
          name,
          status: s,
          startDate,
          stopDate,
          executionArn,
        })),
      );
      return ExitCode.Succeeded;
    }
    if (executions.length === 0)
      deps.stdout.write(`no executions${status ? ` with status ${status}` : ""} of ${stateMachineArn}\n`);
    const width = Math.max(4, ...executions.map((e) => (e.name ?? "").length));
    for (const e of executions.slice(0, limit)) {
      deps.stdout.write(
        `${(e.name ?? "").padEnd(width)}  ${(e.status ?? "").padEnd(15)}  ${e.startDate?.toISOString() ?? ""}  ${duration(e.startDate, e.stopDate)}\n`,
      );
    }
    return ExitCode.Succeeded;
  },
};

export const stopCommand: Command = {
  name: "stop",
  description: `
Stops a running execution (it ends ABORTED). ${EXECUTION_DESCRIPTION}

Examples:
  workflow stop 20240501120000 --env dev --cause "wrong data uploaded"`,
  options: {
    ...executionFlags,
    cause: {
      type: "string",
      valueName: "<text>",
      description: "why, recorded on the execution. Default: stopped with the workflow CLI",
    },
  },
  positionals: ["execution"],
  async run(args, deps) {
    const executionArn = await resolveExecutionArn(args.positionals[0], args, optionalEnvironment(args, deps), deps);
    const sfn = deps.aws.sfn(regionOfArn(executionArn));
    const cause = stringFlag(args, "cause") ?? "stopped with the workflow CLI";
    const stopped = await awsCall("StopExecution", () => sfn.send(new StopExecutionCommand({ executionArn, cause })));
    if (args.values.json) writeJson(deps, { executionArn, stopDate: stopped.stopDate, cause });
    else deps.stdout.write(`Stopped ${executionArn} at ${stopped.stopDate?.toISOString() ?? "?"}\n`);
    return ExitCode.Succeeded;
  },
};

export const historyCommand: Command = {
  name: "history",
  description: `
Prints every state the execution went through (the same view as run --wait, as plain lines),
then its status, ${MODEL.metric.name} and threshold decision or its failing state. ${EXECUTION_DESCRIPTION}
Exit 1 when the execution failed, was aborted or timed out.

Examples:
  workflow history 20240501120000 --env staging`,
  options: executionFlags,
  positionals: ["execution"],
  async run(args, deps) {
    const executionArn = await resolveExecutionArn(args.positionals[0], args, optionalEnvironment(args, deps), deps);
    const name = executionArn.split(":").pop() ?? executionArn;
    const json = Boolean(args.values.json);
    const definition = await definitionOf(executionArn, deps);
    const result = await showExecution(executionArn, deps, { json, follow: false, title: name, definition });
    if (json) writeJson(deps, { executionArn, ...result });
    if (CLOSED_BADLY.has(result.outcome.status))
      throw new WorkflowFailedError(failureMessage(name, result.outcome), `see ${consoleUrl(executionArn)}`);
    return ExitCode.Succeeded;
  },
};
