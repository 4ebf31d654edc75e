/** aws-local-stepfunctions events (from simulateWorkflow's onEvent) as WorkflowEvents, so simulate drives the same view as run --wait. */
import type { SimulationEvent } from "./local-run";
import { WorkflowEvent } from "../workflow-events";

/** The local library's state data carries the state's input and output beside its name and type. */
type LocalStateData = { name: string; type: string; input?: unknown; output?: unknown };

const causeText = (cause: unknown) =>
  cause === undefined ? undefined : typeof cause === "string" ? cause : JSON.stringify(cause);

/** One local event as zero or one WorkflowEvent (catch bookkeeping and Map/Parallel events add nothing here). */
export function fromSimulationEvent(event: SimulationEvent): WorkflowEvent[] {
  const at = event.timestamp;
  const state = event.state as LocalStateData | undefined;
  switch (event.type) {
    case "ExecutionStarted":
      return [{ kind: "execution-started", at }];
    case "StateEntered":
      return state ? [{ kind: "state-entered", at, state: state.name, stateType: state.type, input: state.input }] : [];
    case "StateExited":
      return state ? [{ kind: "state-succeeded", at, state: state.name, output: state.output }] : [];
    case "StateFailed":
      return state ? [{ kind: "state-failed", at, state: state.name, error: event.Error, cause: causeText(event.Cause) }] : [];
    case "StateRetried":
      return state ? [{ kind: "state-retrying", at, state: state.name }] : [];
    case "ExecutionSucceeded":
      return [{ kind: "execution-ended", at, status: "SUCCEEDED", output: (event as { output?: unknown }).output }];
    case "ExecutionFailed":
      return [{ kind: "execution-ended", at, status: "FAILED", error: event.Error, cause: causeText(event.Cause) }];
    case "ExecutionAborted":
      return [{ kind: "execution-ended", at, status: "ABORTED" }];
    case "ExecutionTimeout":
      return [{ kind: "execution-ended", at, status: "TIMED_OUT" }];
    default:
      return [];
  }
}
