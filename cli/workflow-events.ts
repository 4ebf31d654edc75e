/**
 * The event model the progress view is driven by. A live execution's history (Step Functions)
 * and a local simulation (aws-local-stepfunctions) are both translated into these events, so
 * `run --wait`, `history` and `simulate` print the same view.
 */

/** How an execution ended (Step Functions' ExecutionStatus values for a closed execution). */
export type FinalStatus = "SUCCEEDED" | "FAILED" | "ABORTED" | "TIMED_OUT";

export type WorkflowEvent =
  | { kind: "execution-started"; at: number }
  | { kind: "state-entered"; at: number; state: string; stateType: string; input?: unknown }
  | { kind: "state-succeeded"; at: number; state: string; output?: unknown }
  | { kind: "state-failed"; at: number; state: string; error?: string; cause?: string }
  | { kind: "state-retrying"; at: number; state: string }
  | { kind: "execution-ended"; at: number; status: FinalStatus; output?: unknown; error?: string; cause?: string };

export type StateStatus = "running" | "succeeded" | "failed" | "retrying";

/** One state as far as the events so far tell. */
export interface StateProgress {
  name: string;
  type: string;
  status: StateStatus;
  enteredAt: number;
  endedAt?: number;
  input?: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
}

/** Parses a JSON string from an event, keeping the raw text when it is not JSON (e.g. truncated). */
export function parseJsonText(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Folds events into per-state progress; the single model behind the view and the outcome. */
export class WorkflowProgress {
  readonly states: StateProgress[] = [];
  startedAt?: number;
  endedAt?: number;
  status: FinalStatus | "RUNNING" = "RUNNING";
  output?: unknown;
  error?: string;
  cause?: string;

  apply(event: WorkflowEvent): void {
    switch (event.kind) {
      case "execution-started":
        this.startedAt = event.at;
        return;
      case "state-entered":
        this.startedAt ??= event.at;
        this.states.push({
          name: event.state,
          type: event.stateType,
          status: "running",
          enteredAt: event.at,
          input: event.input,
        });
        return;
      case "state-succeeded": {
        const state = this.latest(event.state);
        // A caught failure is followed by an exit event in some histories; the failure stands.
        if (state && state.status !== "failed")
          Object.assign(state, { status: "succeeded", endedAt: event.at, output: event.output });
        return;
      }
      case "state-failed": {
        const state = this.latest(event.state);
        if (state) Object.assign(state, { status: "failed", endedAt: event.at, error: event.error, cause: event.cause });
        return;
      }
      case "state-retrying": {
        const state = this.latest(event.state);
        if (state) Object.assign(state, { status: "retrying", endedAt: undefined });
        return;
      }
      case "execution-ended": {
        Object.assign(this, {
          status: event.status,
          endedAt: event.at,
          output: event.output,
          error: event.error,
          cause: event.cause,
        });
        const last = this.states[this.states.length - 1];
        // A Fail state (or an abort) ends the execution while its state is still "running".
        if (last?.status === "running") {
          if (event.status === "SUCCEEDED") Object.assign(last, { status: "succeeded", endedAt: event.at });
          else Object.assign(last, { status: "failed", endedAt: event.at, error: event.error, cause: event.cause });
        }
        return;
      }
    }
  }

  /** The most recent entry of a state (a state may run more than once in general ASL). */
  latest(name: string): StateProgress | undefined {
    for (let i = this.states.length - 1; i >= 0; i--) if (this.states[i].name === name) return this.states[i];
    return undefined;
  }

  /** The first state that failed: the task whose error was caught, or the Fail state reached. */
  get firstFailure(): StateProgress | undefined {
    return this.states.find((s) => s.status === "failed");
  }
}
