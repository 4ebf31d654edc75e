/**
 * One environment's workflow definition as plain JSON, without Terraform: concrete values where the
 * environment file knows them, variables at their environment defaults, and a readable
 * placeholder wherever the deployed stack would put a Terraform reference.
 */
import { EnvironmentConfig } from "../../environments/schema";
import { partitionOf } from "../partition";
import { ModelDeclaration } from "../model/declaration";
import { modelValues } from "../model/settings";
import { AwsScope } from "../asl/arn";
import { StateMachineDefinition } from "../asl/types";
import { imagePlaceholder, imageUris } from "./images";
import { buildMlWorkflow, MlWorkflowParams } from "./ml-workflow";
import { modelRegistryParams } from "./model-version";

/** What stands in for each value only Terraform knows. */
export const PLACEHOLDERS = {
  artifactBucket: "<artifact-bucket>",
  sageMakerRoleArn: "<sagemaker-role-arn>",
  analyzeFunctionArn: "<analyze-function-arn>",
  kmsKeyArn: "<kms-key-arn>",
  accountId: "<account-id>",
} as const;

/** The template's parameters for one environment, with placeholders for Terraform references. */
export function environmentWorkflowParams(env: EnvironmentConfig, model: ModelDeclaration): MlWorkflowParams {
  const { hyperparameters, threshold } = modelValues(env, model);
  const scope: AwsScope = {
    partition: partitionOf(env.region),
    region: env.region,
    accountId: env.accountId ?? PLACEHOLDERS.accountId,
  };
  return {
    scope,
    environment: env.name,
    artifactBucket: PLACEHOLDERS.artifactBucket,
    sageMakerRoleArn: PLACEHOLDERS.sageMakerRoleArn,
    analyzeFunctionArn: PLACEHOLDERS.analyzeFunctionArn,
    kmsKeyArn: PLACEHOLDERS.kmsKeyArn,
    model,
    images: imageUris(model.images, imagePlaceholder),
    instanceTypes: env.instanceTypes,
    hyperparameters,
    threshold,
    tags: workflowTags(env.name, model.name),
    modelRegistry: modelRegistryParams(env.name, model),
  };
}

/** Tags of the jobs and models a run creates (the provider's default tags do not reach them). */
export function workflowTags(environment: string, project: string): Record<string, string> {
  return { Project: project, Environment: environment };
}

/** One environment's definition as plain JSON (what `render` prints). */
export function renderEnvironmentDefinition(env: EnvironmentConfig, model: ModelDeclaration): StateMachineDefinition {
  return buildMlWorkflow(environmentWorkflowParams(env, model)).definition;
}
