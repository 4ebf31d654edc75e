/**
 * Where one environment's release stands, read from AWS: the pipeline's stages and actions, its
 * latest execution and source revision, the BuildModel run's workflow, a waiting approval and the
 * endpoint. `readPipelineReport` gathers it; the view and --json print it.
 */
import { MODEL } from "../models";
import {
  ActionExecutionDetail,
  CodePipelineClient,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  GetPipelineStateOutput,
  ListPipelineExecutionsCommand,
  paginateListActionExecutions,
} from "@aws-sdk/client-codepipeline";
import { DescribeEndpointCommand, DescribeEndpointConfigCommand } from "@aws-sdk/client-sagemaker";
import { ListExecutionsCommand } from "@aws-sdk/client-sfn";
import { EnvironmentConfig } from "../environments/schema";
import { ResourceNames } from "../modules/naming";
import { BUILD_VARIABLES_NAMESPACE } from "../modules/pipeline/run-id";
import { RELEASE_STAGES } from "../modules/pipeline/stages";
import { ParsedArgs } from "./args";
import { CliDeps } from "./deps";
import { awsCall, awsPages, fromAwsError, isSageMakerNotFound } from "./errors";
import { definitionOf, FollowResult, showExecution } from "./execution-follow";
import { executionArnFor, regionOfArn, resolveStateMachineArn } from "./state-machine";

export interface ActionReport {
  stage: string;
  action: string;
  /**
   * Whether the latest pipeline execution has reached the action. GetPipelineState reports each stage's
   * own latest execution, so an action it has not reached shows what an earlier execution did.
   */
  reached: boolean;
  /** The pipeline execution the status (and the times, summary and error) belong to. */
  pipelineExecutionId?: string;
  /** CodePipeline's ActionExecutionStatus in that execution, or undefined when the action never ran. */
  status?: string;
  /** When the action of the latest execution started and last changed (ListActionExecutions). */
  startedAt?: Date;
  updatedAt?: Date;
  summary?: string;
  error?: string;
  /** The action's page (the CodeBuild build, the console). */
  url?: string;
}

export interface StageReport {
  name: string;
  status?: string;
  /** The pipeline execution the stage last ran. */
  pipelineExecutionId?: string;
  actions: ActionReport[];
}

export interface ExecutionReport {
  pipelineExecutionId: string;
  status?: string;
  statusSummary?: string;
  startedAt?: Date;
  updatedAt?: Date;
  /** The source revisions: for CodeCommit and GitHub, the commit id and its message. */
  source: { name?: string; revisionId?: string; message?: string; url?: string }[];
}

export interface ApprovalReport {
  stage: string;
  action: string;
  pipelineExecutionId?: string;
  waitingSince?: Date;
  token: string;
}

export interface RunReport extends FollowResult {
  runId: string;
  executionArn: string;
  /** The run's evaluation report (the REPORT_URI BuildModel exported), once the run passed. */
  reportUri?: string;
}

export interface EndpointReport {
  name: string;
  /** SageMaker's EndpointStatus, or `NotDeployed` when there is no endpoint yet. */
  status: string;
  configName?: string;
  models: { variant?: string; model?: string; instanceType?: string; instanceCount?: number }[];
  failureReason?: string;
  updatedAt?: Date;
}

export interface PipelineReport {
  environment: string;
  pipeline: string;
  region: string;
  execution?: ExecutionReport;
  stages: StageReport[];
  run?: RunReport;
  approval?: ApprovalReport;
  endpoint: EndpointReport;
}

/** Pipeline execution statuses after which nothing changes any more. */
export const ENDED_EXECUTION = new Set(["Succeeded", "Failed", "Stopped", "Cancelled", "Superseded"]);
/** How a finished execution makes the command exit 1, as a failed or aborted workflow does. */
export const FAILED_EXECUTION = new Set(["Failed", "Stopped"]);

