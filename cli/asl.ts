/** Reading an Amazon States Language definition: its states in order, its threshold gate, simple JSONPaths. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AslState = Record<string, any>;

/** The part of a definition the CLI reads. */
export interface AslDefinition {
  StartAt?: string;
  States?: Record<string, AslState>;
}

/** Every top-level state as `{ name, type }`, in the order the definition lists them. */
export function statesInOrder(definition: AslDefinition | undefined): { name: string; type: string }[] {
  return Object.entries(definition?.States ?? {}).map(([name, state]) => ({ name, type: String(state.Type) }));
}

/**
 * The Choice state that gates the model on its RMSE, read from the definition so the CLI reports
 * the threshold actually deployed (a Terraform variable may override the environment's).
 */
export interface ThresholdGate {
  /** Name of the Choice state. */
  choiceState: string;
  /** JSONPath of the compared value in the Choice state's input, e.g. `$.Result`. */
  variable: string;
  /** The RMSE must be below this. */
  threshold: number;
  /** Where an RMSE below the threshold goes. */
  belowState: string;
  /** Where any other RMSE goes (the Choice's Default). */
  otherwiseState?: string;
}

/** A `NumericLessThan` comparison in a rule, directly or inside an `And` (the gate also checks IsNumeric). */
function lessThanComparison(rule: AslState): { variable: string; threshold: number } | undefined {
  if (typeof rule.NumericLessThan === "number" && typeof rule.Variable === "string") return { variable: rule.Variable, threshold: rule.NumericLessThan };
  for (const inner of Array.isArray(rule.And) ? (rule.And as AslState[]) : []) {
    const found = lessThanComparison(inner);
    if (found) return found;
  }
  return undefined;
}

/** The first Choice state with a `NumericLessThan` rule, or undefined when the definition has none. */
export function findThresholdGate(definition: AslDefinition | undefined): ThresholdGate | undefined {
  for (const [name, state] of Object.entries(definition?.States ?? {})) {
    if (state.Type !== "Choice") continue;
    for (const rule of (state.Choices ?? []) as AslState[]) {
      const comparison = lessThanComparison(rule);
      if (comparison && typeof rule.Next === "string") {
        return { choiceState: name, ...comparison, belowState: rule.Next, otherwiseState: state.Default };
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
