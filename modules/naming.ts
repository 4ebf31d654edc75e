import { runNamePrefix } from "./run-names";

/**
 * Every name of one environment's resources, derived from (project, environment) only (the project
 * is the model's name),
 * so stacks, state files and AWS resources of different environments never collide.
 */
export class ResourceNames {
  /** `<project>-<environment>`: the prefix of every AWS resource name. */
  readonly prefix: string;

  constructor(
    readonly environment: string,
    readonly project: string,
  ) {
    this.prefix = `${project}-${environment}`;
  }

  /** Stack id, so `cdktf deploy <environment>` selects it. */
  get stackId(): string {
    return this.environment;
  }

  /** State file key in a remote state bucket. */
  get stateKey(): string {
    return `${this.project}/${this.environment}/terraform.tfstate`;
  }

  /** Local state file name, in the project root. */
  get localStateFile(): string {
    return `terraform.${this.environment}.tfstate`;
  }

  /**
   * The prefix of one environment's per-run names of a kind of job, `<project>-<env>-<kind>-` (e.g.
   * `<project>-dev-TrainingJob-`; the model's, without a kind, is `<project>-dev-`), so the jobs and
   * models of the environments of one account never share a name.
   */
  runNamePrefix(kind?: string): string {
    return runNamePrefix(this.project, this.environment, kind);
  }

  /** `<project>-<environment>-<suffix>`, the name of one resource. */
  resource(suffix: string): string {
    return `${this.prefix}-${suffix}`;
  }

  /** Artifact bucket: globally unique thanks to the account id. */
  artifactBucket(accountId: string): string {
    return `${this.prefix}-artifacts-${accountId}`;
  }

  /** IAM role of one service (`sagemaker`, `workflow`, `lambda`, `codebuild`, `codepipeline`, ...). */
  role(service: string): string {
    return this.resource(`${service}-role`);
  }

  /** The ML workflow state machine. */
  get stateMachine(): string {
    return this.resource("ml-workflow");
  }

  /** CloudWatch log group of a resource, under the prefix AWS uses for vended logs where it needs one. */
  logGroup(kind: "states" | "lambda" | "codebuild", suffix: string): string {
    const base = { states: "/aws/vendedlogs/states", lambda: "/aws/lambda", codebuild: "/aws/codebuild" }[kind];
    return `${base}/${this.resource(suffix)}`;
  }

  /** The real-time endpoint serving the approved model. */
  get endpoint(): string {
    return this.resource("endpoint");
  }

  /** SageMaker Model Registry group of one model: each passing run registers a version in it. */
  modelPackageGroup(model: string): string {
    return this.resource(model);
  }

  /** Endpoint configuration of one run. */
  endpointConfig(runId: string): string {
    return this.resource(`config-${runId}`);
  }

  /** CodeBuild project of one release step (`build-model`, `deploy-endpoint`). */
  buildProject(step: string): string {
    return this.resource(step);
  }

  /** The release pipeline (CodePipeline V2). */
  get pipeline(): string {
    return this.resource("pipeline");
  }

  /** SNS topic the alarms and pipeline failures notify. */
  get alarmTopic(): string {
    return this.resource("alarms");
  }

  /** CloudWatch alarm or EventBridge rule of one condition, e.g. `workflow-executions-failed`. */
  alarm(condition: string): string {
    return this.resource(condition);
  }
}
