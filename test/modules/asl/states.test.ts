import { Conditions, when } from "../../../modules/asl/conditions";
import { RawNumber } from "../../../modules/asl/raw-number";
import { choiceState, defineStateMachine, failState, passState, succeedState, transitionsOf } from "../../../modules/asl/states";
import { TaskState } from "../../../modules/asl/types";

describe("state builders", () => {
  it("render Pass, Fail, Succeed and Choice states as the States Language writes them", () => {
    expect(passState()).toEqual({ Type: "Pass", End: true });
    expect(passState({ next: "B", result: { a: 1 }, resultPath: "$.r" })).toEqual({
      Type: "Pass",
      Result: { a: 1 },
      ResultPath: "$.r",
      Next: "B",
    });
    expect(failState({ error: "E", cause: "C" })).toEqual({ Type: "Fail", Error: "E", Cause: "C" });
    expect(succeedState()).toEqual({ Type: "Succeed" });
    const choice = choiceState({ choices: [when(Conditions.numericLessThan("$.rmse", 2.1), "Good")], otherwise: "Bad" });
    expect(choice).toEqual({
      Type: "Choice",
      Choices: [{ Variable: "$.rmse", NumericLessThan: 2.1, Next: "Good" }],
      Default: "Bad",
    });
  });

  it("combines conditions with And and accepts a number known only at deploy time", () => {
    const threshold = new RawNumber("${var.threshold}");
    const rule = when(Conditions.and(Conditions.isNumeric("$.r"), Conditions.numericLessThan("$.r", threshold)), "Next");
    expect(rule).toEqual({
      And: [
        { Variable: "$.r", IsNumeric: true },
        { Variable: "$.r", NumericLessThan: threshold },
      ],
      Next: "Next",
    });
  });

  it("refuses a non-finite threshold and empty combinations", () => {
    expect(() => Conditions.numericLessThan("$.r", Number.NaN)).toThrow("a numeric comparison needs a finite number (got NaN)");
    expect(() => Conditions.and()).toThrow("Conditions.and: needs at least one condition");
    expect(() => choiceState({ choices: [] })).toThrow("choices must hold at least one rule");
  });
});

describe("defineStateMachine", () => {
  it("starts at the first state and keeps the given order", () => {
    const definition = defineStateMachine({
      comment: "c",
      states: [
        ["A", passState({ next: "B" })],
        ["B", succeedState()],
      ],
    });
    expect(definition).toEqual({
      Comment: "c",
      StartAt: "A",
      States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Succeed" } },
    });
    expect(Object.keys(definition.States)).toEqual(["A", "B"]);
  });

  it("rejects a transition to a state that does not exist", () => {
    expect(() => defineStateMachine({ states: [["A", passState({ next: "Nowhere" })]] })).toThrow(
      'state "A" goes to "Nowhere", which is not a state',
    );
  });

  it("rejects unreachable, duplicate and over-long state names", () => {
    expect(() =>
      defineStateMachine({
        states: [
          ["A", succeedState()],
          ["B", succeedState()],
        ],
      }),
    ).toThrow('unreachable state(s) "B"');
    expect(() =>
      defineStateMachine({
        states: [
          ["A", passState({ next: "A" })],
          ["A", succeedState()],
        ],
      }),
    ).toThrow('"A" is used twice');
    expect(() => defineStateMachine({ states: [["x".repeat(81), succeedState()]] })).toThrow("must be 1 to 80 characters");
  });

  it("follows Next, Catch and Choice transitions, saying which kind each is", () => {
    expect(
      transitionsOf({ Type: "Task", Resource: "r", Next: "B", Catch: [{ ErrorEquals: ["States.ALL"], Next: "F" }] }),
    ).toEqual([
      { kind: "next", to: "B" },
      { kind: "catch", to: "F", errors: ["States.ALL"] },
    ]);
    const rule = when(Conditions.isNumeric("$.x"), "Y");
    expect(transitionsOf(choiceState({ choices: [rule], otherwise: "N" }))).toEqual([
      { kind: "choice", to: "Y", index: 0, rule },
      { kind: "default", to: "N" },
    ]);
  });

  it("builds a Fail state that reads its error and cause from the input, one way or the other for each", () => {
    expect(failState({ errorPath: "$.Failure.Error", causePath: "$.Failure.Cause" })).toEqual({
      Type: "Fail",
      ErrorPath: "$.Failure.Error",
      CausePath: "$.Failure.Cause",
    });
    expect(() => failState({ cause: "x", causePath: "$.c" })).toThrow("failState: cause and causePath exclude each other");
    expect(() => failState({ errorPath: "Failure" })).toThrow();
  });

  it("reads a state from AWS without trusting its shape: malformed edges are skipped", () => {
    const deployed = {
      Type: "Task",
      Resource: "r",
      Next: 3,
      Catch: [null, { ErrorEquals: "x", Next: "F" }, { Next: 1 }],
    } as unknown as TaskState;
    expect(transitionsOf(deployed)).toEqual([{ kind: "catch", to: "F", errors: [] }]);
  });
});
