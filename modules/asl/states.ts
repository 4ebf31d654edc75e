import { JsonPath } from "./json-path";
import type { TaskBuilder } from "./task";
import { JsonValue, ChoiceRule, ChoiceState, FailState, PassState, State, StateMachineDefinition, SucceedState } from "./types";

/** A Pass state that ends the execution or goes on to `next`. */
export function passState(
  props: { comment?: string; next?: string; result?: JsonValue; resultPath?: string | null } = {},
): PassState {
  return {
    Type: "Pass",
    ...(props.comment ? { Comment: props.comment } : {}),
    ...(props.result !== undefined ? { Result: props.result } : {}),
    ...(props.resultPath !== undefined ? { ResultPath: props.resultPath } : {}),
    ...(props.next ? { Next: props.next } : { End: true as const }),
  };
}

/**
 * A Fail state: ends the execution as failed with this error name and cause, given as text or read
 * from the state's input by a path (e.g. what a catcher kept), one or the other for each.
 */
export function failState(props: {
  comment?: string;
  error?: string;
  errorPath?: string;
  cause?: string;
  causePath?: string;
}): FailState {
  if (props.error && props.errorPath) throw new Error("failState: error and errorPath exclude each other");
  if (props.cause && props.causePath) throw new Error("failState: cause and causePath exclude each other");
  return {
    Type: "Fail",
    ...(props.comment ? { Comment: props.comment } : {}),
    ...(props.error ? { Error: props.error } : {}),
    ...(props.errorPath ? { ErrorPath: JsonPath.at(props.errorPath).expression } : {}),
    ...(props.cause ? { Cause: props.cause } : {}),
    ...(props.causePath ? { CausePath: JsonPath.at(props.causePath).expression } : {}),
  };
}

/** A Succeed state. */
export function succeedState(comment?: string): SucceedState {
  return { Type: "Succeed", ...(comment ? { Comment: comment } : {}) };
}

/** A Choice state: the first matching rule wins; `otherwise` is taken when none matches. */
export function choiceState(props: { comment?: string; choices: ChoiceRule[]; otherwise?: string }): ChoiceState {
  if (props.choices.length === 0) throw new Error("choiceState: choices must hold at least one rule");
  return {
    Type: "Choice",
    ...(props.comment ? { Comment: props.comment } : {}),
    Choices: props.choices,
    ...(props.otherwise ? { Default: props.otherwise } : {}),
  };
}

/** Tasks in the order they run, named by their builders: each goes on to the next one, the last to `then` (or ends the execution). */
export function sequence(tasks: readonly TaskBuilder[], then?: string): Array<[string, State]> {
  return tasks.map((task, i) => {
    const { End: _end, Next: _next, ...state } = task.state;
    const next = i + 1 < tasks.length ? tasks[i + 1].stateName : then;
    return [task.stateName, next ? { ...state, Next: next } : { ...state, End: true }];
  });
}

/** AWS's limit on state names. */
export const MAX_STATE_NAME_LENGTH = 80;

/**
 * A state machine definition from states in order (the first one starts the execution).
 * Checks what AWS would reject at deploy time: unknown transition targets, unreachable states,
 * duplicate or over-long names.
 */
export function defineStateMachine(props: {
  comment?: string;
  timeoutSeconds?: number;
  states: Array<[string, State]>;
}): StateMachineDefinition {
  if (props.states.length === 0) throw new Error("defineStateMachine: states must hold at least one state");
  const states: Record<string, State> = {};
  for (const [name, state] of props.states) {
    if (name in states) throw new Error(`defineStateMachine: state name ${JSON.stringify(name)} is used twice`);
    if (name.length === 0 || name.length > MAX_STATE_NAME_LENGTH) {
      throw new Error(`defineStateMachine: state name ${JSON.stringify(name)} must be 1 to ${MAX_STATE_NAME_LENGTH} characters`);
    }
    states[name] = state;
  }
  const startAt = props.states[0][0];
  for (const [name, state] of Object.entries(states)) {
    for (const { to: target } of transitionsOf(state)) {
      if (!(target in states))
        throw new Error(
          `defineStateMachine: state ${JSON.stringify(name)} goes to ${JSON.stringify(target)}, which is not a state`,
        );
    }
  }
  const reachable = new Set<string>();
  const visit = (name: string): void => {
    if (reachable.has(name)) return;
    reachable.add(name);
    transitionsOf(states[name]).forEach(({ to }) => visit(to));
  };
  visit(startAt);
  const unreachable = Object.keys(states).filter((name) => !reachable.has(name));
  if (unreachable.length)
    throw new Error(`defineStateMachine: unreachable state(s) ${unreachable.map((n) => JSON.stringify(n)).join(", ")}`);
  return {
    ...(props.comment ? { Comment: props.comment } : {}),
    StartAt: startAt,
    ...(props.timeoutSeconds !== undefined ? { TimeoutSeconds: props.timeoutSeconds } : {}),
    States: states,
  };
}

/** One outgoing edge of a state. */
export type Transition =
  | { kind: "choice"; to: string; index: number; rule: ChoiceRule }
  | { kind: "default"; to: string }
  | { kind: "next"; to: string }
  | { kind: "catch"; to: string; errors: string[] };

/**
 * Every outgoing edge of a state: its Choice rules, Default, Next, then its catchers. The one reading
 * of transitions for validation, the CLI's graph and the review's diff; it also takes a state read
 * back from AWS, skipping fields of the wrong shape instead of trusting them.
 */
export function transitionsOf(state: State): Transition[] {
  const fields = state as unknown as Record<string, unknown>;
  const objects = (value: unknown) =>
    (Array.isArray(value) ? value : []).filter(
      (item): item is Record<string, unknown> => typeof item === "object" && item !== null,
    );
  const edges: Transition[] = [];
  objects(fields.Choices).forEach((rule, index) => {
    if (typeof rule.Next === "string") edges.push({ kind: "choice", to: rule.Next, index, rule: rule as unknown as ChoiceRule });
  });
  if (typeof fields.Default === "string") edges.push({ kind: "default", to: fields.Default });
  if (typeof fields.Next === "string") edges.push({ kind: "next", to: fields.Next });
  for (const catcher of objects(fields.Catch)) {
    if (typeof catcher.Next !== "string") continue;
    edges.push({
      kind: "catch",
      to: catcher.Next,
      errors: Array.isArray(catcher.ErrorEquals) ? catcher.ErrorEquals.map(String) : [],
    });
  }
  return edges;
}
