/**
 * The Amazon States Language, as typed JSON: the subset this project renders
 * (Task, Choice, Pass, Fail, Succeed; Retry and Catch; Parameters, ResultSelector, ResultPath).
 * https://states-language.net/spec.html
 */
import { RawNumber } from "./raw-number";

/** A JSON value as it appears in a rendered definition. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A payload template after rendering: keys ending in `.$` hold JSONPath or intrinsic-function strings. */
export type PayloadTemplate = { [key: string]: JsonValue };

/** One retrier of a `Retry` field. */
export interface Retrier {
  /** Error names this retrier matches, e.g. `Lambda.TooManyRequestsException`. */
  ErrorEquals: string[];
  /** Seconds before the first retry. Default (AWS): 1. */
  IntervalSeconds?: number;
  /** Retries after the first attempt. Default (AWS): 3. */
  MaxAttempts?: number;
  /** Multiplier of the interval on each retry. Default (AWS): 2. */
  BackoffRate?: number;
  /** Upper bound of the interval, in seconds. Default: none. */
  MaxDelaySeconds?: number;
  /** `FULL` spreads retries randomly over the interval, so parallel callers do not retry in lockstep. */
  JitterStrategy?: "FULL" | "NONE";
}

/** One catcher of a `Catch` field. */
export interface Catcher {
  /** Error names this catcher matches. */
  ErrorEquals: string[];
  /** State to go to. */
  Next: string;
  /** Where the error object `{Error, Cause}` is placed in the state's input. Default (AWS): `$` (replaces it). */
  ResultPath?: string | null;
}

interface Transition {
  Next?: string;
  End?: true;
}

interface BaseState {
  Comment?: string;
}

export interface TaskState extends BaseState, Transition {
  Type: "Task";
  Resource: string;
  Parameters?: PayloadTemplate;
  ResultSelector?: PayloadTemplate;
  ResultPath?: string | null;
  OutputPath?: string;
  TimeoutSeconds?: number;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export interface PassState extends BaseState, Transition {
  Type: "Pass";
  Result?: JsonValue;
  ResultPath?: string | null;
  Parameters?: PayloadTemplate;
}

export interface FailState extends BaseState {
  Type: "Fail";
  Error?: string;
  /** Where the error name is read from the state's input (instead of `Error`). */
  ErrorPath?: string;
  Cause?: string;
  /** Where the cause is read from the state's input (instead of `Cause`). */
  CausePath?: string;
}

export interface SucceedState extends BaseState {
  Type: "Succeed";
}

/** Numeric comparators take a number, or a RawNumber that a later step splices into the JSON (a Terraform variable). */
export type NumericOperand = number | RawNumber;

/** A data-test expression of a Choice rule: one Variable and one comparator. */
export type Comparison = { Variable: string } & (
  | { NumericEquals: NumericOperand }
  | { NumericLessThan: NumericOperand }
  | { NumericLessThanEquals: NumericOperand }
  | { NumericGreaterThan: NumericOperand }
  | { NumericGreaterThanEquals: NumericOperand }
  | { StringEquals: string }
  | { BooleanEquals: boolean }
  | { IsPresent: boolean }
  | { IsNumeric: boolean }
  | { IsString: boolean }
);

/** A Choice condition: a comparison or a boolean combination of conditions. */
export type Condition = Comparison | { And: Condition[] } | { Or: Condition[] } | { Not: Condition };

/** A top-level Choice rule: a condition plus the state it leads to. */
export type ChoiceRule = Condition & { Next: string };

export interface ChoiceState extends BaseState {
  Type: "Choice";
  Choices: ChoiceRule[];
  Default?: string;
}

export type State = TaskState | PassState | FailState | SucceedState | ChoiceState;

/** A whole state machine definition. */
export interface StateMachineDefinition {
  Comment?: string;
  StartAt: string;
  /** Execution timeout in seconds. Default (AWS): none (one year). */
  TimeoutSeconds?: number;
  States: Record<string, State>;
}
