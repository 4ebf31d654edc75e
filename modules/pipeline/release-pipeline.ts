import { Codepipeline, CodepipelineStage } from "@cdktf/provider-aws/lib/codepipeline";
import { Construct } from "constructs";
import { EnvironmentConfig } from "../../environments/schema";
import type { WorkflowVariables } from "../workflow-variables";
import {
  ARTIFACT_BUCKET_VARIABLE,
  ENDPOINT_ROLLBACK_ALARMS_VARIABLE,
  KMS_KEY_ARN_VARIABLE,
  STATE_MACHINE_ARN_VARIABLE,
} from "../build-variables";
import { AwsTarget } from "../iam/aws-target";
import { PolicyStatement } from "../iam/policy";
import { ServiceRole } from "../iam/service-role";
import { ResourceNames } from "../naming";
import { ModelDeclaration } from "../model/declaration";
import { modelLayout } from "../s3-layout";
import { gateOperator } from "../workflow/gate";
import { alarmTopicArn } from "./alarms";
import { RawDataTrigger } from "./raw-data-trigger";
import { buildModelStatements, deployEndpointStatements } from "./build-permissions";
import { ReleaseBuildProject } from "./build-project";
import { BUILDSPECS } from "./buildspec";
import { endpointAlarmNames } from "../endpoint-release";
import {
  APPROVAL_EVIDENCE_VARIABLES,
  BUILD_VARIABLES_NAMESPACE,
  EXPORTED_BUILD_VARIABLES,
  maxRunIdLength,
  PIPELINE_EXECUTION_ID_VARIABLE,
  SOURCE_VARIABLES_NAMESPACE,
} from "./run-id";
import { CodeCommitTrigger, SOURCE_ARTIFACT, sourceAction, sourceStatements } from "./source";
import { RELEASE_STAGES } from "./stages";
import { WorkflowCliObject } from "./workflow-cli";

/** The manual approval's question (docs/release-pipeline.md). */
export const APPROVAL_MESSAGE = "Is the Model Ready for Production?";

const built = (variable: (typeof APPROVAL_EVIDENCE_VARIABLES)[number] | (typeof EXPORTED_BUILD_VARIABLES)[number]) =>
  `#{${BUILD_VARIABLES_NAMESPACE}.${variable}}`;

/** What the approver reads in the console and in the notification: the run's evidence, resolved by CodePipeline. */
export function approvalDetails(model: ModelDeclaration): string {
  return (
    `${APPROVAL_MESSAGE} Run ${built("RUN_ID")}, commit #{${SOURCE_VARIABLES_NAMESPACE}.CommitId}: ` +
    `${model.metric.name} ${built("METRIC")} ${gateOperator(model.metric.direction)} threshold ${built("THRESHOLD")} (${built("HYPERPARAMETERS")}). ` +
    `Report: ${built("REPORT_URI")}`
  );
}

/** The hyperparameters as the build log and the approval show them, e.g. `epochs 200, batch-size 8` for `--epochs 200 --batch-size 8` (Terraform references in the stack). */
export function hyperparameterSummary(model: ModelDeclaration, values: Record<string, string | number>): string {
  return Object.entries(model.hyperparameters)
    .map(([name, h]) => `${h.argument} ${values[name] ?? h.default}`)
    .join(", ");
}

/** CodePipeline keeps a pipeline's artifacts under the first 20 characters of its name. */
export function pipelineArtifactPrefix(pipelineName: string): string {
  return pipelineName.slice(0, 20);
}

/** `[{name, value, type}]` as a CodeBuild action's `EnvironmentVariables` configuration. */
const actionVariables = (variables: Record<string, string>) =>
  JSON.stringify(Object.entries(variables).map(([name, value]) => ({ name, value, type: "PLAINTEXT" })));

export interface ReleasePipelineProps {
  env: EnvironmentConfig;
  /** The model the pipeline releases. */
  model: ModelDeclaration;
  names: ResourceNames;
  target: AwsTarget;
  /** The stack's hyperparameter and `threshold` variables (shown in the build log and the approval). */
  variables: WorkflowVariables;
  /** Artifact bucket: the pipeline's artifact store and the endpoint's data capture. */
  artifactBucketName: string;
  artifactBucketArn: string;
  /** The environment's key: artifacts, builds, logs, captured data. */
  kmsKeyArn: string;
  /** The ML workflow state machine BuildModel runs. */
  stateMachineArn: string;
  /** Minutes BuildModel may wait for the workflow. Default: 240. */
  buildModelTimeoutMinutes?: number;
  /** Minutes DeployEndpoint may wait for InService (the CLI gives up after 60). Default: 90. */
  deployEndpointTimeoutMinutes?: number;
}

