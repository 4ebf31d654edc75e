import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsSagemakerPrebuiltEcrImage } from "@cdktf/provider-aws/lib/data-aws-sagemaker-prebuilt-ecr-image";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { Construct } from "constructs";
import { EnvironmentConfig } from "../environments/schema";
import type { WorkflowVariables } from "./workflow-variables";
import { RawNumber, serializeDefinition } from "./asl/raw-number";
import { AwsTarget, awsTarget } from "./iam/aws-target";
import { PolicyStatement } from "./iam/policy";
import { ServiceRole } from "./iam/service-role";
import { ModelDeclaration } from "./model/declaration";
import { ResourceNames } from "./naming";
import { imageUris, WorkflowImageKind } from "./workflow/images";
import { buildMlWorkflow, MlWorkflow } from "./workflow/ml-workflow";
import { modelRegistryParams } from "./workflow/model-version";
import { workflowTags } from "./workflow/render-environment";

/** What the workflow role needs to deliver execution logs (vended logs; none of it has resource-level permissions). */
export const LOG_DELIVERY_STATEMENT: PolicyStatement = {
  sid: "DeliverExecutionLogs",
  actions: [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
  ],
  resources: ["*"],
};

/** What the workflow role needs to send X-Ray traces (no resource-level permissions either). */
export const TRACING_STATEMENT: PolicyStatement = {
  sid: "SendTraces",
  actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
  resources: ["*"],
};

export interface WorkflowStateMachineProps {
  /** The environment (instance types, log retention, name). */
  env: EnvironmentConfig;
  /** The model the workflow trains, evaluates and gates. */
  model: ModelDeclaration;
  /** Names of the environment's resources. */
  names: ResourceNames;
  /** The stack's hyperparameter and `threshold` variables; the definition references them. */
  variables: WorkflowVariables;
  /** Artifact bucket name. */
  artifactBucketName: string;
  /** SageMaker execution role (the only role the workflow may pass). */
  sageMakerRoleArn: string;
  /** Analyze-results function ARN. */
  analyzeFunctionArn: string;
  /** KMS key of the log group and of the jobs' S3 outputs and volumes. */
  kmsKeyArn: string;
  /** Image URIs by kind. Default: each resolved here by the provider for the region. */
  images?: Record<WorkflowImageKind, string>;
  /** Partition, region and account. Default: the environment's region and account (or the caller's). */
  target?: AwsTarget;
}

/**
 * The ML workflow as an AWS Step Functions state machine (STANDARD): the definition rendered by the
 * workflow template with the stack's Terraform references, logging to its own encrypted log group,
 * X-Ray tracing, and a role whose permissions are exactly what the tasks declare plus logs and traces.
 */
export class WorkflowStateMachine extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  /** The rendered workflow (definition with tokens, tasks, their statements). */
  readonly workflow: MlWorkflow;
  /** The definition as synthesized: JSON with Terraform references (`${var.threshold}` unquoted). */
  readonly definition: string;
  /** Every statement of the role's inline policy. */
  readonly policyStatements: PolicyStatement[];
  /** State machine ARN and name (Terraform references / known at synth). */
  readonly arn: string;
  readonly name: string;

  constructor(scope: Construct, id: string, props: WorkflowStateMachineProps) {
    super(scope, id);
    const { env, model, names, variables } = props;
    const target = props.target ?? awsTarget(this, env.region, env.accountId);

    // Images resolve per region: the provider knows each region's registry.
    const images =
      props.images ??
      imageUris(model.images, (image, kind) => new DataAwsSagemakerPrebuiltEcrImage(this, `${kind}-image`, image).registryPath);

    this.workflow = buildMlWorkflow({
      scope: target,
      environment: env.name,
      artifactBucket: props.artifactBucketName,
      sageMakerRoleArn: props.sageMakerRoleArn,
      analyzeFunctionArn: props.analyzeFunctionArn,
      kmsKeyArn: props.kmsKeyArn,
      model,
      images,
      instanceTypes: env.instanceTypes,
      hyperparameters: Object.fromEntries(
        Object.entries(variables.hyperparameters).map(([name, variable]) => [name, variable.stringValue]),
      ),
      // Spliced in unquoted, so the Choice compares with a JSON number.
      threshold: new RawNumber(variables.threshold.stringValue),
      tags: workflowTags(env.name, names.project),
      modelRegistry: modelRegistryParams(env.name, model),
    });
    this.definition = serializeDefinition(this.workflow.definition);

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: names.logGroup("states", "ml-workflow"),
      retentionInDays: env.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });

    this.policyStatements = [...mergeStatements(this.workflow.policyStatements), LOG_DELIVERY_STATEMENT, TRACING_STATEMENT];
    this.role = new ServiceRole(this, "role", {
      name: names.role("workflow"),
      description: `Runs the ${names.prefix} ML workflow: its SageMaker jobs and model, the analyze-results Lambda, logs and traces`,
      servicePrincipal: "states.amazonaws.com",
      sourceAccount: target.accountId,
      statements: this.policyStatements,
    });

    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name: names.stateMachine,
      type: "STANDARD",
      roleArn: this.role.arn,
      definition: this.definition,
      loggingConfiguration: {
        // Step Functions requires the log group ARN with the `:*` suffix.
        logDestination: `${this.logGroup.arn}:*`,
        includeExecutionData: env.includeExecutionData,
        level: "ALL",
      },
      tracingConfiguration: { enabled: true },
      // Step Functions checks at creation that the role may deliver logs.
      dependsOn: [this.role.policy],
    });
    this.arn = this.stateMachine.arn;
    this.name = names.stateMachine;
  }
}

/**
 * Statements with the same effect, resources and conditions merged into one (actions united, in
 * first-seen order), so a permission several tasks need (PassRole, the `.sync` rule) appears once.
 */
export function mergeStatements(statements: PolicyStatement[]): PolicyStatement[] {
  const merged = new Map<string, PolicyStatement>();
  for (const statement of statements) {
    const key = JSON.stringify([statement.effect ?? "Allow", statement.resources, statement.conditions ?? null]);
    const existing = merged.get(key);
    if (existing) existing.actions = [...new Set([...existing.actions, ...statement.actions])];
    else merged.set(key, { ...statement, actions: [...statement.actions] });
  }
  return [...merged.values()];
}
