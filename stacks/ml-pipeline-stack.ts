import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { EnvironmentConfig } from "../environments/schema";
import { MODEL } from "../models";
import { hyperparameterRule, inUnit, ModelDeclaration, tunableHyperparameters } from "../modules/model/declaration";
import { modelValues, thresholdRule } from "../modules/model/settings";
import { ResourceNames } from "../modules/naming";
import { ModelRegistry } from "../modules/model-registry";
import { ReleaseAlarms } from "../modules/pipeline/alarms";
import { ReleasePipeline } from "../modules/pipeline/release-pipeline";
import { Platform } from "../modules/platform";
import { WorkflowStateMachine } from "../modules/workflow-state-machine";
import { WorkflowVariables } from "../modules/workflow-variables";
import { REQUIRED_TERRAFORM_VERSION } from "./terraform-version";

export interface MlPipelineStackProps {
  /** The validated environment this stack deploys. */
  env: EnvironmentConfig;
  /** The model it releases. Default: the project's (models/index.ts). */
  model?: ModelDeclaration;
  /** Directory of the local state file, relative to `cdktf.out/stacks/<env>`. Default: the project root. */
  localStateDir?: string;
}

/** One environment's whole ML release platform. */
export class MlPipelineStack extends TerraformStack {
  readonly env: EnvironmentConfig;
  readonly model: ModelDeclaration;
  readonly names: ResourceNames;
  readonly variables: WorkflowVariables;
  /** Key, artifact bucket, SageMaker execution role, analyze-results Lambda, SageMaker code (modules/platform.ts). */
  readonly platform: Platform;
  /** The Model Registry group passing runs register their versions in (modules/model-registry.ts). */
  readonly registry: ModelRegistry;
  /** The ML workflow state machine, its role and log group (modules/workflow-state-machine.ts). */
  readonly workflow: WorkflowStateMachine;
  /** CodeBuild projects and the CodePipeline that release a model (modules/pipeline/release-pipeline.ts). */
  readonly release: ReleasePipeline;
  /** Workflow and pipeline alarms to an encrypted SNS topic (modules/pipeline/alarms.ts). */
  readonly alarms: ReleaseAlarms;

  constructor(scope: Construct, props: MlPipelineStackProps) {
    const model = props.model ?? MODEL;
    const names = new ResourceNames(props.env.name, model.name);
    super(scope, names.stackId);
    const { env } = props;
    this.env = env;
    this.model = model;
    this.names = names;

    new AwsProvider(this, "aws", {
      region: env.region,
      allowedAccountIds: env.accountId ? [env.accountId] : undefined,
      assumeRole: env.assumeRoleArn ? [{ roleArn: env.assumeRoleArn, sessionName: `cdktf-${names.prefix}` }] : undefined,
      defaultTags: [{ tags: { ...env.tags, Project: names.project, Environment: env.name, ManagedBy: "cdktf" } }],
    });
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    this.configureBackend(props.localStateDir ?? "../../..");
    this.variables = this.declareVariables();

    // Platform resources: key, artifact bucket, roles, analyze-results Lambda, SageMaker code.
    this.platform = new Platform(this, "platform", { env, model, names });

    // Model Registry group, then the ML workflow state machine that registers into it.
    this.registry = new ModelRegistry(this, "model-registry", { names });
    this.workflow = new WorkflowStateMachine(this, "ml-workflow", {
      env,
      model,
      names,
      variables: this.variables,
      target: this.platform.target,
      artifactBucketName: this.platform.bucket.name,
      sageMakerRoleArn: this.platform.sagemakerRole.arn,
      analyzeFunctionArn: this.platform.analyzeFunction.arn,
      kmsKeyArn: this.platform.key.arn,
      images: this.platform.images,
    });

    // Release pipeline: CodeBuild projects, CodePipeline, alarms.
    this.release = new ReleasePipeline(this, "release", {
      env,
      model,
      names,
      target: this.platform.target,
      variables: this.variables,
      artifactBucketName: this.platform.bucket.name,
      artifactBucketArn: this.platform.bucket.arn,
      kmsKeyArn: this.platform.key.arn,
      stateMachineArn: this.workflow.arn,
    });
    this.alarms = new ReleaseAlarms(this, "alarms", {
      names,
      target: this.platform.target,
      key: this.platform.key,
      stateMachineArn: this.workflow.arn,
      pipelineName: this.release.name,
      email: env.alarmEmail,
      endpointMaxLatencyMs: env.endpointMaxLatencyMs,
    });

    // Outputs.
    const output = (id: string, value: string, description: string) => new TerraformOutput(this, id, { value, description });
    output("artifact_bucket_name", this.platform.bucket.name, "Artifact bucket: data, code, run outputs");
    output("kms_key_arn", this.platform.key.arn, "KMS key of the bucket, logs, pipeline artifacts and builds");
    output("sagemaker_role_arn", this.platform.sagemakerRole.arn, "Execution role of the SageMaker jobs, model and endpoint");
    output("analyze_results_function_name", this.platform.analyzeFunction.function.functionName, "The analyze-results Lambda");
    output("analyze_results_role_arn", this.platform.analyzeFunction.role.arn, "Execution role of the analyze-results Lambda");
    output("state_machine_arn", this.workflow.arn, "The ML workflow state machine (start executions named after the run id)");
    output("state_machine_name", this.workflow.name, "Name of the ML workflow state machine");
    output("workflow_role_arn", this.workflow.role.arn, "Role the ML workflow state machine runs as");
    output("workflow_log_group_name", this.workflow.logGroup.name, "Log group of the ML workflow's executions");
    output(
      "pipeline_name",
      this.release.pipeline.name,
      "Release pipeline: source, BuildModel, approval where required, DeployEndpoint",
    );
    output(
      "build_model_project_name",
      this.release.buildModel.project.name,
      "CodeBuild project that runs the workflow and waits for it",
    );
    output(
      "deploy_endpoint_project_name",
      this.release.deployEndpoint.project.name,
      "CodeBuild project that deploys the approved model",
    );
    output(
      "model_package_group_name",
      this.registry.groupName,
      "SageMaker Model Registry group of the model versions that passed the gate",
    );
    output("endpoint_name", names.endpoint, "SageMaker endpoint serving the approved model (created by the first deployment)");
    output("alarm_topic_arn", this.alarms.topicArn, "SNS topic of the workflow and pipeline alarms (subscribe to be told)");
  }

