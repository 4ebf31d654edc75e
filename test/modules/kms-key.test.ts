import { Testing } from "cdktf";
import { ProjectKey } from "../../modules/kms-key";
import { ResourceNames } from "../../modules/naming";
import { MODEL, namePrefix, resourceName } from "../helpers/chosen-model";
import { onlyResource } from "../helpers/synth";

const ACCOUNT = "123456789012";

/** The key alone (the stack is not the subject), synthesized in a scope of its own. */
function synthKey(environment: string, props: { allowDestroy: boolean; region?: string }, extend?: (key: ProjectKey) => void) {
  const json = Testing.synthScope((scope) => {
    const key = new ProjectKey(scope, "key", {
      names: new ResourceNames(environment, MODEL.name),
      target: { partition: "aws", region: props.region ?? "us-east-1", accountId: ACCOUNT },
      allowDestroy: props.allowDestroy,
    });
    extend?.(key);
  });
  return { tf: JSON.parse(json) };
}

describe("the project KMS key", () => {
  const dev = synthKey("dev", { allowDestroy: true, region: "eu-west-1" });
  const prod = synthKey("prod", { allowDestroy: false });
  const extended = synthKey("staging", { allowDestroy: false }, (key) =>
    key.addToKeyPolicy({
      sid: "CloudWatchAlarms",
      actions: ["kms:Decrypt"],
      resources: ["*"],
      principals: { Service: "cloudwatch.amazonaws.com" },
    }),
  ).tf;

  it("rotates yearly and has the alias alias/<model>-<env>", () => {
    expect(onlyResource(dev.tf, "aws_kms_key")[1]).toMatchObject({ enable_key_rotation: true });
    expect(onlyResource(dev.tf, "aws_kms_alias")[1].name).toBe(`alias/${namePrefix("dev")}`);
  });

  it("can be scheduled for deletion in dev (7 days) but is prevent_destroy with 30 days in prod", () => {
    expect(onlyResource(dev.tf, "aws_kms_key")[1]).toMatchObject({ deletion_window_in_days: 7 });
    expect(onlyResource(dev.tf, "aws_kms_key")[1].lifecycle).toBeUndefined();
    expect(onlyResource(prod.tf, "aws_kms_key")[1]).toMatchObject({
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
  });

  it("delegates to the account's IAM policies with listed actions, never kms:*", () => {
    const [account] = JSON.parse(onlyResource(dev.tf, "aws_kms_key")[1].policy).Statement;
    expect(account).toMatchObject({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Resource: "*" });
    expect(account.Action).toEqual(expect.arrayContaining(["kms:PutKeyPolicy", "kms:Decrypt", "kms:ScheduleKeyDeletion"]));
    expect(account.Action.every((action: string) => /^kms:[A-Z][A-Za-z]+$/.test(action))).toBe(true);
  });

  it("lets CloudWatch Logs of this region use it only for the project's log groups", () => {
    const logs = JSON.parse(onlyResource(dev.tf, "aws_kms_key")[1].policy).Statement.find(
      (s: { Sid: string }) => s.Sid === "CloudWatchLogsEncryptsProjectLogGroups",
    );
    expect(logs.Principal).toEqual({ Service: "logs.eu-west-1.amazonaws.com" });
    expect(logs.Condition).toEqual({
      ArnLike: {
        "kms:EncryptionContext:aws:logs:arn": [
          `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/${resourceName("dev", "*")}`,
          `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/vendedlogs/states/${resourceName("dev", "*")}`,
          `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/codebuild/${resourceName("dev", "*")}`,
        ],
      },
    });
  });

  it("accepts statements added later by other constructs (e.g. an alarm topic's service)", () => {
    const sids = JSON.parse(onlyResource(extended, "aws_kms_key")[1].policy).Statement.map((s: { Sid: string }) => s.Sid);
    // The key's own statements first, then whatever constructs added.
    expect(sids).toEqual(["AccountPrincipalsUseKeyThroughIam", "CloudWatchLogsEncryptsProjectLogGroups", "CloudWatchAlarms"]);
  });
});
