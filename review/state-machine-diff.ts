import { transitionsOf as aslTransitionsOf, Transition } from "../modules/asl/states";
import { State as AslState } from "../modules/asl/types";
import { shortestUnambiguousPath } from "./readable-path";
import { parseTemplateJson } from "./template-json";
import { diffValues, formatPath, isPlainObject, ValueChange } from "./value-diff";

/** A state as the review lists it when it is added or removed. */
export interface StateSummary {
  name: string;
  type: string;
  /** Where it goes next: `Next`, `Default`, or `(end)`. */
  next?: string;
}

/** One outgoing edge of a state that points somewhere else now. */
export interface TransitionChange {
  state: string;
  /** `Next`, `Default`, `Choices[0]`, `Catch[States.TaskFailed]`. */
  label: string;
  before?: string;
  after?: string;
}

/** One field of a state (or of the definition itself) that changed. */
export interface FieldChange {
  /** The state's name; undefined for the definition's own fields (StartAt, TimeoutSeconds, ...). */
  state?: string;
  /** The shortest unambiguous path inside the state, e.g. `InstanceType`, `HyperParameters.<name>`. */
  field: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

/** How one state machine's definition changed, state by state. */
export interface DefinitionDiff {
  statesAdded: StateSummary[];
  statesRemoved: StateSummary[];
  transitions: TransitionChange[];
  fields: FieldChange[];
}

type State = Record<string, unknown>;

/** Compares two parsed ASL definitions state by state. */
export function diffDefinitions(before: unknown, after: unknown): DefinitionDiff {
  const beforeStates = flattenStates(before);
  const afterStates = flattenStates(after);
  const diff: DefinitionDiff = { statesAdded: [], statesRemoved: [], transitions: [], fields: [] };
  diff.fields.push(...fieldChanges(undefined, topLevelFields(before), topLevelFields(after)));
  for (const [name, state] of beforeStates) {
    if (!afterStates.has(name)) diff.statesRemoved.push(summarize(name, state));
  }
  for (const [name, state] of afterStates) {
    const old = beforeStates.get(name);
    if (!old) {
      diff.statesAdded.push(summarize(name, state));
      continue;
    }
    diff.transitions.push(...transitionChanges(name, old, state));
    diff.fields.push(...fieldChanges(name, withoutTransitions(old), withoutTransitions(state)));
  }
  return diff;
}

/** True when the diff found nothing. */
export function isEmptyDefinitionDiff(diff: DefinitionDiff): boolean {
  return !diff.statesAdded.length && !diff.statesRemoved.length && !diff.transitions.length && !diff.fields.length;
}

/**
 * Parses a synthesized `definition` attribute (a JSON string that may hold Terraform
 * interpolations) into an ASL object, or says why it cannot.
 */
export function parseDefinition(text: unknown): { definition?: Record<string, unknown>; problem?: string } {
  if (typeof text !== "string")
    return { problem: `definition is ${text === undefined ? "missing" : typeof text}, not a JSON string` };
  try {
    const definition = parseTemplateJson(text);
    if (!isPlainObject(definition) || !isPlainObject(definition.States)) {
      return { problem: "definition has no States object (it may be one Terraform expression); compared as text" };
    }
    return { definition };
  } catch (error) {
    return { problem: `definition is ${(error as Error).message}` };
  }
}

/** Every state by name, including those inside Parallel branches and Map iterators (ASL names are unique machine-wide). */
function flattenStates(definition: unknown): Map<string, State> {
  const states = new Map<string, State>();
  const visit = (container: unknown): void => {
    if (!isPlainObject(container) || !isPlainObject(container.States)) return;
    for (const [name, state] of Object.entries(container.States)) {
      if (!isPlainObject(state)) continue;
      states.set(name, withoutNestedStates(state));
      for (const branch of Array.isArray(state.Branches) ? state.Branches : []) visit(branch);
      visit(state.ItemProcessor);
      visit(state.Iterator);
    }
  };
  visit(definition);
  return states;
}

// A nested state is compared on its own; its parent keeps only the nested StartAt.
function withoutNestedStates(state: State): State {
  const strip = (container: unknown) => (isPlainObject(container) ? { ...container, States: undefined } : container);
  const copy: State = { ...state };
  if (Array.isArray(copy.Branches)) copy.Branches = copy.Branches.map(strip);
  if (copy.ItemProcessor !== undefined) copy.ItemProcessor = strip(copy.ItemProcessor);
  if (copy.Iterator !== undefined) copy.Iterator = strip(copy.Iterator);
  return copy;
}

function topLevelFields(definition: unknown): State {
  return isPlainObject(definition) ? { ...definition, States: undefined } : {};
}

function summarize(name: string, state: State): StateSummary {
  const transitions = transitionsOf(state);
  return { name, type: String(state.Type ?? "?"), next: transitions.get("Next") ?? transitions.get("Default") };
}

/** The review's label of an edge: `Next`, `Default`, `Choices[0]`, `Catch[States.TaskFailed]`. */
function labelOf(edge: Transition): string {
  switch (edge.kind) {
    case "next":
      return "Next";
    case "default":
      return "Default";
    case "choice":
      return `Choices[${edge.index}]`;
    case "catch":
      return `Catch[${edge.errors.length ? edge.errors.join(",") : "?"}]`;
  }
}

const LABEL_ORDER: Transition["kind"][] = ["next", "default", "choice", "catch"];

/** Every outgoing edge of a state by a stable label (`End` reads as `Next: (end)`). */
function transitionsOf(state: State): Map<string, string> {
  const edges = aslTransitionsOf(state as unknown as AslState).sort(
    (a, b) => LABEL_ORDER.indexOf(a.kind) - LABEL_ORDER.indexOf(b.kind),
  );
  const labelled = new Map(edges.map((edge) => [labelOf(edge), edge.to]));
  if (!labelled.has("Next") && state.End === true) return new Map([["Next", "(end)"], ...labelled]);
  return labelled;
}

function transitionChanges(name: string, before: State, after: State): TransitionChange[] {
  const a = transitionsOf(before);
  const b = transitionsOf(after);
  const labels = [...new Set([...a.keys(), ...b.keys()])];
  return labels
    .filter((label) => a.get(label) !== b.get(label))
    .map((label) => ({ state: name, label, before: a.get(label), after: b.get(label) }));
}

// Transitions are reported on their own, so the field diff leaves them out.
function withoutTransitions(state: State): State {
  const dropNext = (items: unknown) =>
    Array.isArray(items) ? items.map((item) => (isPlainObject(item) ? { ...item, Next: undefined } : item)) : items;
  return {
    ...state,
    Next: undefined,
    End: undefined,
    Default: undefined,
    Choices: dropNext(state.Choices),
    Catch: dropNext(state.Catch),
  };
}

// A retrier's or catcher's setting means little without the errors it handles: `Retry[States.ALL].MaxAttempts`.
const FULL_PATH_FIELDS = new Set(["Retry", "Catch"]);

// A catcher added or removed with nothing but its errors is already told by its transition.
function isBareCatcher(change: ValueChange): boolean {
  if (change.path.length !== 2 || change.path[0] !== "Catch" || change.kind === "changed") return false;
  const catcher = change.kind === "added" ? change.after : change.before;
  return isPlainObject(catcher) && Object.keys(catcher).every((key) => key === "ErrorEquals" || catcher[key] === undefined);
}

function fieldChanges(state: string | undefined, before: State, after: State): FieldChange[] {
  const all = diffValues(before, after, { includeUnchanged: true });
  const paths = all.map((change) => change.path);
  return all
    .filter(
      (change): change is ValueChange & { kind: FieldChange["kind"] } => change.kind !== "unchanged" && !isBareCatcher(change),
    )
    .map((change) => ({
      state,
      field:
        state === undefined || FULL_PATH_FIELDS.has(change.path[0] as string)
          ? formatPath(change.path)
          : shortestUnambiguousPath(change.path, paths),
      kind: change.kind,
      before: change.before,
      after: change.after,
    }));
}
