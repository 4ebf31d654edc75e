import { isInterpolation, parseTemplateJson, TemplateJsonError, withReferencePlaceholders } from "../../review/template-json";

describe("parseTemplateJson", () => {
  it("reads a bare interpolation in place of a value as an opaque string", () => {
    const parsed = parseTemplateJson('{"Variable":"$.Result","NumericLessThan":${var.threshold}}');
    expect(parsed).toEqual({ Variable: "$.Result", NumericLessThan: "${var.threshold}" });
    expect(isInterpolation((parsed as Record<string, unknown>).NumericLessThan)).toBe(true);
  });

  it("keeps interpolations inside strings, even when they hold quotes and braces", () => {
    const text =
      '{"Resource":"${aws_lambda_function.analyze.arn}:live","Tags":${jsonencode({"a" = "}"})},"Name":"${format("%s-x", var.env)}"}';
    expect(parseTemplateJson(text)).toEqual({
      Resource: "${aws_lambda_function.analyze.arn}:live",
      Tags: '${jsonencode({"a" = "}"})}',
      Name: '${format("%s-x", var.env)}',
    });
  });

  it("treats the $${ escape as literal text, not as an interpolation", () => {
    expect(parseTemplateJson('{"Message":"cost $${amount}"}')).toEqual({ Message: "cost $${amount}" });
  });

  it("names the problem when the text is not JSON even with interpolations masked", () => {
    expect(() => parseTemplateJson('{"a": ${var.x}')).toThrow(TemplateJsonError);
    expect(() => parseTemplateJson('{"a": ${var.x}')).toThrow(/not JSON even with 1 Terraform interpolation/);
    expect(() => parseTemplateJson('{"a": "${var.x"}')).toThrow(/unterminated/);
  });
});

describe("withReferencePlaceholders", () => {
  it("replaces every ${expr} by a ‹expr› placeholder for graphs and Markdown", () => {
    expect(withReferencePlaceholders({ a: "${var.threshold}", b: ["arn:${aws_iam_role.x.arn}/y"], c: 3 })).toEqual({
      a: "‹var.threshold›",
      b: ["arn:‹aws_iam_role.x.arn›/y"],
      c: 3,
    });
  });
});
