import { diffDefinitions, parseDefinition } from "../../review/state-machine-diff";

const base = {
  StartAt: "Train",
  TimeoutSeconds: 3600,
  States: {
    Train: {
      Type: "Task",
      Resource: "arn:aws:states:::sagemaker:createTrainingJob.sync",
      Catch: [{ ErrorEquals: ["States.TaskFailed"], Next: "Failed" }],
      Next: "Check",
    },
    Check: { Type: "Choice", Choices: [{ Variable: "$.Result", NumericLessThan: 2.1, Next: "Pass" }], Default: "Exceeds" },
    Fanout: {
      Type: "Parallel",
      Branches: [
        {
          StartAt: "Notify",
          States: {
            Notify: {
              Type: "Task",
              Resource: "arn:aws:states:::sns:publish",
              Parameters: { TopicArn: "${aws_sns_topic.a.arn}" },
              End: true,
            },
          },
        },
      ],
      End: true,
    },
    Pass: { Type: "Pass", End: true },
    Exceeds: { Type: "Fail", Error: "Exceeds" },
    Failed: { Type: "Fail", Error: "Failed" },
  },
};

function changed(): typeof base & Record<string, unknown> {
  const head = JSON.parse(JSON.stringify(base));
  head.TimeoutSeconds = 7200;
  head.States.Check.Choices[0].Next = "Fanout";
  head.States.Check.Default = "Failed";
  head.States.Train.Catch = [
    { ErrorEquals: ["States.TaskFailed"], Next: "Exceeds" },
    { ErrorEquals: ["States.Timeout"], Next: "Failed" },
  ];
  head.States.Fanout.Branches[0].States.Notify.Parameters.TopicArn = "${aws_sns_topic.b.arn}";
  delete head.States.Pass;
  return head;
}

describe("diffDefinitions", () => {
  it("reports every re-pointed transition: Choices, Default and Catch targets, including a new catcher (once, not again as a field)", () => {
    expect(diffDefinitions(base, changed()).transitions).toEqual([
      { state: "Train", label: "Catch[States.TaskFailed]", before: "Failed", after: "Exceeds" },
      { state: "Train", label: "Catch[States.Timeout]", before: undefined, after: "Failed" },
      { state: "Check", label: "Default", before: "Exceeds", after: "Failed" },
      { state: "Check", label: "Choices[0]", before: "Pass", after: "Fanout" },
    ]);
  });

  it("reports a removed state, a definition-level field and a field of a state nested in a Parallel branch", () => {
    const diff = diffDefinitions(base, changed());
    expect(diff.statesRemoved).toEqual([{ name: "Pass", type: "Pass", next: "(end)" }]);
    expect(diff.statesAdded).toEqual([]);
    expect(diff.fields).toEqual([
      { state: undefined, field: "TimeoutSeconds", kind: "changed", before: 3600, after: 7200 },
      { state: "Notify", field: "TopicArn", kind: "changed", before: "${aws_sns_topic.a.arn}", after: "${aws_sns_topic.b.arn}" },
    ]);
  });

  it("finds nothing between a definition and itself", () => {
    expect(diffDefinitions(base, JSON.parse(JSON.stringify(base)))).toEqual({
      statesAdded: [],
      statesRemoved: [],
      transitions: [],
      fields: [],
    });
  });
});

describe("parseDefinition", () => {
  it("explains a definition that is not a JSON string with States", () => {
    expect(parseDefinition(undefined).problem).toBe("definition is missing, not a JSON string");
    expect(parseDefinition('{"StartAt": "A"').problem).toMatch(/^definition is not JSON/);
    expect(
      parseDefinition(JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", End: true } } })).definition,
    ).toBeDefined();
  });
});
