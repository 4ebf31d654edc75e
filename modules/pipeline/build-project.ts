import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { Construct } from "constructs";
import { EnvironmentConfig } from "../../environments/schema";
import { ENVIRONMENT_CONFIG_VARIABLE, WORKFLOW_CLI_URI_VARIABLE } from "../build-variables";
import { AwsTarget, logGroupArn } from "../iam/aws-target";
import { PolicyStatement } from "../iam/policy";
import { ServiceRole } from "../iam/service-role";
import { ResourceNames } from "../naming";
import { readBuildspec, terraformLiteral } from "./buildspec";
import { WorkflowCliObject } from "./workflow-cli";

/** Amazon Linux 2023 standard image: Node.js 18 to 24 preinstalled, the buildspecs select 22. */
export const BUILD_IMAGE = "aws/codebuild/amazonlinux-x86_64-standard:5.0";

/** 2 vCPU, 3 GB: the builds only fetch the bundled CLI and call AWS APIs. */
export const BUILD_COMPUTE_TYPE = "BUILD_GENERAL1_SMALL";

export interface ReleaseBuildProjectProps {
  names: ResourceNames;
  target: AwsTarget;
  /** Release step, e.g. `build-model`: names the project, its role and its log group. */
  step: string;
  /** What the project does (shown in CodeBuild and IAM). */
  description: string;
  /** Buildspec file in `assets/buildspecs/`, inlined into the project. */
  buildspecFile: string;
  /** The bundled CLI the buildspec fetches and runs. */
  workflowCli: WorkflowCliObject;
  /** The environment the CLI runs for: its ENVIRONMENT_CONFIG, since the bundle carries no environment file. */
  env: EnvironmentConfig;
  /** Plain-text environment variables of every build (values may be Terraform references). */
  environmentVariables: Record<string, string>;
  /** Key the project encrypts its artifacts with, and its log group's key. */
  kmsKeyArn: string;
  /** Artifact bucket ARN: the pipeline hands each build its source there. */
  artifactBucketArn: string;
  /** Key prefix of the pipeline's artifacts in the bucket (`pipelineArtifactPrefix`). */
  pipelineArtifactPrefix: string;
  /** What this step's builds do in AWS, besides logs and reading their input artifact. */
  statements: PolicyStatement[];
  /** Minutes before CodeBuild stops a build. Default: 60. */
  timeoutMinutes?: number;
}

/**
 * A CodeBuild project run by the release pipeline: not privileged, its buildspec inlined (so a plan
 * shows it), encrypted with the environment's key, logging to its own encrypted log group with
 * retention, and running as its own role, which may read the bundled CLI (WORKFLOW_CLI_URI) and
 * no other code.
 */
export class ReleaseBuildProject extends Construct {
  readonly project: CodebuildProject;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  /** Project name (known at synth) and ARN (a Terraform reference). */
  readonly name: string;
  readonly arn: string;
  /** The buildspec as AWS receives it. */
  readonly buildspec: string;

  constructor(scope: Construct, id: string, props: ReleaseBuildProjectProps) {
    super(scope, id);
    const { names, target } = props;
    this.name = names.buildProject(props.step);
    this.buildspec = readBuildspec(props.buildspecFile);

    const logGroupName = names.logGroup("codebuild", props.step);
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: logGroupName,
      retentionInDays: props.env.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    const logGroup = logGroupArn(target, logGroupName);

    this.role = new ServiceRole(this, "role", {
      name: names.role(props.step),
      description: `CodeBuild project ${this.name}: ${props.description}`,
      servicePrincipal: "codebuild.amazonaws.com",
      sourceAccount: target.accountId,
      statements: [
        {
          sid: "WriteBuildLogs",
          // Both actions authorize on the log stream only: the bare log-group ARN would grant nothing.
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${logGroup}:log-stream:*`],
        },
        {
          sid: "ReadPipelineArtifacts",
          actions: ["s3:GetObject", "s3:GetObjectVersion"],
          resources: [`${props.artifactBucketArn}/${props.pipelineArtifactPrefix}/*`],
        },
        {
          sid: "IdentifyTheArtifactBucket",
          // AWS CodeBuild User Guide, "Create a CodeBuild service role": the minimum policy's S3BucketIdentity.
          actions: ["s3:GetBucketAcl", "s3:GetBucketLocation"],
          resources: [props.artifactBucketArn],
        },
        { sid: "FetchTheWorkflowCli", actions: ["s3:GetObject"], resources: [props.workflowCli.objectArn] },
        {
          sid: "UseTheEnvironmentKey",
          // Decrypt the input artifact. No GenerateDataKey: the builds write no output artifact, cache or S3 log.
          actions: ["kms:Decrypt"],
          resources: [props.kmsKeyArn],
        },
        ...props.statements,
      ],
    });

    this.project = new CodebuildProject(this, "project", {
      name: this.name,
      description: props.description,
      serviceRole: this.role.arn,
      encryptionKey: props.kmsKeyArn,
      buildTimeout: props.timeoutMinutes ?? 60,
      queuedTimeout: 60,
      source: { type: "CODEPIPELINE", buildspec: terraformLiteral(this.buildspec) },
      artifacts: { type: "CODEPIPELINE" },
      environment: {
        type: "LINUX_CONTAINER",
        computeType: BUILD_COMPUTE_TYPE,
        image: BUILD_IMAGE,
        imagePullCredentialsType: "CODEBUILD",
        privilegedMode: false,
        environmentVariable: Object.entries({
          ENVIRONMENT: props.env.name,
          ...props.environmentVariables,
          [WORKFLOW_CLI_URI_VARIABLE]: props.workflowCli.uri,
          [ENVIRONMENT_CONFIG_VARIABLE]: terraformLiteral(JSON.stringify(props.env)),
        }).map(([name, value]) => ({ name, value, type: "PLAINTEXT" })),
      },
      logsConfig: {
        cloudwatchLogs: { status: "ENABLED", groupName: this.logGroup.name },
        s3Logs: { status: "DISABLED" },
      },
    });
    this.arn = this.project.arn;
  }
}
