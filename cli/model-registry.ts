/** The environment's SageMaker Model Registry group as the CLI reads it: its versions and what each recorded. */
import { MODEL } from "../models";
import {
  DescribeModelPackageCommand,
  DescribeModelPackageOutput,
  ModelApprovalStatus,
  ModelPackageSummary,
  paginateListModelPackages,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { EnvironmentConfig } from "../environments/schema";
import { HYPERPARAMETER_METADATA_PREFIX, MODEL_VERSION_METADATA, modelRegistryParams } from "../modules/workflow/model-version";
import { awsCall, awsPages, UsageError } from "./errors";

/** A registered version: its number, approval and what the run recorded. */
export interface ModelVersion {
  version: number;
  arn: string;
  status: ModelApprovalStatus | "unknown";
  createdAt?: string;
  runId?: string;
  commit?: string;
  /** The run's SageMaker model, which deploy puts behind the endpoint. */
  modelName?: string;
  metric?: { name: string; value: number; threshold: number };
  hyperParameters: Record<string, string>;
  approvalDescription?: string;
}

/** The environment's group name. */
export function groupOf(env: EnvironmentConfig): string {
  return modelRegistryParams(env.name, MODEL).groupName;
}

/**
 * The group and version a model package ARN names (`arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>`),
 * refused with one line when it is not a version ARN or belongs to another environment's group.
 */
export function versionArnInGroup(env: EnvironmentConfig, arn: string, flag: string): { group: string; version: number } {
  const match = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/([^/]+)\/(\d+)$/.exec(arn);
  if (!match) {
    throw new UsageError(
      `${flag} must be a model version ARN, arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version> (got ${JSON.stringify(arn)})`,
    );
  }
  const group = groupOf(env);
  // SageMaker writes names in lowercase inside ARNs.
  if (match[1] !== group.toLowerCase()) {
    throw new UsageError(
      `${flag}: ${arn} is a version of ${match[1]}, not of ${env.name}'s model group ${group}`,
      `run 'workflow models --env ${env.name}' for this environment's versions`,
    );
  }
  return { group, version: Number(match[2]) };
}

/** A version as DescribeModelPackage reports it. */
export function modelVersionOf(described: DescribeModelPackageOutput): ModelVersion {
  const metadata = described.CustomerMetadataProperties ?? {};
  const keys = MODEL_VERSION_METADATA;
  const value = Number(metadata[keys.metricValue]);
  const threshold = Number(metadata[keys.threshold]);
  return {
    version: described.ModelPackageVersion ?? Number(described.ModelPackageArn?.split("/").pop()),
    arn: described.ModelPackageArn ?? "",
    status: described.ModelApprovalStatus ?? "unknown",
    createdAt: described.CreationTime?.toISOString(),
    runId: metadata[keys.runId],
    commit: metadata[keys.commit],
    modelName: metadata[keys.modelName],
    metric:
      metadata[keys.metric] !== undefined && Number.isFinite(value) && Number.isFinite(threshold)
        ? { name: metadata[keys.metric], value, threshold }
        : undefined,
    hyperParameters: Object.fromEntries(
      Object.entries(metadata)
        .filter(([key]) => key.startsWith(HYPERPARAMETER_METADATA_PREFIX))
        .map(([key, v]) => [key.slice(HYPERPARAMETER_METADATA_PREFIX.length), v]),
    ),
    approvalDescription: described.ApprovalDescription,
  };
}

/** One version, described. */
export async function describeVersion(sagemaker: SageMakerClient, arn: string): Promise<ModelVersion> {
  return modelVersionOf(
    await awsCall("DescribeModelPackage", () => sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }))),
  );
}

/** The group's version summaries, newest first (all pages, or the first `limit`). */
export async function listVersions(
  sagemaker: SageMakerClient,
  group: string,
  options: { approval?: ModelApprovalStatus; limit?: number } = {},
): Promise<ModelPackageSummary[]> {
  const summaries: ModelPackageSummary[] = [];
  const pages = paginateListModelPackages(
    { client: sagemaker, pageSize: 100 },
    {
      ModelPackageGroupName: group,
      ModelPackageType: "Versioned",
      ModelApprovalStatus: options.approval,
      SortBy: "CreationTime",
      SortOrder: "Descending",
    },
  );
  for await (const page of awsPages("ListModelPackages", pages)) {
    summaries.push(...(page.ModelPackageSummaryList ?? []));
    if (options.limit !== undefined && summaries.length >= options.limit) break;
  }
  return options.limit === undefined ? summaries : summaries.slice(0, options.limit);
}
