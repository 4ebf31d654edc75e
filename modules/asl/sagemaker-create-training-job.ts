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

/** One input channel of a training job, read from an S3 prefix. */
export interface TrainingChannel {
  /** Channel name; the container sees it as `SM_CHANNEL_<NAME>`. */
  channelName: string;
  /** `s3://bucket/prefix`, or a value read at run time. */
  s3Uri: string | JsonPath;
  /** MIME type of the data, e.g. `csv`. Default: none. */
  contentType?: string;
}

export interface SageMakerCreateTrainingJobProps extends TaskStateProps {
  /** Partition, region and account of the job and of the EventBridge rule `.sync` uses. */
  scope: AwsScope;
  /** Job name: unique per account and region, so usually read from the execution input. */
  trainingJobName: string | JsonPath;
  /** Every name this task may use starts with it; the IAM statements are scoped to it. */
  jobNamePrefix: string;
  /** SageMaker execution role the job runs as (the only role this task may pass). */
  roleArn: string;
  /** Training image URI. */
  trainingImage: string;
  /** Hyperparameters: strings, as SageMaker requires (Terraform references are fine). Default: none. */
  hyperParameters?: Record<string, string>;
  /** Input channels. */
  inputChannels: TrainingChannel[];
  /** Where SageMaker writes `<job name>/output/model.tar.gz`. */
  outputS3Path: string | JsonPath;
  /** KMS key for the model artifacts. Default: the bucket's default encryption. */
  outputKmsKeyId?: string;
  /** KMS key of the instances' storage volumes; left out for local instance storage, which the hardware encrypts. Default: SageMaker's own key. */
  volumeKmsKeyId?: string;
  /** Instance type, e.g. `ml.m5.xlarge`. */
  instanceType: string;
  /** Instances. Default: 1. */
  instanceCount?: number;
  /** Storage volume per instance, in GB. Default: 30. */
  volumeSizeInGb?: number;
  /** Longest the job may run, in seconds. Default: 3600. */
  maxRuntimeSeconds?: number;
  /** Turns SageMaker's profiler off, so the job writes nothing beside its model artifacts. Default: true. */
  disableProfiler?: boolean;
  /** Environment variables of the container. Default: none. */
  environment?: Record<string, string>;
  /** Tags of the job; they add `sagemaker:AddTags` to the task's permissions. Default: none. */
  tags?: Record<string, string>;
  /** `RUN_JOB` waits for the job (`.sync`); `REQUEST_RESPONSE` returns once it is created. Default: `RUN_JOB`. */
  integrationPattern?: IntegrationPattern;
}

/** SageMaker `CreateTrainingJob` as a Task state, with the IAM statements it needs. */
export class SageMakerCreateTrainingJob implements TaskBuilder {
  readonly state: TaskState;
  readonly policyStatements: PolicyStatement[];

  /** @param stateName the state's name, used in error messages. */
  constructor(
    readonly stateName: string,
    props: SageMakerCreateTrainingJobProps,
  ) {
    const where = stateName;
    const pattern = props.integrationPattern ?? "RUN_JOB";
    const instanceCount = props.instanceCount ?? 1;
    const volumeSizeInGb = props.volumeSizeInGb ?? 30;
    const maxRuntimeSeconds = props.maxRuntimeSeconds ?? 3600;
    requireSageMakerNamePrefix(where, "jobNamePrefix", props.jobNamePrefix);
    requireNameWithinPrefix(where, "trainingJobName", props.trainingJobName, props.jobNamePrefix);
    requireNotEmpty(where, "roleArn", props.roleArn);
    requireNotEmpty(where, "trainingImage", props.trainingImage);
    requireInstanceType(where, "instanceType", props.instanceType);
    requireIntegerInRange(where, "instanceCount", instanceCount, 1, 100);
    requireIntegerInRange(where, "volumeSizeInGb", volumeSizeInGb, 1, 16384);
    requireIntegerInRange(where, "maxRuntimeSeconds", maxRuntimeSeconds, 1, 2419200);
    if (props.inputChannels.length === 0) throw new Error(`${where}: inputChannels must hold at least one channel`);
    const channels = new Set<string>();
    for (const channel of props.inputChannels) {
      if (!/^[A-Za-z0-9.\-_]{1,64}$/.test(channel.channelName)) {
        throw new Error(
          `${where}: inputChannels.channelName must be 1-64 letters, digits, '.', '-' or '_' (got ${JSON.stringify(channel.channelName)})`,
        );
      }
      if (channels.has(channel.channelName))
        throw new Error(`${where}: channel ${JSON.stringify(channel.channelName)} is used twice`);
      channels.add(channel.channelName);
      if (typeof channel.s3Uri === "string") requireS3Uri(where, `inputChannels.${channel.channelName}.s3Uri`, channel.s3Uri);
    }
    if (typeof props.outputS3Path === "string") requireS3Uri(where, "outputS3Path", props.outputS3Path);
    for (const [key, value] of Object.entries(props.hyperParameters ?? {})) {
      if (typeof value !== "string") {
        throw new Error(
          `${where}: hyperParameters.${key} must be a string, as SageMaker requires (got ${typeof value} ${JSON.stringify(value)})`,
        );
      }
    }

    const parameters: Payload = {
      TrainingJobName: props.trainingJobName,
      RoleArn: props.roleArn,
      AlgorithmSpecification: { TrainingImage: props.trainingImage, TrainingInputMode: "File" },
      HyperParameters: props.hyperParameters,
      InputDataConfig: props.inputChannels.map((channel) => ({
        ChannelName: channel.channelName,
        ContentType: channel.contentType,
        DataSource: {
          S3DataSource: { S3DataType: "S3Prefix", S3Uri: channel.s3Uri, S3DataDistributionType: "FullyReplicated" },
        },
      })),
      OutputDataConfig: { S3OutputPath: props.outputS3Path, KmsKeyId: props.outputKmsKeyId },
      ResourceConfig: {
        InstanceCount: instanceCount,
        InstanceType: props.instanceType,
        VolumeSizeInGB: volumeSizeInGb,
        VolumeKmsKeyId: volumeKmsKeyFor(props.instanceType, props.volumeKmsKeyId),
      },
      StoppingCondition: { MaxRuntimeInSeconds: maxRuntimeSeconds },
      ProfilerConfig: (props.disableProfiler ?? true) ? { DisableProfiler: true } : undefined,
      Environment: props.environment,
      Tags: sageMakerTags(props.tags),
    };
    this.state = taskState(integrationArn(props.scope, "sagemaker", "createTrainingJob", pattern), parameters, props, where);

    this.policyStatements = sageMakerJobStatements({
      scope: props.scope,
      job: "TrainingJob",
      jobNamePrefix: props.jobNamePrefix,
      pattern,
      tags: props.tags,
      roleArn: props.roleArn,
    });
  }
}
