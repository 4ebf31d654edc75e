/** Reading a deployed Amazon States Language definition: its states in order, its threshold gate, simple JSONPaths. */
import { ChoiceState, Condition, StateMachineDefinition } from "../modules/asl/types";
import { GATE_COMPARISON, MetricDirection } from "../modules/workflow/gate";

/**
 * A definition read back from AWS (or rendered here), as the typed ASL model; undefined when the
 * text is not a definition. Readers still check the fields they use: AWS may hold states this
 * project does not render.
 */
export function asDefinition(value: unknown): StateMachineDefinition | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const states = (value as { States?: unknown }).States;
  return typeof states === "object" && states !== null ? (value as StateMachineDefinition) : undefined;
}

/** Every top-level state as `{ name, type }`, in the order the definition lists them. */
export function statesInOrder(definition: StateMachineDefinition | undefined): { name: string; type: string }[] {
  return Object.entries(definition?.States ?? {}).map(([name, state]) => ({ name, type: String(state.Type) }));
}

/**
 * The Choice state that gates the model on its metric, read from the definition so the CLI reports
 * the threshold and direction actually deployed (a Terraform variable may override the environment's).
 */
export interface ThresholdGate {
  /** Name of the Choice state. */
  choiceState: string;
  /** JSONPath of the compared value in the Choice state's input, e.g. `$.Result`. */
  variable: string;
  /** The metric must be strictly beyond this, on the side `direction` says. */
  threshold: number;
  /** `lower` (NumericLessThan) or `higher` (NumericGreaterThan) is better. */
  direction: MetricDirection;
  /** Where a passing metric goes. */
  passState: string;
  /** Where any other metric goes (the Choice's Default). */
  otherwiseState?: string;
}

type Comparison = { variable: string; threshold: number; direction: MetricDirection };

/** A `NumericLessThan` or `NumericGreaterThan` comparison in a condition, directly or inside an `And` (the gate also checks IsNumeric). */
function gateComparison(condition: Condition): Comparison | undefined {
  for (const direction of ["lower", "higher"] as const) {
    const operator = GATE_COMPARISON[direction];
    const value = (condition as Record<string, unknown>)[operator];
    if (typeof value === "number" && typeof (condition as { Variable?: unknown }).Variable === "string") {
      return { variable: (condition as { Variable: string }).Variable, threshold: value, direction };
    }
  }
  for (const inner of "And" in condition && Array.isArray(condition.And) ? condition.And : []) {
    const found = gateComparison(inner);
    if (found) return found;
  }
  return undefined;
}

/** The first Choice state with a `NumericLessThan` or `NumericGreaterThan` rule, or undefined when the definition has none. */
export function findThresholdGate(definition: StateMachineDefinition | undefined): ThresholdGate | undefined {
  for (const [name, state] of Object.entries(definition?.States ?? {})) {
    if (state.Type !== "Choice") continue;
    for (const rule of Array.isArray((state as ChoiceState).Choices) ? (state as ChoiceState).Choices : []) {
      const comparison = gateComparison(rule);
      if (comparison && typeof rule.Next === "string") {
        return { choiceState: name, ...comparison, passState: rule.Next, otherwiseState: (state as ChoiceState).Default };
      }
    }
  }
  return undefined;
}

/** Value at a simple JSONPath (`$`, `$.a.b`, `$['a'].b`) in a document; undefined when absent. */
export function valueAtPath(document: unknown, path: string): unknown {
  if (!path.startsWith("$")) return undefined;
  const keys = [...path.slice(1).matchAll(/\.([^.[\]]+)|\['([^']+)'\]|\["([^"]+)"\]/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  let current: unknown = document;
  for (const key of keys) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
