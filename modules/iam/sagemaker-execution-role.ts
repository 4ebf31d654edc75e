import { Construct } from "constructs";
import { RUN_OBJECTS_PATTERN, S3_LAYOUT } from "../s3-layout";
import { AwsTarget, logGroupArn } from "./aws-target";
import { PolicyStatement } from "./policy";
import { ServiceRole } from "./service-role";

/** The ECR repositories of the AWS framework images the workflow runs (scikit-learn processing, TensorFlow). */
export const FRAMEWORK_IMAGE_REPOSITORIES = ["sagemaker-scikit-learn", "tensorflow-training", "tensorflow-inference"];

/** CloudWatch Logs groups SageMaker writes job and endpoint logs to. */
export const SAGEMAKER_LOG_GROUPS = "/aws/sagemaker/*";

/** The shared (not per-run) prefixes the workflow's jobs read. */
const SHARED_PREFIXES = [S3_LAYOUT.rawPrefix, S3_LAYOUT.codePrefix, S3_LAYOUT.trainingPrefix, S3_LAYOUT.testingPrefix];

export interface SageMakerExecutionRoleProps {
  /** Role name, from `ResourceNames.role("sagemaker")`. */
  name: string;
  target: AwsTarget;
  /** Artifact bucket ARN. */
  bucketArn: string;
  /** ARN of the key the bucket encrypts with. */
  kmsKeyArn: string;
}

/** The permissions of the role SageMaker jobs, the registered model and its endpoint run as. */
export function sageMakerExecutionStatements({ target, bucketArn, kmsKeyArn }: Omit<SageMakerExecutionRoleProps, "name">): PolicyStatement[] {
  const objects = (pattern: string) => `${bucketArn}/${pattern}`;
  return [
    {
      sid: "ReadDataCodeAndRunObjects",
      actions: ["s3:GetObject"],
      resources: [...SHARED_PREFIXES.map((prefix) => objects(`${prefix}/*`)), objects(RUN_OBJECTS_PATTERN)],
    },
    {
      sid: "ListOnlyTheWorkflowPrefixes",
      actions: ["s3:ListBucket"],
      resources: [bucketArn],
      // SageMaker lists an S3Prefix input before downloading it.
      conditions: { StringLike: { "s3:prefix": [...SHARED_PREFIXES.map((prefix) => `${prefix}*`), RUN_OBJECTS_PATTERN] } },
    },
    {
      sid: "WritePreprocessedRunAndCaptureObjects",
      actions: ["s3:PutObject", "s3:AbortMultipartUpload"],
      resources: [objects(`${S3_LAYOUT.trainingPrefix}/*`), objects(`${S3_LAYOUT.testingPrefix}/*`), objects(RUN_OBJECTS_PATTERN), objects(`${S3_LAYOUT.endpointDataCapture}/*`)],
    },
    {
      sid: "UseTheBucketKey",
      // Encrypt: SageMaker requires it of the execution role when a job's output names a KMS key.
      actions: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      resources: [kmsKeyArn],
    },
    {
      sid: "LogInToEcr",
      actions: ["ecr:GetAuthorizationToken"],
      resources: ["*"],
    },
    {
      sid: "PullFrameworkImages",
      actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      // AWS publishes the framework images from its own accounts, which differ per region.
      resources: FRAMEWORK_IMAGE_REPOSITORIES.map((repository) => `arn:${target.partition}:ecr:${target.region}:*:repository/${repository}`),
    },
    {
      sid: "WriteSageMakerLogs",
      actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      resources: [logGroupArn(target, SAGEMAKER_LOG_GROUPS), `${logGroupArn(target, SAGEMAKER_LOG_GROUPS)}:log-stream:*`],
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
      description: "SageMaker processing, training, model and endpoint of the abalone workflow",
      servicePrincipal: "sagemaker.amazonaws.com",
      sourceAccount: props.target.accountId,
      statements: sageMakerExecutionStatements(props),
    });
  }
}
