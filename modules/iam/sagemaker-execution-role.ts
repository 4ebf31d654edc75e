import { Construct } from "constructs";
import { S3_LAYOUT } from "../s3-layout";
import { PrebuiltImage, WorkflowImageKind } from "../workflow/images";
import { AwsTarget, logGroupArn } from "./aws-target";
import { listKeysStatement, PolicyStatement } from "./policy";
import { ServiceRole } from "./service-role";

/** CloudWatch Logs groups SageMaker writes job and endpoint logs to. */
export const SAGEMAKER_LOG_GROUPS = "/aws/sagemaker/*";

/**
 * What one SageMaker job, model or endpoint needs of the execution role it runs as, in the artifact
 * bucket's terms: the objects it reads and writes (a shared prefix of the model's layout, or
 * `runObjectsPattern` for the run's own objects) and the image it runs.
 */
export interface JobAccess {
  reads?: readonly string[];
  writes?: readonly string[];
  image: WorkflowImageKind;
}

/** The endpoint the release pipeline deploys: it serves the registered model and captures its traffic. */
export const ENDPOINT_ACCESS: JobAccess = { writes: [S3_LAYOUT.endpointDataCapture], image: "inference" };

export interface SageMakerExecutionRoleProps {
  /** Role name, from `ResourceNames.role("sagemaker")`. */
  name: string;
  /** The model whose workflow the role runs (its description names it). */
  project: string;
  /** The key pattern of the runs' own objects (`runObjectsPattern`), kept last and matched as is. */
  runObjects: string;
  /** The image of each kind: its repository bounds the role's pulls. */
  images: Record<WorkflowImageKind, PrebuiltImage>;
  target: AwsTarget;
  /** Artifact bucket ARN. */
  bucketArn: string;
  /** ARN of the key the bucket encrypts with. */
  kmsKeyArn: string;
  /** What the workflow's jobs and model need (`SAGEMAKER_JOB_ACCESS` of the workflow); the endpoint's is added. */
  jobs: readonly JobAccess[];
  /** The account of each kind's prebuilt image in the region (AWS's registry, which differs per region). */
  imageRegistries: Record<WorkflowImageKind, string>;
  /** ARNs of the alarms an endpoint update rolls back on. */
  rollbackAlarmArns: string[];
}

/** Distinct values, in first-seen order, with the run's own objects last. */
function sharedThenRun(patterns: readonly string[], runObjects: string): string[] {
  const distinct = [...new Set(patterns)];
  return [...distinct.filter((p) => p !== runObjects), ...distinct.filter((p) => p === runObjects)];
}

/** The permissions of the role SageMaker jobs, the registered model and its endpoint run as. */
export function sageMakerExecutionStatements({
  target,
  bucketArn,
  kmsKeyArn,
  jobs,
  imageRegistries,
  images,
  runObjects,
  rollbackAlarmArns,
}: Omit<SageMakerExecutionRoleProps, "name" | "project">): PolicyStatement[] {
  const all = [...jobs, ENDPOINT_ACCESS];
  const reads = sharedThenRun(
    jobs.flatMap((job) => job.reads ?? []),
    runObjects,
  );
  const writes = [
    ...sharedThenRun(
      jobs.flatMap((job) => job.writes ?? []),
      runObjects,
    ),
    ...(ENDPOINT_ACCESS.writes ?? []),
  ];
  const objects = (pattern: string) => `${bucketArn}/${pattern === runObjects ? pattern : `${pattern}/*`}`;
  const kinds = [...new Set(all.map((job) => job.image))];
  const repository = (kind: WorkflowImageKind) =>
    `arn:${target.partition}:ecr:${target.region}:${imageRegistries[kind]}:repository/${images[kind].repositoryName}`;
  return [
    {
      sid: "ReadDataCodeAndRunObjects",
      actions: ["s3:GetObject"],
      resources: reads.map(objects),
    },
    listKeysStatement(
      "ListOnlyTheWorkflowPrefixes",
      bucketArn,
      reads.map((pattern) => (pattern === runObjects ? pattern : `${pattern}*`)),
    ),
    {
      sid: "WritePreprocessedRunAndCaptureObjects",
      actions: ["s3:PutObject"],
      resources: writes.map(objects),
    },
    {
      sid: "UseTheBucketKey",
      // SageMaker Developer Guide, "SageMaker Roles": kms:Decrypt for SSE-KMS inputs, kms:Encrypt for a job whose
      // output configuration names a KMS key (every job here); GenerateDataKey writes SSE-KMS objects.
      actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      resources: [kmsKeyArn],
    },
    {
      sid: "EncryptJobVolumesWithTheKey",
      // A job whose VolumeKmsKeyId names the key: SageMaker encrypts its storage volume through a grant.
      actions: ["kms:CreateGrant"],
      resources: [kmsKeyArn],
      conditions: { Bool: { "kms:GrantIsForAWSResource": true } },
    },
    {
      sid: "LogInToEcr",
      actions: ["ecr:GetAuthorizationToken"],
      resources: ["*"],
    },
    {
      sid: "PullFrameworkImages",
      actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      // Only AWS's registry of each image in the region (the provider knows the account), not any account's.
      resources: [...new Set(kinds.map(repository))],
    },
    {
      sid: "WriteSageMakerLogs",
      actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      resources: [logGroupArn(target, SAGEMAKER_LOG_GROUPS), `${logGroupArn(target, SAGEMAKER_LOG_GROUPS)}:log-stream:*`],
    },
    {
      sid: "ReadTheEndpointsRollbackAlarms",
      // AWS: the execution role must be allowed cloudwatch:DescribeAlarms on the auto-rollback alarms of a deployment.
      actions: ["cloudwatch:DescribeAlarms"],
      resources: rollbackAlarmArns,
    },
    {
      sid: "PublishSageMakerMetrics",
      actions: ["cloudwatch:PutMetricData"],
      resources: ["*"],
      conditions: { StringLike: { "cloudwatch:namespace": "/aws/sagemaker/*" } },
    },
  ];
}

/** The SageMaker execution role: trusted by SageMaker for this account only. */
export class SageMakerExecutionRole extends ServiceRole {
  constructor(scope: Construct, id: string, props: SageMakerExecutionRoleProps) {
    super(scope, id, {
      name: props.name,
      description: `SageMaker processing, training, model and endpoint of the ${props.project} workflow`,
      servicePrincipal: "sagemaker.amazonaws.com",
      sourceAccount: props.target.accountId,
      statements: sageMakerExecutionStatements(props),
    });
  }
}