  private configureBackend(localStateDir: string): void {
    const state = this.env.remoteState;
    if (!state) {
      new LocalBackend(this, { path: `${localStateDir}/${this.names.localStateFile}` });
      return;
    }
    const backend = new S3Backend(this, {
      bucket: state.bucket,
      key: this.names.stateKey,
      region: state.region ?? this.env.region,
      encrypt: true,
      kmsKeyId: state.kmsKeyId,
      assumeRole: state.roleArn ? { roleArn: state.roleArn } : undefined,
    });
    // S3-native locking (generally available from Terraform 1.11); cdktf 0.21 has no typed field for it yet.
    backend.addOverride("use_lockfile", true);
  }

  /** The model's tunable hyperparameters and the gate's threshold, typed, described and validated, defaulting to the environment's values. */
  private declareVariables(): WorkflowVariables {
    const { model } = this;
    const values = modelValues(this.env, model);
    const hyperparameters = Object.fromEntries(
      tunableHyperparameters(model).map(([name, h]) => {
        const id = h.terraformVariable;
        const bounds = [`var.${id} >= ${h.min}`, h.max === undefined ? [] : `var.${id} <= ${h.max}`].flat();
        const condition = [...bounds, h.type === "integer" ? `floor(var.${id}) == var.${id}` : []].flat().join(" && ");
        const variable = new TerraformVariable(this, id, {
          type: "number",
          description: h.description,
          default: values.hyperparameters[name],
          nullable: false,
          validation: [{ condition: `\${${condition}}`, errorMessage: `${id} ${hyperparameterRule(h)}.` }],
        });
        return [name, variable];
      }),
    );
    const { metric } = model;
    const threshold = thresholdRule(model);
    return {
      hyperparameters,
      threshold: new TerraformVariable(this, "threshold", {
        type: "number",
        description:
          metric.direction === "lower"
            ? `Highest acceptable ${metric.name}${inUnit(model)} of the evaluated model; at or above it the workflow fails.`
            : `Lowest acceptable ${metric.name}${inUnit(model)} of the evaluated model; at or below it the workflow fails.`,
        default: values.threshold,
        nullable: false,
        validation: [
          {
            condition:
              threshold.max === undefined ? "${var.threshold > 0}" : `\${var.threshold > 0 && var.threshold <= ${threshold.max}}`,
            errorMessage: `threshold ${threshold.rule}.`,
          },
        ],
      }),
    };
  }
}
