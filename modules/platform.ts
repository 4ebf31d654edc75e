import { DataAwsSagemakerPrebuiltEcrImage } from "@cdktf/provider-aws/lib/data-aws-sagemaker-prebuilt-ecr-image";
import { Construct } from "constructs";
import { EnvironmentConfig } from "../environments/schema";
import { AnalyzeResultsFunction } from "./analyze-results-function";
import { ArtifactBucket } from "./artifact-bucket";
import { scopedArn } from "./asl/arn";
import { endpointAlarmNames } from "./endpoint-release";
import { AwsTarget, awsTarget } from "./iam/aws-target";
import { SageMakerExecutionRole } from "./iam/sagemaker-execution-role";
import { ModelDeclaration } from "./model/declaration";
import { runObjectsPattern } from "./s3-layout";
import { imageUris, WorkflowImageKind } from "./workflow/images";
import { sageMakerJobAccess } from "./workflow/ml-workflow";
import { ProjectKey } from "./kms-key";
import { ResourceNames } from "./naming";
import { SageMakerCode } from "./sagemaker-code";

export interface PlatformProps {
  env: EnvironmentConfig;
  /** The model the platform runs: its images, scripts and dataset. */
  model: ModelDeclaration;
  names: ResourceNames;
}

/**
 * What the workflow and the pipeline run on: the key, the artifact bucket, the SageMaker
 * execution role, the analyze-results Lambda and the SageMaker code in the bucket.
 */
export class Platform extends Construct {
  /** Partition, region and account every ARN is built from. */
  readonly target: AwsTarget;
  readonly key: ProjectKey;
  readonly bucket: ArtifactBucket;
  readonly sagemakerRole: SageMakerExecutionRole;
  /** The workflow's image URIs, by kind (resolved per region by the provider). */
  readonly images: Record<WorkflowImageKind, string>;
  readonly analyzeFunction: AnalyzeResultsFunction;
  readonly code: SageMakerCode;

  constructor(scope: Construct, id: string, { env, model, names }: PlatformProps) {
    super(scope, id);
    this.target = awsTarget(this, env.region, env.accountId);
    this.key = new ProjectKey(this, "key", { names, target: this.target, allowDestroy: env.allowDestroy });
    this.bucket = new ArtifactBucket(this, "artifact-bucket", {
      name: names.artifactBucket(this.target.accountId),
      kmsKeyArn: this.key.arn,
      allowDestroy: env.allowDestroy,
    });
    // The region's prebuilt images, looked up once: their URIs run the jobs, their registries bound the role's pulls.
    const lookups = imageUris(model.images, (image, kind) => new DataAwsSagemakerPrebuiltEcrImage(this, `${kind}-image`, image));
    this.images = imageUris(model.images, (_, kind) => lookups[kind].registryPath);
    this.sagemakerRole = new SageMakerExecutionRole(this, "sagemaker-role", {
      name: names.role("sagemaker"),
      target: this.target,
      bucketArn: this.bucket.arn,
      kmsKeyArn: this.key.arn,
      project: model.name,
      jobs: sageMakerJobAccess(model),
      runObjects: runObjectsPattern(model.name),
      images: model.images,
      imageRegistries: imageUris(model.images, (_, kind) => lookups[kind].registryId),
      rollbackAlarmArns: endpointAlarmNames(names).map((name) => scopedArn(this.target, "cloudwatch", `alarm:${name}`)),
    });
    this.analyzeFunction = new AnalyzeResultsFunction(this, "analyze-results", {
      names,
      target: this.target,
      bucketArn: this.bucket.arn,
      kmsKeyArn: this.key.arn,
      logRetentionDays: env.logRetentionDays,
      timeoutSeconds: env.lambda.timeoutSeconds,
      memoryMb: env.lambda.memoryMb,
    });
    this.code = new SageMakerCode(this, "sagemaker-code", {
      model,
      bucket: this.bucket.name,
      kmsKeyArn: this.key.arn,
      rawDataPath: env.rawDataPath,
    });
  }
}
