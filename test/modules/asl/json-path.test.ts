import { escapeIntrinsicLiteral, JsonPath, renderPayload } from "../../../modules/asl/json-path";

describe("JsonPath", () => {
  it("accepts paths into the state input and the context object", () => {
    expect(JsonPath.at("$.TrainingJobName").expression).toBe("$.TrainingJobName");
    expect(JsonPath.at("$.Training.S3ModelArtifacts").expression).toBe("$.Training.S3ModelArtifacts");
    expect(JsonPath.executionName.expression).toBe("$$.Execution.Name");
  });

  it("rejects a path that does not start at $ and names the value", () => {
    expect(() => JsonPath.at("TrainingJobName")).toThrow('JsonPath.at: "TrainingJobName" must be a JSONPath');
    expect(() => JsonPath.at("$.a b")).toThrow("must be a JSONPath");
  });

  it("builds States.Format with quoted literals and unquoted paths", () => {
    const uri = JsonPath.format(
      "s3://{}/{}/{}/evaluation",
      "my-bucket",
      JsonPath.executionName,
      JsonPath.at("$.TrainingJobName"),
    );
    expect(uri.expression).toBe("States.Format('s3://{}/{}/{}/evaluation', 'my-bucket', $$.Execution.Name, $.TrainingJobName)");
  });

  it("refuses a format whose placeholders and arguments do not match", () => {
    expect(() => JsonPath.format("{}/{}", JsonPath.executionName)).toThrow("has 2 placeholder(s) but got 1 argument(s)");
  });

  it("escapes the characters intrinsic string literals reserve, but leaves Terraform references intact", () => {
    expect(escapeIntrinsicLiteral("it's {x} \\")).toBe("it\\'s \\{x\\} \\\\");
    expect(escapeIntrinsicLiteral("${aws_s3_bucket.artifacts.bucket}")).toBe("${aws_s3_bucket.artifacts.bucket}");
    expect(escapeIntrinsicLiteral("a{${var.x}}")).toBe("a\\{${var.x}\\}");
  });
});

describe("renderPayload", () => {
  it("turns run-time values into .$ fields at any depth, inside arrays too, and drops undefined fields", () => {
    const rendered = renderPayload({
      Name: JsonPath.at("$.ModelName"),
      Fixed: "x",
      Skipped: undefined,
      Outputs: [{ S3Output: { S3Uri: JsonPath.format("s3://b/{}", JsonPath.executionName), LocalPath: "/opt/ml/x" } }],
      Count: 1,
    });
    expect(rendered).toEqual({
      "Name.$": "$.ModelName",
      Fixed: "x",
      Outputs: [{ S3Output: { "S3Uri.$": "States.Format('s3://b/{}', $$.Execution.Name)", LocalPath: "/opt/ml/x" } }],
      Count: 1,
    });
  });

  it("refuses a hand-written .$ key and a run-time value as an array element", () => {
    expect(() => renderPayload({ "Name.$": "$.x" })).toThrow('payload.Name.$: write the field without ".$"');
    expect(() => renderPayload({ List: [JsonPath.at("$.x")] })).toThrow(
      "payload.List[0]: a JsonPath value must be an object field",
    );
  });
});