/**
 * The release pipeline of one environment (CodePipeline V2): Source → Build (BuildModel runs the
 * workflow and waits; fails when it fails) → Approval (only where the environment requires it) →
 * Deploy (DeployEndpoint deploys the exact model BuildModel exported).
 */
export class ReleasePipeline extends Construct {
  readonly buildModel: ReleaseBuildProject;
  readonly deployEndpoint: ReleaseBuildProject;
  readonly pipeline: Codepipeline;
  readonly role: ServiceRole;
  /** The bundled CLI both builds run. */
  readonly workflowCli: WorkflowCliObject;
  /** Starts the pipeline on pushes, for a CodeCommit source (GitHub connections start it themselves). */
  readonly trigger?: CodeCommitTrigger;
  /** Starts the pipeline on a new raw dataset, where the environment asks for it (`retrainOnNewData`). */
  readonly rawDataTrigger?: RawDataTrigger;
  /** Pipeline name (known at synth) and ARN (a Terraform reference). */
  readonly name: string;
  /** The environment's alarm topic, which the approval notifies. */
  readonly topicArn: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: ReleasePipelineProps) {
    super(scope, id);
    const { env, model, names, target } = props;
    this.name = names.pipeline;
    this.topicArn = alarmTopicArn(target, names);
    const artifactPrefix = pipelineArtifactPrefix(this.name);
    this.workflowCli = new WorkflowCliObject(this, "workflow-cli", {
      bucketName: props.artifactBucketName,
      bucketArn: props.artifactBucketArn,
      kmsKeyArn: props.kmsKeyArn,
    });
    const shared = {
      workflowCli: this.workflowCli,
      env,
      names,
      target,
      kmsKeyArn: props.kmsKeyArn,
      artifactBucketArn: props.artifactBucketArn,
      pipelineArtifactPrefix: artifactPrefix,
    };

    this.buildModel = new ReleaseBuildProject(this, "build-model", {
      ...shared,
      step: "build-model",
      description: `Runs the ${env.name} ML workflow for one commit and waits for it; fails when the workflow fails`,
      buildspecFile: BUILDSPECS.buildModel,
      timeoutMinutes: props.buildModelTimeoutMinutes ?? 240,
      environmentVariables: {
        [STATE_MACHINE_ARN_VARIABLE]: props.stateMachineArn,
        [ARTIFACT_BUCKET_VARIABLE]: props.artifactBucketName,
        DATA_PREFIX: modelLayout(model).dataPrefix,
        METRIC_NAME: model.metric.name,
        HYPERPARAMETERS: hyperparameterSummary(
          model,
          Object.fromEntries(
            Object.entries(props.variables.hyperparameters).map(([name, variable]) => [name, variable.stringValue]),
          ),
        ),
        THRESHOLD: props.variables.threshold.stringValue,
        MODEL_PREFIX: names.runNamePrefix(),
        RUN_ID_MAX_LENGTH: String(maxRunIdLength(names)),
        // The evaluation report is encrypted with the environment's key.
        [KMS_KEY_ARN_VARIABLE]: props.kmsKeyArn,
      },
      statements: buildModelStatements({
        names,
        target,
        stateMachineArn: props.stateMachineArn,
        artifactBucketArn: props.artifactBucketArn,
        kmsKeyArn: props.kmsKeyArn,
      }),
    });

    this.deployEndpoint = new ReleaseBuildProject(this, "deploy-endpoint", {
      ...shared,
      step: "deploy-endpoint",
      description: `Deploys the approved model to ${names.endpoint} and waits until it is InService`,
      buildspecFile: BUILDSPECS.deployEndpoint,
      timeoutMinutes: props.deployEndpointTimeoutMinutes ?? 90,
      environmentVariables: {
        [ARTIFACT_BUCKET_VARIABLE]: props.artifactBucketName,
        [KMS_KEY_ARN_VARIABLE]: props.kmsKeyArn,
        [ENDPOINT_ROLLBACK_ALARMS_VARIABLE]: endpointAlarmNames(names).join(","),
      },
      statements: deployEndpointStatements({
        names,
        target,
        kmsKeyArn: props.kmsKeyArn,
        artifactBucketArn: props.artifactBucketArn,
      }),
    });

    // AWS CodePipeline User Guide, "Manage the CodePipeline service role": the minimum service-role policy's
    // S3 part, on this pipeline's artifacts only. No s3:PutObjectAcl: the bucket enforces owner ACLs.
    const statements: PolicyStatement[] = [
      {
        sid: "ReadAndWritePipelineArtifacts",
        // The source action writes the source artifact; CodeBuild reads it with its own role.
        actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
        resources: [`${props.artifactBucketArn}/${artifactPrefix}/*`],
      },
      {
        sid: "ReadTheArtifactBucketSettings",
        actions: ["s3:GetBucketVersioning", "s3:GetBucketAcl", "s3:GetBucketLocation"],
        resources: [props.artifactBucketArn],
      },
      // Also the approval's notification: the topic is encrypted with the same key.
      { sid: "EncryptPipelineArtifacts", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [props.kmsKeyArn] },
      { sid: "NotifyTheApprover", actions: ["sns:Publish"], resources: [this.topicArn] },
      // No iam:PassRole: StartBuild runs a project as the role it was created with (the deployer passed it).
      {
        sid: "RunTheReleaseBuilds",
        actions: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
        resources: [this.buildModel.arn, this.deployEndpoint.arn],
      },
      ...sourceStatements(env.source, target),
    ];
    this.role = new ServiceRole(this, "role", {
      name: names.role("codepipeline"),
      description: `Runs the ${this.name} release pipeline: source, its two builds, artifacts`,
      servicePrincipal: "codepipeline.amazonaws.com",
      sourceAccount: target.accountId,
      statements,
    });

    this.pipeline = new Codepipeline(this, "pipeline", {
      name: this.name,
      pipelineType: "V2",
      // A newer commit replaces one still waiting to enter a stage; a stage runs one execution at a time.
      executionMode: "SUPERSEDED",
      roleArn: this.role.arn,
      // CodePipeline starts a first execution on creation: its permissions must exist by then.
      dependsOn: [this.role.policy],
      artifactStore: [{ type: "S3", location: props.artifactBucketName, encryptionKey: { type: "KMS", id: props.kmsKeyArn } }],
      stage: this.stages(env, model),
    });
    this.arn = this.pipeline.arn;

    if (env.source.kind === "codecommit") {
      this.trigger = new CodeCommitTrigger(this, "source-trigger", { names, target, source: env.source, pipelineArn: this.arn });
    }
    if (env.retrainOnNewData) {
      this.rawDataTrigger = new RawDataTrigger(this, "raw-data-trigger", {
        names,
        target,
        bucketName: props.artifactBucketName,
        pipelineArn: this.arn,
        rawDataKey: modelLayout(model).rawData,
      });
    }
  }

  private stages(env: EnvironmentConfig, model: ModelDeclaration): CodepipelineStage[] {
    const build = (name: string, project: ReleaseBuildProject, variables: Record<string, string>, namespace?: string) => ({
      name,
      category: "Build",
      owner: "AWS",
      provider: "CodeBuild",
      version: "1",
      inputArtifacts: [SOURCE_ARTIFACT],
      namespace,
      // The project's name as a reference, so Terraform creates the project first.
      configuration: { ProjectName: project.project.name, EnvironmentVariables: actionVariables(variables) },
    });
    const { source, build: buildStage, approval, deploy } = RELEASE_STAGES;
    return [
      { name: source.stage, action: [{ ...sourceAction(env.source), namespace: SOURCE_VARIABLES_NAMESPACE }] },
      {
        name: buildStage.stage,
        action: [
          build(
            buildStage.action,
            this.buildModel,
            { [PIPELINE_EXECUTION_ID_VARIABLE]: "#{codepipeline.PipelineExecutionId}" },
            BUILD_VARIABLES_NAMESPACE,
          ),
        ],
      },
      ...(env.requireApproval
        ? [
            {
              name: approval.stage,
              action: [
                {
                  name: approval.action,
                  category: "Approval",
                  owner: "AWS",
                  provider: "Manual",
                  version: "1",
                  // The approver is told (the environment's topic), with the evidence and a link to the workflow execution.
                  configuration: {
                    CustomData: approvalDetails(model),
                    ExternalEntityLink: built("EXECUTION_URL"),
                    NotificationArn: this.topicArn,
                  },
                },
              ],
            },
          ]
        : []),
      {
        name: deploy.stage,
        action: [
          build(
            deploy.action,
            this.deployEndpoint,
            Object.fromEntries(
              EXPORTED_BUILD_VARIABLES.map((variable) => [variable, `#{${BUILD_VARIABLES_NAMESPACE}.${variable}}`]),
            ),
          ),
        ],
      },
    ];
  }
}
