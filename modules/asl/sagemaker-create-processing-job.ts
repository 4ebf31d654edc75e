import { volumeKmsKeyFor } from "../aws-catalog";
import { PolicyStatement } from "../iam/policy";
import { AwsScope, IntegrationPattern, integrationArn } from "./arn";
import { JsonPath, Payload } from "./json-path";
import { sageMakerJobStatements, sageMakerTags, TaskBuilder, taskState, TaskStateProps } from "./task";
import { TaskState } from "./types";
import {
  requireInstanceType,
  requireIntegerInRange,
  requireNameWithinPrefix,
  requireNotEmpty,
  requireSageMakerNamePrefix,
  requireS3Uri,
} from "./validation";

/** An S3 object or prefix copied into the container before the job starts. */
export interface ProcessingInput {
  /** Input name, unique within the job. */
  name: string;
  /** `s3://bucket/key-or-prefix`, or a value read at run time. */
  s3Uri: string | JsonPath;
  /** Directory in the container, under `/opt/ml/processing/`. */
  localPath: string;
}

/** A container directory uploaded to S3 when the job ends. */
export interface ProcessingOutput {
  /** Output name, unique within the job. */
  name: string;
  /** `s3://bucket/prefix`, or a value built at run time. */
  s3Uri: string | JsonPath;
  /** Directory in the container, under `/opt/ml/processing/`. */
  localPath: string;
}

export interface SageMakerCreateProcessingJobProps extends TaskStateProps {
  /** Partition, region and account of the job and of the EventBridge rule `.sync` uses. */
  scope: AwsScope;
  /** Job name: unique per account and region, so usually read from the execution input. */
  processingJobName: string | JsonPath;
  /** Every name this task may use starts with it; the IAM statements are scoped to it. */
  jobNamePrefix: string;
  /** SageMaker execution role the job runs as (the only role this task may pass). */
  roleArn: string;
  /** Container image URI. */
  imageUri: string;
  /** Command the container runs, e.g. `["python3", "/opt/ml/processing/input/code/preprocessing.py"]`. */
  containerEntrypoint: string[];
  /** Instance type, e.g. `ml.m5.xlarge`. */
  instanceType: string;
  /** Instances. Default: 1. */
  instanceCount?: number;
  /** Storage volume per instance, in GB. Default: 30. */
  volumeSizeInGb?: number;
  /** Longest the job may run, in seconds. Default: 3600. */
  maxRuntimeSeconds?: number;
  /** Inputs copied in before the job starts. */
  inputs: ProcessingInput[];
  /** Outputs uploaded when the job ends. */
  outputs: ProcessingOutput[];
  /** KMS key for the outputs. Default: the bucket's default encryption. */
  outputKmsKeyId?: string;
  /** KMS key of the instances' storage volumes; left out for local instance storage, which the hardware encrypts. Default: SageMaker's own key. */
  volumeKmsKeyId?: string;
  /** Environment variables of the container. Default: none. */
  environment?: Record<string, string>;
  /** Tags of the job; they add `sagemaker:AddTags` to the task's permissions. Default: none. */
  tags?: Record<string, string>;
  /** `RUN_JOB` waits for the job (`.sync`); `REQUEST_RESPONSE` returns once it is created. Default: `RUN_JOB`. */
  integrationPattern?: IntegrationPattern;
}

const LOCAL_PATH = /^\/opt\/ml\/processing\/[\w./-]+$/;

/** SageMaker `CreateProcessingJob` as a Task state, with the IAM statements it needs. */
export class SageMakerCreateProcessingJob implements TaskBuilder {
  readonly state: TaskState;
  readonly policyStatements: PolicyStatement[];

  /** @param stateName the state's name, used in error messages. */
  constructor(
    readonly stateName: string,
    props: SageMakerCreateProcessingJobProps,
  ) {
    const where = stateName;
    const pattern = props.integrationPattern ?? "RUN_JOB";
    const instanceCount = props.instanceCount ?? 1;
    const volumeSizeInGb = props.volumeSizeInGb ?? 30;
    const maxRuntimeSeconds = props.maxRuntimeSeconds ?? 3600;
    requireSageMakerNamePrefix(where, "jobNamePrefix", props.jobNamePrefix);
    requireNameWithinPrefix(where, "processingJobName", props.processingJobName, props.jobNamePrefix);
    requireNotEmpty(where, "roleArn", props.roleArn);
    requireNotEmpty(where, "imageUri", props.imageUri);
    if (props.containerEntrypoint.length === 0) throw new Error(`${where}: containerEntrypoint must name a command`);
    requireInstanceType(where, "instanceType", props.instanceType);
    requireIntegerInRange(where, "instanceCount", instanceCount, 1, 100);
    requireIntegerInRange(where, "volumeSizeInGb", volumeSizeInGb, 1, 16384);
    requireIntegerInRange(where, "maxRuntimeSeconds", maxRuntimeSeconds, 1, 777600);
    if (props.outputs.length === 0)
      throw new Error(`${where}: outputs must hold at least one output (a processing job that writes nothing is a mistake)`);
    for (const [kind, list] of [
      ["inputs", props.inputs],
      ["outputs", props.outputs],
    ] as const) {
      const names = new Set<string>();
      for (const item of list) {
        if (names.has(item.name)) throw new Error(`${where}: ${kind} name ${JSON.stringify(item.name)} is used twice`);
        names.add(item.name);
        if (!LOCAL_PATH.test(item.localPath)) {
          throw new Error(
            `${where}: ${kind}.${item.name}.localPath must be under /opt/ml/processing/ (got ${JSON.stringify(item.localPath)})`,
          );
        }
        if (typeof item.s3Uri === "string") requireS3Uri(where, `${kind}.${item.name}.s3Uri`, item.s3Uri);
      }
    }

    const parameters: Payload = {
      ProcessingJobName: props.processingJobName,
      RoleArn: props.roleArn,
      AppSpecification: { ImageUri: props.imageUri, ContainerEntrypoint: props.containerEntrypoint },
      ProcessingResources: {
        ClusterConfig: {
          InstanceCount: instanceCount,
          InstanceType: props.instanceType,
          VolumeSizeInGB: volumeSizeInGb,
          VolumeKmsKeyId: volumeKmsKeyFor(props.instanceType, props.volumeKmsKeyId),
        },
      },
      ProcessingInputs: props.inputs.map((input) => ({
        InputName: input.name,
        S3Input: {
          S3Uri: input.s3Uri,
          LocalPath: input.localPath,
          S3DataType: "S3Prefix",
          S3InputMode: "File",
          S3DataDistributionType: "FullyReplicated",
        },
      })),
      ProcessingOutputConfig: {
        Outputs: props.outputs.map((output) => ({
          OutputName: output.name,
          S3Output: { S3Uri: output.s3Uri, LocalPath: output.localPath, S3UploadMode: "EndOfJob" },
        })),
        KmsKeyId: props.outputKmsKeyId,
      },
      StoppingCondition: { MaxRuntimeInSeconds: maxRuntimeSeconds },
      Environment: props.environment,
      Tags: sageMakerTags(props.tags),
    };
    this.state = taskState(integrationArn(props.scope, "sagemaker", "createProcessingJob", pattern), parameters, props, where);

    this.policyStatements = sageMakerJobStatements({
      scope: props.scope,
      job: "ProcessingJob",
      jobNamePrefix: props.jobNamePrefix,
      pattern,
      tags: props.tags,
      roleArn: props.roleArn,
    });
  }
}
