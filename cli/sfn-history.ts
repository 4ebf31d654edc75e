/** Step Functions execution history: paging it, following it as it grows, and translating it into WorkflowEvents. */
import { HistoryEvent, paginateGetExecutionHistory, SFNClient } from "@aws-sdk/client-sfn";
import { Clock } from "./deps";
import { awsPages } from "./errors";
import { parseJsonText, WorkflowEvent } from "./workflow-events";

const TERMINAL_TYPES = new Set(["ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"]);
const STATE_FAILURE_TYPES = new Set([
  "TaskFailed",
  "TaskTimedOut",
  "TaskStartFailed",
  "TaskSubmitFailed",
  "LambdaFunctionFailed",
  "LambdaFunctionTimedOut",
  "LambdaFunctionStartFailed",
  "LambdaFunctionScheduleFailed",
  "ActivityFailed",
  "ActivityTimedOut",
  "ActivityScheduleFailed",
  "MapStateFailed",
  "ParallelStateFailed",
  "EvaluationFailed",
]);
const SCHEDULED_TYPES = new Set(["TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled"]);

/** True for the event that closes an execution. */
export const isTerminalEvent = (event: HistoryEvent) => TERMINAL_TYPES.has(event.type ?? "");

/** error/cause of whichever `…EventDetails` field the event carries. */
function failureDetails(event: HistoryEvent): { error?: string; cause?: string } {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith("EventDetails") && value && typeof value === "object" && ("error" in value || "cause" in value)) {
      return { error: (value as { error?: string }).error, cause: (value as { cause?: string }).cause };
    }
  }
  return {};
}

/** Translates history events in order; remembers the running state, since task events do not name it. */
export class SfnHistoryTranslator {
  private active?: string;
  private activeFailed = false;

  translate(event: HistoryEvent): WorkflowEvent[] {
    const type = event.type ?? "";
    const at = event.timestamp ? new Date(event.timestamp).getTime() : 0;
    if (type === "ExecutionStarted") return [{ kind: "execution-started", at }];
    if (type.endsWith("StateEntered") && event.stateEnteredEventDetails?.name) {
      this.active = event.stateEnteredEventDetails.name;
      this.activeFailed = false;
      const input = parseJsonText(event.stateEnteredEventDetails.input);
      return [{ kind: "state-entered", at, state: this.active, stateType: type.slice(0, -"StateEntered".length), input }];
    }
    if (type.endsWith("StateExited") && event.stateExitedEventDetails?.name) {
      return [
        {
          kind: "state-succeeded",
          at,
          state: event.stateExitedEventDetails.name,
          output: parseJsonText(event.stateExitedEventDetails.output),
        },
      ];
    }
    if (STATE_FAILURE_TYPES.has(type) && this.active) {
      this.activeFailed = true;
      return [{ kind: "state-failed", at, state: this.active, ...failureDetails(event) }];
    }
    if (SCHEDULED_TYPES.has(type) && this.active && this.activeFailed) {
      this.activeFailed = false;
      return [{ kind: "state-retrying", at, state: this.active }];
    }
    if (type === "ExecutionSucceeded") {
      return [
        { kind: "execution-ended", at, status: "SUCCEEDED", output: parseJsonText(event.executionSucceededEventDetails?.output) },
      ];
    }
    if (type === "ExecutionFailed") return [{ kind: "execution-ended", at, status: "FAILED", ...failureDetails(event) }];
    if (type === "ExecutionAborted") return [{ kind: "execution-ended", at, status: "ABORTED", ...failureDetails(event) }];
    if (type === "ExecutionTimedOut") return [{ kind: "execution-ended", at, status: "TIMED_OUT", ...failureDetails(event) }];
    return [];
  }
}

/** Every event of an execution, oldest first. */
export async function readHistory(sfn: SFNClient, executionArn: string, pageSize = 1000): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  const pages = paginateGetExecutionHistory({ client: sfn, pageSize }, { executionArn });
  for await (const page of awsPages("GetExecutionHistory", pages)) events.push(...(page.events ?? []));
  return events;
}

/**
 * The events newer than `lastSeenId`, oldest first. Pages newest-first and stops at the first page
 * that reaches an event already seen, so each poll reads only what is new.
 */
export async function readNewEvents(
  sfn: SFNClient,
  executionArn: string,
  lastSeenId: number,
  pageSize = 1000,
): Promise<HistoryEvent[]> {
  const fresh: HistoryEvent[] = [];
  const pages = paginateGetExecutionHistory({ client: sfn, pageSize }, { executionArn, reverseOrder: true });
  for await (const page of awsPages("GetExecutionHistory", pages)) {
    const events = page.events ?? [];
    fresh.push(...events.filter((e) => (e.id ?? 0) > lastSeenId));
    if (events.some((e) => (e.id ?? 0) <= lastSeenId)) break;
  }
  return fresh.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
}

export interface FollowOptions {
  clock: Clock;
  /** Milliseconds between polls while the execution runs. */
  pollMs: number;
  /** Events per GetExecutionHistory page. Default: 1000 (the API's maximum). */
  pageSize?: number;
  /** Called after each poll that found the execution still running (the live view refreshes its clock). */
  onIdle?: () => void;
}

/** Yields each history event exactly once, in order, until the execution closes. */
export async function* followHistory(sfn: SFNClient, executionArn: string, options: FollowOptions): AsyncGenerator<HistoryEvent> {
  let lastSeenId = 0;
  for (;;) {
    const fresh = await readNewEvents(sfn, executionArn, lastSeenId, options.pageSize);
    for (const event of fresh) {
      if ((event.id ?? 0) <= lastSeenId) continue;
      lastSeenId = event.id ?? lastSeenId;
      yield event;
      if (isTerminalEvent(event)) return;
    }
    options.onIdle?.();
    await options.clock.sleep(options.pollMs);
  }
}
