import { Testing } from "cdktf";
import { ServiceRole } from "../../../modules/iam/service-role";

function synthRole(configure: (scope: import("constructs").Construct) => void) {
  return JSON.parse(Testing.synthScope((scope) => configure(scope)));
}

describe("ServiceRole", () => {
  let tf: { resource: Record<string, Record<string, Record<string, string>>> };
  beforeAll(() => {
    tf = synthRole((scope) => {
      const role = new ServiceRole(scope, "builder", {
        name: "abalone-dev-codebuild-role",
        description: "Builds",
        servicePrincipal: "codebuild.amazonaws.com",
        sourceAccount: "123456789012",
        statements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }],
      });
      role.addStatements({
        sid: "Later",
        actions: ["logs:PutLogEvents"],
        resources: ["arn:aws:logs:us-east-1:123456789012:log-group:x:*"],
      });
      new ServiceRole(scope, "function", {
        name: "abalone-dev-lambda-role",
        description: "Fn",
        servicePrincipal: "lambda.amazonaws.com",
        statements: [{ actions: ["kms:Decrypt"], resources: ["arn:aws:kms:us-east-1:123456789012:key/k"] }],
      });
    });
  });
  const roles = () => Object.values(tf.resource.aws_iam_role);
  const trust = (name: string) => JSON.parse(roles().find((r) => r.name === name)!.assume_role_policy).Statement;

  it("trusts one service principal, for this account only when the service sends aws:SourceAccount", () => {
    expect(trust("abalone-dev-codebuild-role")).toEqual([
      {
        Sid: "TrustedService",
        Effect: "Allow",
        Principal: { Service: "codebuild.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
    ]);
    expect(trust("abalone-dev-lambda-role")).toEqual([
      { Sid: "TrustedService", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });

  it("puts its permissions, including ones added later, in one inline aws_iam_role_policy", () => {
    const policies = Object.values(tf.resource.aws_iam_role_policy);
    expect(policies).toHaveLength(2);
    const builder = policies.find((p) => p.role.includes("builder"))!;
    expect(JSON.parse(builder.policy).Statement.map((s: { Action: string }) => s.Action)).toEqual([
      "s3:GetObject",
      "logs:PutLogEvents",
    ]);
    expect(tf.resource.aws_iam_policy_attachment).toBeUndefined();
    expect(tf.resource.aws_iam_role_policy_attachment).toBeUndefined();
  });

  it("refuses to synthesize a role without permissions, naming it", () => {
    expect(() =>
      synthRole(
        (scope) =>
          new ServiceRole(scope, "empty", {
            name: "abalone-dev-empty-role",
            description: "x",
            servicePrincipal: "states.amazonaws.com",
          }),
      ),
    ).toThrow("IAM role abalone-dev-empty-role: has no permission statements; IAM rejects an empty policy");
  });
});