/** The approval action waiting for a person, with its token (GetPipelineState's latestExecution.token). */
export function waitingApproval(state: GetPipelineStateOutput): ApprovalReport | undefined {
  const { stage: stageName, action: actionName } = RELEASE_STAGES.approval;
  const stage = state.stageStates?.find((s) => s.stageName === stageName);
  const action = stage?.actionStates?.find((a) => a.actionName === actionName);
  const latest = action?.latestExecution;
  if (latest?.status !== "InProgress" || !latest.token) return undefined;
  return {
    stage: stageName,
    action: actionName,
    pipelineExecutionId: stage?.latestExecution?.pipelineExecutionId,
    waitingSince: latest.lastStatusChange,
    token: latest.token,
  };
}

export async function getPipelineState(codepipeline: CodePipelineClient, name: string): Promise<GetPipelineStateOutput> {
  return awsCall("GetPipelineState", () => codepipeline.send(new GetPipelineStateCommand({ name })));
}

/**
 * True when `runId` is the run BuildModel starts for this pipeline execution: the execution id
 * without dashes, cut to fit, then `-<build number>` (assets/buildspecs/build-model.yml).
 */
export function isRunOfPipelineExecution(runId: string, pipelineExecutionId: string): boolean {
  const match = /^([0-9a-f]{8,})-\d+$/.exec(runId);
  return match !== null && pipelineExecutionId.replace(/-/g, "").startsWith(match[1]);
}

/** Every action execution of one pipeline execution. */
export async function actionExecutions(
  codepipeline: CodePipelineClient,
  pipelineName: string,
  pipelineExecutionId: string,
): Promise<ActionExecutionDetail[]> {
  const details: ActionExecutionDetail[] = [];
  const pages = paginateListActionExecutions({ client: codepipeline }, { pipelineName, filter: { pipelineExecutionId } });
  for await (const page of awsPages("ListActionExecutions", pages)) details.push(...(page.actionExecutionDetails ?? []));
  return details;
}

async function latestExecution(codepipeline: CodePipelineClient, pipelineName: string): Promise<ExecutionReport | undefined> {
  const listed = await awsCall("ListPipelineExecutions", () =>
    codepipeline.send(new ListPipelineExecutionsCommand({ pipelineName, maxResults: 1 })),
  );
  const summary = listed.pipelineExecutionSummaries?.[0];
  if (!summary?.pipelineExecutionId) return undefined;
  const { pipelineExecutionId } = summary;
  const got = await awsCall("GetPipelineExecution", () =>
    codepipeline.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId })),
  );
  const execution = got.pipelineExecution;
  return {
    pipelineExecutionId,
    status: execution?.status ?? summary.status,
    statusSummary: execution?.statusSummary ?? summary.statusSummary,
    startedAt: summary.startTime,
    updatedAt: summary.lastUpdateTime,
    source: (execution?.artifactRevisions ?? []).map((r) => ({
      name: r.name,
      revisionId: r.revisionId,
      message: r.revisionSummary,
      url: r.revisionUrl,
    })),
  };
}

/**
 * The stages as GetPipelineState has them, each with the execution it last ran, and the times of the
 * latest execution's (`latestExecutionId`) actions.
 */
function stageReports(
  state: GetPipelineStateOutput,
  details: ActionExecutionDetail[],
  latestExecutionId?: string,
): StageReport[] {
  return (state.stageStates ?? []).map((stage) => ({
    name: stage.stageName ?? "?",
    status: stage.latestExecution?.status,
    pipelineExecutionId: stage.latestExecution?.pipelineExecutionId,
    actions: (stage.actionStates ?? []).map((action) => {
      const latest = action.latestExecution;
      const detail = details.find((d) => d.stageName === stage.stageName && d.actionName === action.actionName);
      const pipelineExecutionId = latest ? stage.latestExecution?.pipelineExecutionId : undefined;
      return {
        stage: stage.stageName ?? "?",
        action: action.actionName ?? "?",
        reached: pipelineExecutionId !== undefined && pipelineExecutionId === latestExecutionId,
        pipelineExecutionId,
        status: latest?.status,
        startedAt: detail?.startTime,
        updatedAt: latest?.lastStatusChange ?? detail?.lastUpdateTime,
        summary: latest?.summary,
        error: latest?.errorDetails?.message,
        url: latest?.externalExecutionUrl ?? action.entityUrl,
      };
    }),
  }));
}

