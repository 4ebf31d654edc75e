import { getEnvironment } from "../../../environments";
import { TaskState } from "../../../modules/asl/types";
import { STATE_NAMES } from "../../../modules/workflow/ml-workflow";
import { PLACEHOLDERS, renderEnvironmentDefinition } from "../../../modules/workflow/render-environment";
import { GATE, hyperparameterArguments, MODEL, thresholdOf } from "../../helpers/chosen-model";
import { ENVIRONMENT_NAMES } from "../../helpers/synth";
import { validateAsl } from "./asl-validation";

describe.each(ENVIRONMENT_NAMES)("the %s definition rendered without Terraform", (name) => {
  const env = getEnvironment(name);
  const definition = renderEnvironmentDefinition(env, MODEL);
  const json = JSON.stringify(definition);

  it("is valid Amazon States Language (asl-validator, paths and ARNs checked)", () => {
    const { isValid, errors } = validateAsl(definition);
    expect(errors).toBe("");
    expect(isValid).toBe(true);
  });

  it("is plain JSON: no Terraform reference left, and it parses back to itself", () => {
    expect(json).not.toContain("${");
    expect(JSON.parse(json)).toEqual(definition);
  });

  it("uses the environment's variable defaults and instance types", () => {
    const choice = JSON.stringify(definition.States[STATE_NAMES.thresholdCheck]);
    expect(choice).toContain(`"${GATE.comparison}":${thresholdOf(name)}`);
    const training = definition.States[STATE_NAMES.training] as TaskState;
    expect(training.Parameters?.HyperParameters).toMatchObject(hyperparameterArguments(name));
    expect(training.Parameters?.ResourceConfig).toMatchObject({ InstanceType: env.instanceTypes.training });
    const evaluation = definition.States[STATE_NAMES.evaluation] as TaskState;
    expect(JSON.stringify(evaluation.Parameters)).toContain(`"InstanceType":"${env.instanceTypes.evaluation}"`);
  });

  it("shows readable placeholders where the stack has Terraform references", () => {
    for (const placeholder of [
      PLACEHOLDERS.artifactBucket,
      PLACEHOLDERS.sageMakerRoleArn,
      PLACEHOLDERS.analyzeFunctionArn,
      PLACEHOLDERS.kmsKeyArn,
    ]) {
      expect(json).toContain(placeholder);
    }
    for (const image of Object.values(MODEL.images)) expect(json).toContain(`<image:${image.repositoryName}:${image.imageTag}>`);
    expect(json).not.toMatch(/\d{12}\.dkr\.ecr/);
  });
});

it("follows the environment's region and keeps Terraform-made names as placeholders", () => {
  const definition = renderEnvironmentDefinition(
    { ...getEnvironment("dev"), accountId: "111122223333", region: "eu-west-1" },
    MODEL,
  );
  expect(JSON.stringify(definition)).toContain("'<artifact-bucket>'");
  expect((definition.States[STATE_NAMES.training] as TaskState).Parameters?.HyperParameters).toMatchObject({
    sagemaker_region: "eu-west-1",
  });
});
