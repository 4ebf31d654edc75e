import { diffIamStatements } from "../../review/iam-diff";
import { diffResources } from "../../review/terraform-diff";
import { TerraformJson } from "../../review/terraform-json";

const policy = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });

/** A stack with a CodeBuild role whose permissions come from an attached customer policy and an AWS managed policy. */
function stack(options: {
  buildActions: string[];
  managedPolicy?: string;
  trustService?: string;
  bucketActions?: string[];
}): TerraformJson {
  return {
    resource: {
      aws_iam_role: {
        build: {
          name: "abalone-dev-codebuild-role",
          assume_role_policy: trust(options.trustService ?? "codebuild.amazonaws.com"),
        },
      },
      aws_iam_policy: {
        build: { name: "build", policy: policy({ Sid: "Build", Effect: "Allow", Action: options.buildActions, Resource: "*" }) },
      },
      aws_iam_role_policy_attachment: {
        build: { role: "${aws_iam_role.build.name}", policy_arn: "${aws_iam_policy.build.arn}" },
        ...(options.managedPolicy ? { managed: { role: "abalone-dev-codebuild-role", policy_arn: options.managedPolicy } } : {}),
      },
      aws_s3_bucket_policy: {
        artifacts: {
          bucket: "b",
          policy: policy({
            Sid: "DenyInsecure",
            Effect: "Deny",
            Principal: "*",
            Action: options.bucketActions ?? ["s3:*"],
            Resource: "*",
          }),
        },
      },
    },
  };
}

describe("diffIamStatements", () => {
  it("follows role policy attachments to the attached policy's statements, and names the role", () => {
    const diffs = diffIamStatements(
      stack({ buildActions: ["logs:PutLogEvents"] }),
      stack({ buildActions: ["logs:PutLogEvents", "s3:GetObject"] }),
    );
    expect(diffs).toEqual([
      {
        role: "aws_iam_role.build",
        roleName: "abalone-dev-codebuild-role",
        added: [
          expect.objectContaining({
            kind: "permissions",
            source: "aws_iam_policy.build",
            text: "Allow logs:PutLogEvents, s3:GetObject on * (Sid Build)",
          }),
        ],
        removed: [expect.objectContaining({ text: "Allow logs:PutLogEvents on * (Sid Build)" })],
        unreadable: [],
      },
    ]);
  });

  it("reports an attached AWS managed policy by ARN, matched to the role by its literal name", () => {
    const arn = "arn:aws:iam::aws:policy/AdministratorAccess";
    const [diff] = diffIamStatements(stack({ buildActions: ["a:B"] }), stack({ buildActions: ["a:B"], managedPolicy: arn }));
    expect(diff.role).toBe("aws_iam_role.build");
    expect(diff.added.map((s) => s.text)).toEqual([`attached managed policy ${arn}`]);
  });

  it("reports a trust policy change as trust statements", () => {
    const [diff] = diffIamStatements(
      stack({ buildActions: ["a:B"] }),
      stack({ buildActions: ["a:B"], trustService: "codepipeline.amazonaws.com" }),
    );
    expect(diff.added.map((s) => `${s.kind}: ${s.text}`)).toEqual([
      "trust: Allow sts:AssumeRole to Service codepipeline.amazonaws.com",
    ]);
    expect(diff.removed.map((s) => `${s.kind}: ${s.text}`)).toEqual([
      "trust: Allow sts:AssumeRole to Service codebuild.amazonaws.com",
    ]);
  });

  it("treats statements equal whatever the order of their actions", () => {
    expect(diffIamStatements(stack({ buildActions: ["b:B", "a:A"] }), stack({ buildActions: ["a:A", "b:B"] }))).toEqual([]);
  });

  it("says which policy it cannot read when the document is one Terraform expression", () => {
    const head = stack({ buildActions: ["a:B"] });
    (head.resource as Record<string, Record<string, Record<string, unknown>>>).aws_iam_policy.build.policy =
      "${data.aws_iam_policy_document.build.json}";
    const [diff] = diffIamStatements(stack({ buildActions: ["a:B"] }), head);
    expect(diff.unreadable).toEqual(["aws_iam_policy.build"]);
    expect(diff.removed.map((s) => s.text)).toEqual(["Allow a:B on * (Sid Build)"]);
    expect(diffIamStatements(head, head)).toEqual([]);
  });
});

describe("diffResources on JSON-string attributes", () => {
  it("compares a bucket policy inside its JSON, naming the statement by Sid", () => {
    const changes = diffResources(
      stack({ buildActions: ["a:B"] }),
      stack({ buildActions: ["a:B"], bucketActions: ["s3:GetObject"] }),
    );
    expect(changes).toEqual([
      {
        address: "aws_s3_bucket_policy.artifacts",
        kind: "changed",
        attributes: [
          { path: "policy: Statement[DenyInsecure].Action", kind: "changed", before: ["s3:*"], after: ["s3:GetObject"] },
        ],
      },
    ]);
  });
});