/**
 * The BuildModel run of the latest execution: the RUN_ID it exported (BuildVariables), or while
 * it still runs, the newest workflow execution named after the pipeline execution.
 */
async function buildRun(
  env: EnvironmentConfig,
  args: ParsedArgs,
  deps: CliDeps,
  execution: ExecutionReport,
  details: ActionExecutionDetail[],
): Promise<RunReport | undefined> {
  const build = details.find(
    (d) => d.actionName === RELEASE_STAGES.build.action || d.input?.namespace === BUILD_VARIABLES_NAMESPACE,
  );
  if (!build) return undefined;
  const stateMachineArn = await resolveStateMachineArn(args, env, deps);
  let runId = build.output?.outputVariables?.RUN_ID;
  if (!runId) {
    const sfn = deps.aws.sfn(regionOfArn(stateMachineArn));
    const listed = await awsCall("ListExecutions", () =>
      sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 20 })),
    );
    runId = listed.executions?.find((e) => e.name && isRunOfPipelineExecution(e.name, execution.pipelineExecutionId))?.name;
  }
  if (!runId) return undefined;
  const executionArn = executionArnFor(stateMachineArn, runId);
  const definition = await definitionOf(executionArn, deps);
  const followed = await showExecution(executionArn, deps, { json: true, follow: false, title: runId, definition });
  return { runId, executionArn, reportUri: build.output?.outputVariables?.REPORT_URI, ...followed };
}

export async function endpointReport(env: EnvironmentConfig, deps: CliDeps): Promise<EndpointReport> {
  const name = new ResourceNames(env.name, MODEL.name).endpoint;
  const sagemaker = deps.aws.sagemaker(env.region);
  let endpoint;
  try {
    endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
  } catch (err) {
    if (isSageMakerNotFound(err)) return { name, status: "NotDeployed", models: [] };
    throw fromAwsError(err, "DescribeEndpoint");
  }
  const configName = endpoint.EndpointConfigName;
  const config = configName
    ? await awsCall("DescribeEndpointConfig", () =>
        sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName })),
      )
    : undefined;
  return {
    name,
    status: endpoint.EndpointStatus ?? "?",
    configName,
    models: (config?.ProductionVariants ?? []).map((v) => ({
      variant: v.VariantName,
      model: v.ModelName,
      instanceType: v.InstanceType,
      instanceCount: v.InitialInstanceCount,
    })),
    failureReason: endpoint.FailureReason,
    updatedAt: endpoint.LastModifiedTime,
  };
}

/** Reads everything the pipeline view shows, for one environment. */
export async function readPipelineReport(env: EnvironmentConfig, args: ParsedArgs, deps: CliDeps): Promise<PipelineReport> {
  const pipeline = new ResourceNames(env.name, MODEL.name).pipeline;
  const codepipeline = deps.aws.codepipeline(env.region);
  const state = await getPipelineState(codepipeline, pipeline);
  const execution = await latestExecution(codepipeline, pipeline);
  const details = execution ? await actionExecutions(codepipeline, pipeline, execution.pipelineExecutionId) : [];
  return {
    environment: env.name,
    pipeline,
    region: env.region,
    execution,
    stages: stageReports(state, details, execution?.pipelineExecutionId),
    run: execution ? await buildRun(env, args, deps, execution, details) : undefined,
    approval: waitingApproval(state),
    endpoint: await endpointReport(env, deps),
  };
}
