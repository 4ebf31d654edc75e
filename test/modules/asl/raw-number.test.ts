import { RawNumber, serializeDefinition } from "../../../modules/asl/raw-number";

describe("serializeDefinition", () => {
  it("splices a RawNumber's expression in unquoted, so Terraform interpolates a JSON number", () => {
    const json = serializeDefinition({
      Choices: [{ Variable: "$.x", NumericLessThan: new RawNumber("${var.threshold}") }],
      Name: "n",
    });
    expect(json).toBe('{"Choices":[{"Variable":"$.x","NumericLessThan":${var.threshold}}],"Name":"n"}');
    expect(JSON.parse(json.replace("${var.threshold}", "2.1")).Choices[0].NumericLessThan).toBe(2.1);
  });

  it("keeps several raw numbers apart and is plain JSON.stringify without them", () => {
    const json = serializeDefinition({ a: new RawNumber("${var.a}"), b: [new RawNumber("${var.b}")] });
    expect(json).toBe('{"a":${var.a},"b":[${var.b}]}');
    expect(serializeDefinition({ a: 1, b: "x" }, 2)).toBe(JSON.stringify({ a: 1, b: "x" }, null, 2));
  });

  it("refuses an empty expression", () => {
    expect(() => new RawNumber(" ")).toThrow("RawNumber: expression must not be empty");
  });
});
