import { JsonPath } from "./json-path";
import { ChoiceRule, Condition, NumericOperand } from "./types";

/** Choice-rule conditions, named as in the States Language. `variable` is a JSONPath into the state input. */
export const Conditions = {
  numericLessThan: (variable: string, value: NumericOperand): Condition => ({ Variable: path(variable), NumericLessThan: numeric(value) }),
  numericLessThanEquals: (variable: string, value: NumericOperand): Condition => ({ Variable: path(variable), NumericLessThanEquals: numeric(value) }),
  numericGreaterThan: (variable: string, value: NumericOperand): Condition => ({ Variable: path(variable), NumericGreaterThan: numeric(value) }),
  numericGreaterThanEquals: (variable: string, value: NumericOperand): Condition => ({ Variable: path(variable), NumericGreaterThanEquals: numeric(value) }),
  numericEquals: (variable: string, value: NumericOperand): Condition => ({ Variable: path(variable), NumericEquals: numeric(value) }),
  stringEquals: (variable: string, value: string): Condition => ({ Variable: path(variable), StringEquals: value }),
  booleanEquals: (variable: string, value: boolean): Condition => ({ Variable: path(variable), BooleanEquals: value }),
  isPresent: (variable: string): Condition => ({ Variable: path(variable), IsPresent: true }),
  isNumeric: (variable: string): Condition => ({ Variable: path(variable), IsNumeric: true }),
  isString: (variable: string): Condition => ({ Variable: path(variable), IsString: true }),
  and: (...conditions: Condition[]): Condition => ({ And: atLeastOne("and", conditions) }),
  or: (...conditions: Condition[]): Condition => ({ Or: atLeastOne("or", conditions) }),
  not: (condition: Condition): Condition => ({ Not: condition }),
};

/** A top-level Choice rule: when `condition` holds, go to `next`. */
export function when(condition: Condition, next: string): ChoiceRule {
  return { ...condition, Next: next } as ChoiceRule;
}

function path(variable: string): string {
  return JsonPath.at(variable).expression;
}

function numeric(value: NumericOperand): NumericOperand {
  if (typeof value === "number" && !Number.isFinite(value)) throw new Error(`Conditions: a numeric comparison needs a finite number (got ${value})`);
  return value;
}

function atLeastOne(operator: string, conditions: Condition[]): Condition[] {
  if (conditions.length === 0) throw new Error(`Conditions.${operator}: needs at least one condition`);
  return conditions;
}
