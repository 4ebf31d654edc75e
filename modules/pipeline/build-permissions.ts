import { sageMakerNamePrefixArns, scopedArn } from "../asl/arn";
import { AwsTarget } from "../iam/aws-target";
import { listKeysStatement, PolicyStatement } from "../iam/policy";
import { ResourceNames } from "../naming";
import { endpointAlarmNames } from "../endpoint-release";
import { runKeys } from "../s3-layout";

export interface BuildModelPermissionsProps {
  names: ResourceNames;
  target: AwsTarget;
  /** The workflow's state machine ARN. */
  stateMachineArn: string;
  /** The artifact bucket and its key: the run's evaluation report is written there. */
  artifactBucketArn: string;
  kmsKeyArn: string;
}

/**
 * What `workflow run --wait --report` calls: start this environment's workflow, follow its
 * executions, and write the run's evaluation report beside its evaluation.
 */
export function buildModelStatements({
  names,
  target,
  stateMachineArn,
  artifactBucketArn,
  kmsKeyArn,
}: BuildModelPermissionsProps): PolicyStatement[] {
  return [
    { sid: "StartTheWorkflow", actions: ["states:StartExecution"], resources: [stateMachineArn] },
    {
      sid: "FollowTheWorkflowsExecutions",
      // DescribeExecution attaches a retried run; the history is the progress; the definition gives the threshold.
      actions: ["states:DescribeExecution", "states:GetExecutionHistory", "states:DescribeStateMachineForExecution"],
      resources: [scopedArn(target, "states", `execution:${names.stateMachine}:*`)],
    },
    {
      sid: "WriteTheRunsEvaluationReport",
      actions: ["s3:PutObject"],
      resources: (["json", "md"] as const).map(
        (extension) => `${artifactBucketArn}/${runKeys.report("*", `${names.runNamePrefix("TrainingJob")}*`, extension)}`,
      ),
    },
    { sid: "EncryptTheReport", actions: ["kms:GenerateDataKey"], resources: [kmsKeyArn] },
  ];
}

export interface DeployEndpointPermissionsProps {
  names: ResourceNames;
  target: AwsTarget;
  /** Key that encrypts the endpoint's captured data and the bucket's objects. */
  kmsKeyArn: string;
  /** The artifact bucket: the smoke test reads the testing split and the run's evaluation. */
  artifactBucketArn: string;
}

/**
 * What `workflow deploy --model-package <arn> --approve` calls: read and approve this environment's model
 * versions; read this project's models; create (and tag) this environment's
 * endpoint configs; create, update and describe only this environment's endpoint; read its
 * rollback alarms; smoke-test it with the testing split and compare with the run's evaluation.
 */
