import { JsonPath } from "./json-path";
import { ChoiceRule, Condition, NumericOperand } from "./types";

/**
 * Choice-rule conditions, named as in the States Language, for the comparisons the workflow makes
 * (add one here when a step needs it; the `Condition` type knows the rest). `variable` is a JSONPath
 * into the state input.
 */
export const Conditions = {
  numericLessThan: (variable: string, value: NumericOperand): Condition =>
    Conditions.numericCompare("NumericLessThan", variable, value),
  numericGreaterThan: (variable: string, value: NumericOperand): Condition =>
    Conditions.numericCompare("NumericGreaterThan", variable, value),
  /** `variable <operator> value`, for an operator chosen at render time. */
  numericCompare: (operator: "NumericLessThan" | "NumericGreaterThan", variable: string, value: NumericOperand): Condition =>
    ({ Variable: path(variable), [operator]: numeric(value) }) as Condition,
  isNumeric: (variable: string): Condition => ({ Variable: path(variable), IsNumeric: true }),
  and: (...conditions: Condition[]): Condition => ({ And: atLeastOne("and", conditions) }),
};

/** A top-level Choice rule: when `condition` holds, go to `next`. */
export function when(condition: Condition, next: string): ChoiceRule {
  return { ...condition, Next: next } as ChoiceRule;
}

function path(variable: string): string {
  return JsonPath.at(variable).expression;
}

function numeric(value: NumericOperand): NumericOperand {
  if (typeof value === "number" && !Number.isFinite(value))
    throw new Error(`Conditions: a numeric comparison needs a finite number (got ${value})`);
  return value;
}

function atLeastOne(operator: string, conditions: Condition[]): Condition[] {
  if (conditions.length === 0) throw new Error(`Conditions.${operator}: needs at least one condition`);
  return conditions;
}
