/** Model Registry answers as SageMaker gives them, for the CLI's tests. */
import {
  DescribeModelPackageOutput,
  ModelApprovalStatus,
  ModelPackageSummary,
  SageMakerServiceException,
} from "@aws-sdk/client-sagemaker";
import { hyperparameterArguments, MODEL, modelGroup, passingBy, resourceName, thresholdOf } from "../helpers/chosen-model";

export const ACCOUNT = "111122223333";

/** The environment's group, and the ARN of one of its versions. */
export const groupOf = modelGroup;
export const versionArn = (env: string, version: number, group = groupOf(env)) =>
  `arn:aws:sagemaker:us-east-1:${ACCOUNT}:model-package/${group.toLowerCase()}/${version}`;

/** The metric run `run-<version>` of `env` registered: on the passing side of the threshold, better with each version. */
export const registeredMetric = (env: string, version: number): number =>
  Number(passingBy(thresholdOf(env), version / 100).toFixed(2));

/** What a run registered as version `version` of `env`'s group (run id `run-<version>`). */
export function described(
  env: string,
  version: number,
  status: ModelApprovalStatus,
  overrides: Partial<DescribeModelPackageOutput> = {},
): DescribeModelPackageOutput {
  const runId = `run-${version}`;
  return {
    ModelPackageGroupName: groupOf(env),
    ModelPackageName: groupOf(env),
    ModelPackageVersion: version,
    ModelPackageArn: versionArn(env, version),
    ModelPackageStatus: "Completed",
    ModelApprovalStatus: status,
    CreationTime: new Date(Date.UTC(2024, 4, version, 12)),
    ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
    CustomerMetadataProperties: {
      RunId: runId,
      Commit: `c0ffee${version}`,
      ModelName: resourceName(env, runId),
      Metric: MODEL.metric.computation,
      MetricValue: String(registeredMetric(env, version)),
      Threshold: String(thresholdOf(env)),
      ...Object.fromEntries(
        Object.entries(hyperparameterArguments(env)).map(([argument, value]) => [`hyperparameter:${argument}`, value]),
      ),
    },
    ...overrides,
  };
}

export const summaryOf = (d: DescribeModelPackageOutput): ModelPackageSummary => ({
  ModelPackageGroupName: d.ModelPackageGroupName,
  ModelPackageVersion: d.ModelPackageVersion,
  ModelPackageArn: d.ModelPackageArn!,
  CreationTime: d.CreationTime!,
  ModelPackageStatus: d.ModelPackageStatus!,
  ModelApprovalStatus: d.ModelApprovalStatus,
});

/** SageMaker's answer for a missing resource: an unmodeled ValidationException "Could not find ...". */
export const sageMakerNotFound = (what: string) =>
  new SageMakerServiceException({
    name: "ValidationException",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
    message: `Could not find ${what}.`,
  });
