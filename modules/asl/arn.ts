import type { AwsTarget } from "../iam/aws-target";

/** Where the state machine runs: the partition, region and account every ARN of its tasks and IAM statements names. */
export type AwsScope = AwsTarget;

/** The Step Functions resource ARN of a service integration, e.g. `arn:aws:states:::sagemaker:createTrainingJob.sync`. */
export function integrationArn(
  scope: Pick<AwsScope, "partition">,
  service: string,
  api: string,
  pattern: IntegrationPattern,
): string {
  return `arn:${scope.partition}:states:::${service}:${api}${pattern === "RUN_JOB" ? ".sync" : ""}`;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` in the given scope. */
export function scopedArn(scope: AwsScope, service: string, resource: string): string {
  return `arn:${scope.partition}:${service}:${scope.region}:${scope.accountId}:${resource}`;
}

/**
 * ARNs matching every SageMaker resource of one type whose name starts with `namePrefix`.
 * SageMaker writes names in lowercase inside ARNs, and IAM compares ARNs case-sensitively,
 * so a mixed-case prefix is matched in both spellings.
 */
export function sageMakerNamePrefixArns(scope: AwsScope, resourceType: string, namePrefix: string): string[] {
  const spellings = [...new Set([namePrefix, namePrefix.toLowerCase()])];
  return spellings.map((prefix) => scopedArn(scope, "sagemaker", `${resourceType}/${prefix}*`));
}

/**
 * How a task waits (AWS's service integration patterns): `REQUEST_RESPONSE` returns when the
 * API call returns; `RUN_JOB` (`.sync`) waits until the job ends and fails the state if the job fails.
 */
export type IntegrationPattern = "REQUEST_RESPONSE" | "RUN_JOB";