export function deployEndpointStatements({
  names,
  target,
  kmsKeyArn,
  artifactBucketArn,
}: DeployEndpointPermissionsProps): PolicyStatement[] {
  const endpoint = scopedArn(target, "sagemaker", `endpoint/${names.endpoint.toLowerCase()}`);
  const endpointConfigs = sageMakerNamePrefixArns(target, "endpoint-config", names.endpointConfig(""));
  // Every run of this environment, by its training job name (the per-run objects live under it).
  const runs = `${names.runNamePrefix("TrainingJob")}*`;
  const smokeTestKeys = [`${runKeys.testingData("*", runs)}/testing.csv`, runKeys.evaluation("*", runs)];
  // The versions of this environment's Model Registry group (`model-package/<group>/<version>`). Versions
  // take their group's tags, so they are told apart by the group's exact name, not by a tag.
  const versions = sageMakerNamePrefixArns(target, "model-package", `${names.modelPackageGroup(names.project)}/`);
  // Only what this environment's deploys and workflow created and tagged (aws:RequestTag on create, aws:ResourceTag after).
  const own = (where: "RequestTag" | "ResourceTag") => ({ StringEquals: { [`aws:${where}/Environment`]: names.environment } });
  return [
    {
      sid: "ReadThisEnvironmentsModels",
      actions: ["sagemaker:DescribeModel"],
      resources: sageMakerNamePrefixArns(target, "model", names.runNamePrefix()),
      // Model names carry the environment and the workflow tags each model with it, so prod's deploy
      // cannot pick up a model that passed only dev's gate (nor dev-2's, whose names dev's prefix matches).
      conditions: own("ResourceTag"),
    },
    // Service Authorization Reference, "Actions, resources, and condition keys for Amazon SageMaker AI":
    // DescribeModelPackage and UpdateModelPackage act on model-package; UpdateModelPackage takes sagemaker:ModelApprovalStatus.
    { sid: "ReadThisEnvironmentsModelVersions", actions: ["sagemaker:DescribeModelPackage"], resources: versions },
    {
      sid: "ApproveThisEnvironmentsModelVersions",
      // The deploy stage runs only once the pipeline's approval passed (or where there is none): it may approve, never reject.
      actions: ["sagemaker:UpdateModelPackage"],
      resources: versions,
      conditions: { StringEquals: { "sagemaker:ModelApprovalStatus": "Approved" } },
    },
    {
      sid: "CreateThisEnvironmentsEndpointConfigs",
      // AddTags: the configs are created with their tags.
      actions: ["sagemaker:CreateEndpointConfig", "sagemaker:AddTags"],
      resources: endpointConfigs,
      conditions: own("RequestTag"),
    },
    {
      sid: "ReadThisEnvironmentsEndpointConfigs",
      actions: ["sagemaker:DescribeEndpointConfig"],
      resources: endpointConfigs,
      conditions: own("ResourceTag"),
    },
    {
      sid: "CreateThisEnvironmentsEndpoint",
      actions: ["sagemaker:CreateEndpoint", "sagemaker:AddTags"],
      resources: [endpoint],
      conditions: own("RequestTag"),
    },
    {
      sid: "PutThisEnvironmentsConfigsOnItsEndpoint",
      // SageMaker authorizes both on the endpoint and on the config it is given.
      actions: ["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint"],
      resources: endpointConfigs,
      conditions: own("ResourceTag"),
    },
    {
      sid: "UpdateAndSmokeTestThisEnvironmentsEndpoint",
      actions: ["sagemaker:UpdateEndpoint", "sagemaker:InvokeEndpoint"],
      resources: [endpoint],
      conditions: own("ResourceTag"),
    },
    // No tag condition: deploy asks whether the endpoint exists, and a missing one has no tags (AccessDenied, not "not found").
    { sid: "FollowThisEnvironmentsEndpoint", actions: ["sagemaker:DescribeEndpoint"], resources: [endpoint] },
    // The endpoint config names the key for its storage volume and data capture: SageMaker checks it and
    // takes a grant on it as the caller of CreateEndpoint and UpdateEndpoint.
    { sid: "CheckTheCaptureKey", actions: ["kms:DescribeKey"], resources: [kmsKeyArn] },
    {
      sid: "LetSageMakerUseTheCaptureKey",
      actions: ["kms:CreateGrant"],
      resources: [kmsKeyArn],
      conditions: { Bool: { "kms:GrantIsForAWSResource": true } },
    },
    // Which alarm rolled an update back; SageMaker also checks that the caller may read them.
    {
      sid: "ReadThisEndpointsRollbackAlarms",
      actions: ["cloudwatch:DescribeAlarms"],
      resources: endpointAlarmNames(names).map((name) => scopedArn(target, "cloudwatch", `alarm:${name}`)),
    },
    {
      sid: "ReadTheTestingSplitAndTheRunsEvaluation",
      actions: ["s3:GetObject"],
      resources: smokeTestKeys.map((key) => `${artifactBucketArn}/${key}`),
    },
    listKeysStatement("TellAMissingSplitOrEvaluationFromADeniedOne", artifactBucketArn, smokeTestKeys),
    // The bucket's objects are SSE-KMS with the environment's key.
    { sid: "DecryptTheTestingSplitAndTheEvaluation", actions: ["kms:Decrypt"], resources: [kmsKeyArn] },
  ];
}
