/** Follows (or replays) a live execution through the shared progress view and returns its outcome. */
import { MODEL } from "../models";
import { passingSide } from "../modules/workflow/gate";
import { DescribeStateMachineForExecutionCommand } from "@aws-sdk/client-sfn";
import { StateMachineDefinition } from "../modules/asl/types";
import { asDefinition, statesInOrder } from "./asl";
import { CliDeps, DEFAULT_EXECUTION_POLL_SECONDS, Output } from "./deps";
import { awsCall, CliError } from "./errors";
import { describeFailure, formatMetric, ProgressView } from "./progress-view";
import { followHistory, readHistory, SfnHistoryTranslator } from "./sfn-history";
import { regionOfArn } from "./state-machine";
import { parseJsonText, StateProgress, WorkflowEvent } from "./workflow-events";
import { summarizeOutcome, WorkflowOutcome } from "./workflow-outcome";

/** Swallows output: with --json the view still folds events but prints nothing. */
export const SILENT: Output = { write: () => undefined };

/** Live table only in an interactive terminal outside CI; plain lines everywhere else. */
export function wantsLiveView(deps: CliDeps, json: boolean): boolean {
  return !json && Boolean(deps.stdout.isTTY) && !deps.env.CI;
}

/** The definition the execution runs (for the live table's planned states and the threshold); undefined if unreadable. */
export async function definitionOf(executionArn: string, deps: CliDeps): Promise<StateMachineDefinition | undefined> {
  const sfn = deps.aws.sfn(regionOfArn(executionArn));
  try {
    const described = await awsCall("DescribeStateMachineForExecution", () =>
      sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn })),
    );
    return asDefinition(parseJsonText(described?.definition));
  } catch (err) {
    // The progress still shows without it; only the planned states and the threshold value are missing.
    deps.stderr.write(`note: ${err instanceof CliError ? err.line : String(err)} (the threshold will not be shown)\n`);
    return undefined;
  }
}

/** A state as --json reports it. */
export function stateReport(state: StateProgress) {
  return {
    name: state.name,
    type: state.type,
    status: state.status,
    enteredAt: new Date(state.enteredAt).toISOString(),
    endedAt: state.endedAt === undefined ? undefined : new Date(state.endedAt).toISOString(),
    durationMs: state.endedAt === undefined ? undefined : state.endedAt - state.enteredAt,
    error: state.error,
    cause: state.cause,
  };
}

export interface FollowResult {
  outcome: WorkflowOutcome;
  states: ReturnType<typeof stateReport>[];
  output?: unknown;
}

/**
 * Prints an execution's progress until it closes (`follow: true`, polling) or as recorded so far
 * (`follow: false`, one pass over the history), then its summary. `definition` is what
 * `definitionOf` read, so a caller that needs it too reads it once.
 */
export async function showExecution(
  executionArn: string,
  deps: CliDeps,
  options: { json: boolean; follow: boolean; title: string; definition: StateMachineDefinition | undefined },
): Promise<FollowResult> {
  const sfn = deps.aws.sfn(regionOfArn(executionArn));
  const { definition } = options;
  const view = new ProgressView({
    out: options.json ? SILENT : deps.stdout,
    live: options.follow && wantsLiveView(deps, options.json),
    clock: deps.clock,
    title: options.title,
    plannedStates: statesInOrder(definition),
  });
  const translator = new SfnHistoryTranslator();
  const handle = (events: WorkflowEvent[]) => events.forEach((e) => view.handle(e));
  if (options.follow) {
    const pollMs = (deps.executionPollSeconds ?? DEFAULT_EXECUTION_POLL_SECONDS) * 1000;
    for await (const event of followHistory(sfn, executionArn, { clock: deps.clock, pollMs, onIdle: () => view.tick() })) {
      handle(translator.translate(event));
    }
  } else {
    for (const event of await readHistory(sfn, executionArn)) handle(translator.translate(event));
  }
  const outcome = summarizeOutcome(view.progress, definition);
  if (!options.json) view.finish(outcome);
  return { outcome, states: view.progress.states.map(stateReport), output: view.progress.output };
}

/** The one-line reason a followed execution did not succeed. */
export function failureMessage(name: string, outcome: WorkflowOutcome): string {
  const where = outcome.failedState ? ` at '${outcome.failedState}'` : "";
  const why = describeFailure(outcome.error, outcome.cause);
  const gate =
    outcome.decision === "failed" && outcome.metric !== undefined
      ? ` (${MODEL.metric.name} ${formatMetric(outcome.metric, outcome.threshold)} is not ${passingSide(outcome.direction ?? MODEL.metric.direction)} the threshold ${outcome.threshold ?? "?"})`
      : "";
  return `execution ${name} ${outcome.status}${where}${gate}${why ? `: ${why}` : ""}`;
}
