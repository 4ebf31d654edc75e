import { Testing } from "cdktf";
import { getEnvironment } from "../../environments";
import { MlPipelineStack } from "../../stacks/ml-pipeline-stack";
import { onlyResource, synthEnvironment, SynthesizedStack } from "../helpers/synth";

const ACCOUNT = "123456789012";

describe("the project KMS key", () => {
  let dev: SynthesizedStack;
  let prod: SynthesizedStack;
  let extended: unknown;
  beforeAll(() => {
    dev = synthEnvironment({ ...getEnvironment("dev"), accountId: ACCOUNT, region: "eu-west-1" });
    prod = synthEnvironment({ ...getEnvironment("prod"), accountId: ACCOUNT });
    const stack = new MlPipelineStack(Testing.app(), { env: getEnvironment("staging") });
    stack.platform.key.addToKeyPolicy({ sid: "CloudWatchAlarms", actions: ["kms:Decrypt"], resources: ["*"], principals: { Service: "cloudwatch.amazonaws.com" } });
    extended = JSON.parse(Testing.synth(stack));
  });

  it("rotates yearly and has the alias alias/abalone-<env>", () => {
    expect(onlyResource(dev.tf, "aws_kms_key")[1]).toMatchObject({ enable_key_rotation: true });
    expect(onlyResource(dev.tf, "aws_kms_alias")[1].name).toBe("alias/abalone-dev");
  });

  it("can be scheduled for deletion in dev (7 days) but is prevent_destroy with 30 days in prod", () => {
    expect(onlyResource(dev.tf, "aws_kms_key")[1]).toMatchObject({ deletion_window_in_days: 7 });
    expect(onlyResource(dev.tf, "aws_kms_key")[1].lifecycle).toBeUndefined();
    expect(onlyResource(prod.tf, "aws_kms_key")[1]).toMatchObject({ deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
  });

  it("delegates to the account's IAM policies with listed actions, never kms:*", () => {
    const [account] = JSON.parse(onlyResource(dev.tf, "aws_kms_key")[1].policy).Statement;
    expect(account).toMatchObject({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Resource: "*" });
    expect(account.Action).toEqual(expect.arrayContaining(["kms:PutKeyPolicy", "kms:Decrypt", "kms:ScheduleKeyDeletion"]));
    expect(account.Action.every((action: string) => /^kms:[A-Z][A-Za-z]+$/.test(action))).toBe(true);
  });

  it("lets CloudWatch Logs of this region use it only for the project's log groups", () => {
    const logs = JSON.parse(onlyResource(dev.tf, "aws_kms_key")[1].policy).Statement.find((s: { Sid: string }) => s.Sid === "CloudWatchLogsEncryptsProjectLogGroups");
    expect(logs.Principal).toEqual({ Service: "logs.eu-west-1.amazonaws.com" });
    expect(logs.Condition).toEqual({
      ArnLike: {
        "kms:EncryptionContext:aws:logs:arn": [
          `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/abalone-dev-*`,
          `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/vendedlogs/states/abalone-dev-*`,
          `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/codebuild/abalone-dev-*`,
        ],
      },
    });
  });

  it("accepts statements added later by other constructs (e.g. an alarm topic's service)", () => {
    const sids = JSON.parse(onlyResource(extended, "aws_kms_key")[1].policy).Statement.map((s: { Sid: string }) => s.Sid);
    // The key's own statements first, then whatever constructs added (the pipeline adds its own too).
    expect(sids.slice(0, 2)).toEqual(["AccountPrincipalsUseKeyThroughIam", "CloudWatchLogsEncryptsProjectLogGroups"]);
    expect(sids[sids.length - 1]).toBe("CloudWatchAlarms");
  });
});
