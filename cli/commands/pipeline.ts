/** `workflow pipeline | approve | reject`: where an environment's release stands, and the answer to its approval. */
import { MODEL } from "../../models";
import { PutApprovalResultCommand } from "@aws-sdk/client-codepipeline";
import { UpdateModelPackageCommand } from "@aws-sdk/client-sagemaker";
import { RELEASE_STAGES } from "../../modules/pipeline/stages";
import { EnvironmentConfig } from "../../environments/schema";
import { ResourceNames } from "../../modules/naming";
import { Command, ENV_OPTION, environmentFlag, ParsedArgs, STATE_MACHINE_OPTION, stringFlag, writeJson } from "../args";
import { CliDeps, DEFAULT_PIPELINE_POLL_SECONDS } from "../deps";
import { AwsError, awsCall, ExitCode, fromAwsError, UsageError, WorkflowFailedError } from "../errors";
import { wantsLiveView } from "../execution-follow";
import {
  actionExecutions,
  ENDED_EXECUTION,
  FAILED_EXECUTION,
  getPipelineState,
  PipelineReport,
  readPipelineReport,
  waitingApproval,
} from "../pipeline-state";
import { approvalCommands, pipelineFacts, pipelineLines } from "../pipeline-view";
import { redrawnText } from "../progress-view";

/** The CodePipeline console page of one execution. */
function pipelineConsoleUrl(report: PipelineReport, pipelineExecutionId: string): string {
  return `https://${report.region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${report.pipeline}/executions/${pipelineExecutionId}/timeline?region=${report.region}`;
}

/** Nothing changes without a person once the execution has ended or waits for its approval. */
const settled = (report: PipelineReport) =>
  !report.execution || ENDED_EXECUTION.has(report.execution.status ?? "") || report.approval !== undefined;

/** The report as --json prints it: the approval with the commands that answer it. */
function jsonReport(report: PipelineReport) {
  const { approval } = report;
  return {
    ...report,
    approval: approval && {
      ...approval,
      commands: approvalCommands(report.environment, report.pipeline, report.region, approval),
    },
  };
}

/** Draws the report again in place (terminal), or prints a stamped line per changed fact (CI, pipes). */
class PipelineWatch {
  private drawnLines = 0;
  private facts?: Map<string, string>;

  constructor(
    private readonly deps: CliDeps,
    private readonly live: boolean,
  ) {}

  show(report: PipelineReport): void {
    const now = this.deps.clock.now();
    if (this.live) {
      const lines = pipelineLines(report, now);
      this.deps.stdout.write(redrawnText(this.drawnLines, lines));
      this.drawnLines = lines.length;
      return;
    }
    const facts = pipelineFacts(report);
    if (!this.facts) this.deps.stdout.write(`${pipelineLines(report, now).join("\n")}\n`);
    else {
      const stamp = new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z");
      for (const [key, text] of facts) if (this.facts.get(key) !== text) this.deps.stdout.write(`[${stamp}] ${text}\n`);
    }
    this.facts = facts;
  }
}

export const pipelineCommand: Command = {
  name: "pipeline",
  description: `
Shows the environment's release pipeline (${MODEL.name}-<env>-pipeline) in one view: its stages and
actions with status and times, the latest execution with its source revision (commit and
message), the BuildModel run's workflow states with the ${MODEL.metric.name} against the deployed threshold, a
waiting approval with the commands that approve or reject it, and the endpoint's status and the
model it serves.

With --watch, refreshes every 15 seconds until the latest execution has ended or waits for its
approval: redrawn in place in a terminal, one stamped line per change in CI (CI set) or a pipe.
Exit 0 unless the latest execution failed or was stopped (exit 1).

Examples:
  workflow pipeline --env prod
  workflow pipeline --env staging --watch
  workflow pipeline --env dev --json`,
  options: {
    env: ENV_OPTION,
    watch: { type: "boolean", description: "refresh until the execution ends or waits for its approval" },
    "state-machine-arn": STATE_MACHINE_OPTION,
  },
  async run(args, deps) {
    const env = environmentFlag(args, deps);
    const json = Boolean(args.values.json);
    let report = await readPipelineReport(env, args, deps);
    if (!args.values.watch) {
      if (!json) deps.stdout.write(`${pipelineLines(report, deps.clock.now()).join("\n")}\n`);
    } else {
      const watch = json ? undefined : new PipelineWatch(deps, wantsLiveView(deps, json));
      watch?.show(report);
      while (!settled(report)) {
        await deps.clock.sleep((deps.pipelinePollSeconds ?? DEFAULT_PIPELINE_POLL_SECONDS) * 1000);
        report = await readPipelineReport(env, args, deps);
        watch?.show(report);
      }
    }
    if (json) writeJson(deps, jsonReport(report));
    const execution = report.execution;
    if (execution && FAILED_EXECUTION.has(execution.status ?? "")) {
      const why = execution.statusSummary ? `: ${execution.statusSummary}` : "";
      throw new WorkflowFailedError(
        `${report.pipeline} execution ${execution.pipelineExecutionId} ${execution.status}${why}`,
        `see ${pipelineConsoleUrl(report, execution.pipelineExecutionId)}`,
      );
    }
    return ExitCode.Succeeded;
  },
};

/** PutApprovalResult's limit on the summary. */
const MAX_SUMMARY_LENGTH = 512;

