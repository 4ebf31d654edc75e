/** What a finished (or still running) execution amounts to: status, metric, threshold decision, failing state. */
import { asDefinition, findThresholdGate, ThresholdGate, valueAtPath } from "./asl";
import { MetricDirection } from "../modules/workflow/gate";
import { METRIC_PATH } from "../modules/workflow/ml-workflow";
import { FinalStatus, WorkflowProgress } from "./workflow-events";

export interface WorkflowOutcome {
  status: FinalStatus | "RUNNING";
  /** From the first event to the last, in milliseconds; undefined while unknown. */
  durationMs?: number;
  /** The model's metric the threshold gate compared. */
  metric?: number;
  /** The threshold of the deployed (or simulated) definition. */
  threshold?: number;
  /** Which side of the threshold passes, as the definition's gate compares. */
  direction?: MetricDirection;
  /** Which branch the gate took. */
  decision?: "passed" | "failed";
  /** The state the gate sent the execution to. */
  decisionState?: string;
  /** The first state that failed (the task whose error was caught, or the Fail state reached). */
  failedState?: string;
  error?: string;
  cause?: string;
}

/** The outcome of the events folded so far, reading the gate from the definition when one is given. */
export function summarizeOutcome(progress: WorkflowProgress, definition?: unknown): WorkflowOutcome {
  const gate = findThresholdGate(asDefinition(definition));
  const outcome: WorkflowOutcome = { status: progress.status };
  if (progress.startedAt !== undefined && progress.endedAt !== undefined)
    outcome.durationMs = progress.endedAt - progress.startedAt;
  Object.assign(outcome, gate ? gateDecision(progress, gate) : guessedMetric(progress));
  const failed = progress.firstFailure;
  if (failed) {
    outcome.failedState = failed.name;
    outcome.error = failed.error ?? progress.error;
    outcome.cause = failed.cause ?? progress.cause;
  } else if (progress.status !== "SUCCEEDED" && progress.status !== "RUNNING") {
    outcome.error = progress.error;
    outcome.cause = progress.cause;
  }
  return outcome;
}

function gateDecision(progress: WorkflowProgress, gate: ThresholdGate): Partial<WorkflowOutcome> {
  const decided: Partial<WorkflowOutcome> = { threshold: gate.threshold, direction: gate.direction };
  const choice = progress.latest(gate.choiceState);
  const value = choice ? valueAtPath(choice.input, gate.variable) : undefined;
  if (typeof value === "number") decided.metric = value;
  if (progress.latest(gate.passState)) Object.assign(decided, { decision: "passed", decisionState: gate.passState });
  else if (gate.otherwiseState && progress.latest(gate.otherwiseState)) {
    Object.assign(decided, { decision: "failed", decisionState: gate.otherwiseState });
  }
  return decided;
}

/** Where a Choice state's input may hold the metric: the template's path, then the Lambda's bare `Result`. */
const METRIC_PATHS = [METRIC_PATH, "$.Result"];

/** Without a definition: the numeric metric a Choice state received. */
function guessedMetric(progress: WorkflowProgress): Partial<WorkflowOutcome> {
  for (const state of progress.states.filter((s) => s.type === "Choice")) {
    for (const path of METRIC_PATHS) {
      const value = valueAtPath(state.input, path);
      if (typeof value === "number") return { metric: value };
    }
  }
  return {};
}
