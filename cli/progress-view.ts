/**
 * The progress view shared by `run --wait`, `history` and `simulate`: plain lines (CI, pipes)
 * or, in a terminal, a table of states redrawn in place.
 */
import { MODEL } from "../models";
import { passingSide } from "../modules/workflow/gate";
import { Clock, Output } from "./deps";
import { parseJsonText, StateProgress, WorkflowEvent, WorkflowProgress } from "./workflow-events";
import { WorkflowOutcome } from "./workflow-outcome";

/** `850 ms`, `4.2 s`, `4m 31s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours}h ${String(minutes).padStart(2, "0")}m` : `${minutes}m ${String(seconds).padStart(2, "0")}s`;
}

/** `[hh:mm:ss]` since the execution started, so plain lines line up in a CI log. */
function elapsedStamp(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `[${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}]`;
}

/** Long causes (SageMaker puts whole JSON documents there) are cut for display; --json keeps them whole. */
export function shorten(text: string | undefined, max = 300): string {
  const flat = (text ?? "").replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * A failure's cause as one line. A failed `.sync` SageMaker job's cause is the job's whole Describe
 * document (about 1.4 KB, `FailureReason` near its end), so a JSON cause with a `FailureReason` shows
 * as the job's name and status and that reason in full; any other cause is shortened.
 */
export function readableCause(cause: string | undefined): string {
  const document = parseJsonText(cause);
  if (
    typeof document !== "object" ||
    document === null ||
    typeof (document as { FailureReason?: unknown }).FailureReason !== "string"
  )
    return shorten(cause);
  const fields = Object.entries(document as Record<string, unknown>);
  const field = (suffix: string) =>
    fields.find(([key, value]) => key.endsWith(suffix) && typeof value === "string")?.[1] as string | undefined;
  const job = [field("JobName"), field("JobStatus")].filter(Boolean).join(" ");
  const reason = (document as { FailureReason: string }).FailureReason.replace(/\s+/g, " ").trim();
  return job ? `${job}: ${reason}` : reason;
}

/** `error: cause`, the cause made readable. */
export const describeFailure = (error?: string, cause?: string) =>
  [error, cause === undefined ? undefined : readableCause(cause)].filter(Boolean).join(": ");

export interface ProgressViewOptions {
  /** Where the view is written. */
  out: Output;
  /** Redraw a table in place (terminal) instead of printing one line per event. */
  live: boolean;
  /** Clock for the elapsed time of running states. */
  clock: Clock;
  /** Heading of the live table, e.g. the execution name. */
  title: string;
  /** States in definition order, so the live table shows what is still to come. Default: as entered. */
  plannedStates?: { name: string; type: string }[];
}

export const ICONS: Record<StateProgress["status"] | "pending", string> = {
  pending: "·",
  running: "…",
  retrying: "↻",
  succeeded: "✓",
  failed: "✗",
};

export class ProgressView {
  readonly progress = new WorkflowProgress();
  private drawnLines = 0;

  constructor(private readonly options: ProgressViewOptions) {}

  /** Takes one event: updates the model, then prints its line or redraws the table. */
  handle(event: WorkflowEvent): void {
    const last = this.progress.states[this.progress.states.length - 1];
    // Step Functions records no exit of a Fail state: the execution's end closes it. Print that
    // line as the simulator's StateFailed prints it, so both views show the same lines.
    const closed = event.kind === "execution-ended" && last?.status === "running" ? last : undefined;
    this.progress.apply(event);
    if (this.options.live) this.redraw();
    else {
      const line = closed ? this.endLine(closed, event.at) : this.plainLine(event);
      if (line) this.options.out.write(`${line}\n`);
    }
  }

  /** Between polls: refreshes the running time in the live table. */
  tick(): void {
    if (this.options.live) this.redraw();
  }

  /** Prints the final status, the metric and threshold decision, or the failing state. */
  finish(outcome: WorkflowOutcome): void {
    if (this.options.live) this.redraw();
    for (const line of summaryLines(outcome)) this.options.out.write(`${line}\n`);
  }

  private stamp(at: number): string {
    return elapsedStamp(at - (this.progress.startedAt ?? at));
  }

  /** `[…] <state> succeeded after 4.2 s`, or `… failed after 1 ms: <error>: <cause>`. */
  private endLine(state: StateProgress, at: number): string {
    const took = `after ${formatDuration(at - state.enteredAt)}`;
    if (state.status !== "failed") return `${this.stamp(at)} ${state.name} succeeded ${took}`;
    return `${this.stamp(at)} ${state.name} failed ${took}: ${describeFailure(state.error, state.cause)}`;
  }

  private plainLine(event: WorkflowEvent): string | undefined {
    const stamp = this.stamp(event.at);
    switch (event.kind) {
      case "execution-started":
      case "execution-ended":
        return undefined;
      case "state-entered":
        return `${stamp} ${event.state} (${event.stateType}) entered`;
      case "state-retrying":
        return `${stamp} ${event.state} retrying`;
      case "state-succeeded":
      case "state-failed": {
        const state = this.progress.latest(event.state);
        if (!state)
          return `${stamp} ${event.state} ${event.kind === "state-succeeded" ? "succeeded" : `failed: ${describeFailure(event.error, event.cause)}`}`;
        // A caught failure is followed by an exit event in some histories; its failure line stands.
        if (event.kind === "state-succeeded" && state.status === "failed") return undefined;
        return this.endLine(state, event.at);
      }
    }
  }

  private rows(): string[] {
    const seen = new Set<string>();
    const rows: string[] = [];
    const width = Math.max(...[...(this.options.plannedStates ?? []), ...this.progress.states].map((s) => s.name.length), 10);
    const row = (icon: string, name: string, type: string, time: string) =>
      `  ${icon} ${name.padEnd(width)}  ${type.padEnd(6)}  ${time}`;
    const now = this.options.clock.now();
    const timeOf = (s: StateProgress) => formatDuration((s.endedAt ?? this.progress.endedAt ?? now) - s.enteredAt);
    for (const planned of this.options.plannedStates ?? []) {
      seen.add(planned.name);
      const state = this.progress.latest(planned.name);
      rows.push(
        state
          ? row(ICONS[state.status], state.name, state.type, timeOf(state))
          : row(ICONS.pending, planned.name, planned.type, ""),
      );
    }
    for (const state of this.progress.states) {
      if (!seen.has(state.name)) rows.push(row(ICONS[state.status], state.name, state.type, timeOf(state)));
    }
    return rows;
  }

  private redraw(): void {
    const started = this.progress.startedAt;
    const elapsed =
      started === undefined ? "" : ` · ${formatDuration((this.progress.endedAt ?? this.options.clock.now()) - started)}`;
    const lines = [`${this.options.title} · ${this.progress.status}${elapsed}`, ...this.rows()];
    this.options.out.write(redrawnText(this.drawnLines, lines));
    this.drawnLines = lines.length;
  }
}

/**
 * Text that moves up over the `drawnLines` drawn before and overwrites them with `lines` (ANSI:
 * cursor up, clear line), clearing what is left below when the drawing got shorter.
 */
export function redrawnText(drawnLines: number, lines: string[]): string {
  let text = drawnLines > 0 ? `\x1b[${drawnLines}A` : "";
  for (const line of lines) text += `\r\x1b[2K${line}\n`;
  return lines.length < drawnLines ? `${text}\x1b[J` : text;
}

/** A metric to six significant digits, unless that would hide which side of the threshold (or whether on it) it is. */
export function formatMetric(value: number, threshold?: number): string {
  const short = Number(value.toPrecision(6));
  return threshold !== undefined && Math.sign(short - threshold) !== Math.sign(value - threshold) ? String(value) : String(short);
}

/** The closing lines: status and duration, the gate's decision, the failing state with error and cause. */
export function summaryLines(outcome: WorkflowOutcome): string[] {
  const took = outcome.durationMs === undefined ? "" : ` in ${formatDuration(outcome.durationMs)}`;
  const lines = [`Execution ${outcome.status}${took}`];
  if (outcome.metric !== undefined || outcome.decision) {
    const name = MODEL.metric.name;
    const metric =
      outcome.metric === undefined ? `${name} unknown` : `${name} ${formatMetric(outcome.metric, outcome.threshold)}`;
    const threshold = outcome.threshold === undefined ? "the threshold" : `the threshold ${outcome.threshold}`;
    const side = passingSide(outcome.direction ?? MODEL.metric.direction);
    const verdict =
      outcome.decision === "passed"
        ? `is ${side} ${threshold}`
        : outcome.decision
          ? `is not ${side} ${threshold}`
          : `(${threshold}, no decision yet)`;
    lines.push(`${metric} ${verdict}${outcome.decisionState ? `: ${outcome.decisionState}` : ""}`);
  }
  if (outcome.failedState)
    lines.push(`Failed state: ${outcome.failedState} — ${describeFailure(outcome.error, outcome.cause) || "no error recorded"}`);
  else if (outcome.error || outcome.cause) lines.push(`Reason: ${describeFailure(outcome.error, outcome.cause)}`);
  return lines;
}