/** Answers the approval waiting in the environment's pipeline, with the token from its state. */
async function answerApproval(
  args: ParsedArgs,
  deps: CliDeps,
  status: "Approved" | "Rejected",
  summary: string,
): Promise<ExitCode> {
  const env: EnvironmentConfig = environmentFlag(args, deps);
  if (summary.length > MAX_SUMMARY_LENGTH)
    throw new UsageError(`--summary is ${summary.length} characters long; CodePipeline allows at most ${MAX_SUMMARY_LENGTH}`);
  if (!env.requireApproval) {
    throw new UsageError(
      `--env ${env.name}: its pipeline has no approval stage (requireApproval is false)`,
      `set requireApproval in environments/${env.name}.ts to ask for one`,
    );
  }
  const pipelineName = new ResourceNames(env.name, MODEL.name).pipeline;
  const codepipeline = deps.aws.codepipeline(env.region);
  const approval = waitingApproval(await getPipelineState(codepipeline, pipelineName));
  if (!approval) {
    throw new AwsError(
      `no approval is waiting in ${pipelineName} (${env.region})`,
      `run 'workflow pipeline --env ${env.name}' to see where the release stands`,
    );
  }
  const answered = await awsCall("PutApprovalResult", () =>
    codepipeline.send(
      new PutApprovalResultCommand({
        pipelineName,
        stageName: approval.stage,
        actionName: approval.action,
        token: approval.token,
        result: { status, summary },
      }),
    ),
  );
  const modelVersion = approval.pipelineExecutionId
    ? await recordOnModelVersion(deps, env, pipelineName, approval.pipelineExecutionId, status, summary)
    : undefined;
  const result = {
    pipeline: pipelineName,
    stage: approval.stage,
    action: approval.action,
    pipelineExecutionId: approval.pipelineExecutionId,
    status,
    summary,
    approvedAt: answered.approvedAt,
    modelVersion,
  };
  if (args.values.json) writeJson(deps, result);
  else {
    const of = approval.pipelineExecutionId ? ` execution ${approval.pipelineExecutionId}` : "";
    deps.stdout.write(
      `${status} ${approval.stage}/${approval.action} of ${pipelineName}${of} at ${answered.approvedAt?.toISOString() ?? "?"}: ${summary}\n`,
    );
    deps.stdout.write(
      modelVersion
        ? `Model version ${modelVersion}: ${status}\n`
        : "No model version recorded for this execution: the registry is unchanged\n",
    );
  }
  return ExitCode.Succeeded;
}

/**
 * Sets the answer on the model version the execution's BuildModel registered (its MODEL_PACKAGE_ARN):
 * the registry says which versions were approved or rejected, and why. Returns the version's ARN.
 */
async function recordOnModelVersion(
  deps: CliDeps,
  env: EnvironmentConfig,
  pipelineName: string,
  pipelineExecutionId: string,
  status: "Approved" | "Rejected",
  summary: string,
): Promise<string | undefined> {
  const details = await actionExecutions(deps.aws.codepipeline(env.region), pipelineName, pipelineExecutionId);
  const build = details.find((d) => d.actionName === RELEASE_STAGES.build.action);
  const arn = build?.output?.outputVariables?.MODEL_PACKAGE_ARN;
  if (!arn) return undefined;
  await awsCall("UpdateModelPackage", async () => {
    try {
      return await deps.aws
        .sagemaker(env.region)
        .send(new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: status, ApprovalDescription: summary }));
    } catch (err) {
      // The pipeline has the answer already; say what is left to do.
      throw new AwsError(
        `${status} in ${pipelineName}, but setting ${arn} to ${status} failed: ${(fromAwsError(err, "UpdateModelPackage") as Error).message}`,
        `set it with 'aws sagemaker update-model-package --model-package-arn ${arn} --model-approval-status ${status}'`,
      );
    }
  });
  return arn;
}

const summaryOption = (description: string, required: boolean) => ({
  type: "string" as const,
  valueName: "<text>",
  required,
  description,
});

export const approveCommand: Command = {
  name: "approve",
  description: `
Approves the approval action waiting in the environment's pipeline: reads its token from the
pipeline state (GetPipelineState) and answers with PutApprovalResult, so the Deploy stage
deploys the model; the model version that execution registered is marked Approved in the Model
Registry, with the summary. Exit 3 when no approval is waiting, 2 for an environment without one.

Examples:
  workflow approve --env prod --summary "${MODEL.metric.name} passed the threshold; reviewed the evaluation report"`,
  options: {
    env: ENV_OPTION,
    summary: summaryOption(
      "why, recorded on the approval (at most 512 characters). Default: approved with the workflow CLI",
      false,
    ),
  },
  run: (args, deps) => answerApproval(args, deps, "Approved", stringFlag(args, "summary") ?? "approved with the workflow CLI"),
};

export const rejectCommand: Command = {
  name: "reject",
  description: `
Rejects the approval action waiting in the environment's pipeline (token from GetPipelineState,
answer with PutApprovalResult): the execution fails and the endpoint keeps its model; the model
version that execution registered is marked Rejected in the Model Registry, with the summary, so
neither deploy nor rollback will serve it. Exit 3 when no approval is waiting, 2 for an environment
without one.

Examples:
  workflow reject --env staging --summary "evaluation used last month's data"`,
  options: { env: ENV_OPTION, summary: summaryOption("why, recorded on the approval (at most 512 characters)", true) },
  run: (args, deps) => answerApproval(args, deps, "Rejected", stringFlag(args, "summary", true)),
};
