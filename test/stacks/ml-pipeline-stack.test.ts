import * as fs from "fs";
import * as path from "path";
import { tunableHyperparameters } from "../../modules/model/declaration";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { Codepipeline } from "@cdktf/provider-aws/lib/codepipeline";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { getEnvironment } from "../../environments";
import { hyperparameterVariables, MODEL, modelGroup, namePrefix, resourceName, thresholdOf } from "../helpers/chosen-model";
import { ENVIRONMENT_NAMES, synthEnvironment, SynthesizedStack } from "../helpers/synth";

/**
 * Evaluates a Terraform validation condition of the small form the stack writes (comparisons, `&&`,
 * `floor`) with `var.<id>` set to `value`; anything else is refused rather than guessed.
 */
function holds(condition: string, id: string, value: number): boolean {
  const expression = /^\$\{(.*)\}$/.exec(condition)?.[1];
  if (!expression || !/^[\w.\s>=<&|()!-]+$/.test(expression)) throw new Error(`not a simple condition: ${condition}`);
  const js = expression.replaceAll(`var.${id}`, "value").replace(/\bfloor\(/g, "Math.floor(");
  if (/var\./.test(js)) throw new Error(`condition reads another variable: ${condition}`);
  return new Function("value", `return (${js});`)(value) as boolean;
}

describe.each(ENVIRONMENT_NAMES)("the %s stack", (name) => {
  const env = getEnvironment(name);
  let synth: SynthesizedStack;
  beforeAll(() => {
    synth = synthEnvironment(env);
  });

  it("declares the model's tunable hyperparameters and threshold as validated number variables defaulting to the environment's values", () => {
    const { threshold } = synth.tf.variable;
    const tunable = tunableHyperparameters(MODEL);
    expect(Object.keys(synth.tf.variable).sort()).toEqual([...tunable.map(([, h]) => h.terraformVariable), "threshold"].sort());
    for (const [id, value] of Object.entries(hyperparameterVariables(name)))
      expect(synth.tf.variable[id]).toMatchObject({ type: "number", default: value, nullable: false });
    expect(threshold).toMatchObject({ type: "number", default: thresholdOf(name), nullable: false });
    for (const variable of Object.values(synth.tf.variable))
      expect((variable as { description: string }).description).toMatch(/\w+/);
    // What an operator's -var would pass or be refused by `terraform plan`: the declaration's type, min and max.
    for (const [, h] of tunable) {
      const condition = synth.tf.variable[h.terraformVariable].validation[0].condition;
      const valid = [h.min, h.max ?? h.min + 199];
      const invalid = [
        h.min - 1,
        h.min - 4,
        ...(h.type === "integer" ? [h.min + 0.5] : []),
        ...(h.max === undefined ? [] : [h.max + 1]),
      ];
      expect([...valid, ...invalid].map((value) => holds(condition, h.terraformVariable, value))).toEqual([
        ...valid.map(() => true),
        ...invalid.map(() => false),
      ]);
    }
    expect([thresholdOf(name), 0.01, 0, -1].map((value) => holds(threshold.validation[0].condition, "threshold", value))).toEqual(
      [true, true, false, false],
    );
  });

  it("configures the AWS provider with the region and the project and environment tags", () => {
    const [provider] = synth.tf.provider.aws;
    expect(provider.region).toBe(env.region);
    expect(provider.default_tags[0].tags).toMatchObject({ Project: MODEL.name, Environment: name });
  });

  it("holds the whole platform: key, bucket, Lambda, state machine, builds, pipeline, alarm topic", () => {
    expect(synth.json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    expect(synth.json).toHaveResourceWithProperties(S3Bucket, { force_destroy: env.allowDestroy });
    expect(synth.json).toHaveResourceWithProperties(LambdaFunction, {
      function_name: resourceName(name, "analyze-results"),
      tracing_config: { mode: "Active" },
    });
    expect(synth.json).toHaveResourceWithProperties(SfnStateMachine, {
      name: resourceName(name, "ml-workflow"),
      type: "STANDARD",
    });
    expect(synth.json).toHaveResourceWithProperties(CodebuildProject, { name: resourceName(name, "build-model") });
    expect(synth.json).toHaveResourceWithProperties(CodebuildProject, { name: resourceName(name, "deploy-endpoint") });
    expect(synth.json).toHaveResourceWithProperties(Codepipeline, { name: resourceName(name, "pipeline"), pipeline_type: "V2" });
    expect(synth.json).toHaveResource(SnsTopic);
  });

  it("holds the environment's Model Registry group, the one its workflow registers versions in, as an output", () => {
    const groups = Object.values(synth.tf.resource.aws_sagemaker_model_package_group) as Array<{
      model_package_group_name: string;
    }>;
    expect(groups).toHaveLength(1);
    const [{ model_package_group_name: group }] = groups;
    expect(group).toBe(modelGroup(name));
    expect(synth.tf.output.model_package_group_name.value).toBe(group);
    const [machine] = Object.values(synth.tf.resource.aws_sfn_state_machine) as Array<{ definition: string }>;
    expect(machine.definition).toContain(`"ModelPackageGroupName":"${group}"`);
  });

  it("keeps state in a local file in the project root, so a newcomer can plan with no set-up", () => {
    expect(synth.tf.terraform.backend).toEqual({ local: { path: `../../../terraform.${name}.tfstate` } });
  });

  it("requires the minor of the Terraform release in .terraform-version, so an older Terraform refuses it at init", () => {
    const [major, minor] = fs.readFileSync(path.resolve(__dirname, "../../.terraform-version"), "utf8").trim().split(".");
    expect(synth.tf.terraform.required_version).toBe(`>= ${major}.${minor}`);
  });
});

describe("multi-account and remote state settings", () => {
  const prod = getEnvironment("prod");
  let synth: SynthesizedStack;
  beforeAll(() => {
    synth = synthEnvironment({
      ...prod,
      accountId: "123456789012",
      assumeRoleArn: "arn:aws:iam::123456789012:role/deployer",
      tags: { CostCenter: "ml" },
      remoteState: { bucket: "acme-terraform-state", kmsKeyId: "alias/terraform" },
    });
  });

  it("pins the provider to the account and assumes the configured role", () => {
    const [provider] = synth.tf.provider.aws;
    expect(provider.allowed_account_ids).toEqual(["123456789012"]);
    expect(provider.assume_role).toEqual([
      { role_arn: "arn:aws:iam::123456789012:role/deployer", session_name: `cdktf-${namePrefix("prod")}` },
    ]);
    expect(provider.default_tags[0].tags).toEqual({
      CostCenter: "ml",
      Project: MODEL.name,
      Environment: "prod",
      ManagedBy: "cdktf",
    });
  });

  it("uses an encrypted S3 backend with S3 lock files and a per-environment key", () => {
    expect(synth.tf.terraform.backend).toEqual({
      s3: {
        bucket: "acme-terraform-state",
        key: `${MODEL.name}/prod/terraform.tfstate`,
        region: "us-east-1",
        encrypt: true,
        kms_key_id: "alias/terraform",
        use_lockfile: true,
      },
    });
  });
});
