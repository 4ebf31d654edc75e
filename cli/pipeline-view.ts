/** The pipeline view as text: one drawing of a PipelineReport, and the facts whose changes `--watch` prints as lines. */
import { MODEL } from "../models";
import { describeFailure, formatDuration, formatMetric, ICONS, summaryLines } from "./progress-view";
import { ApprovalReport, PipelineReport } from "./pipeline-state";
import { consoleUrl } from "./state-machine";

const ACTION_ICONS: Record<string, string> = {
  Succeeded: ICONS.succeeded,
  InProgress: ICONS.running,
  Failed: ICONS.failed,
  Abandoned: ICONS.failed,
};

/** The commands that answer a waiting approval: the CLI's own, and the AWS CLI's with the token. */
export function approvalCommands(environment: string, pipeline: string, region: string, approval: ApprovalReport) {
  const aws = (status: string) =>
    `aws codepipeline put-approval-result --region ${region} --pipeline-name ${pipeline} --stage-name ${approval.stage} --action-name ${approval.action} --token ${approval.token} --result 'status=${status},summary=<why>'`;
  return {
    approve: `workflow approve --env ${environment} --summary "<why>"`,
    reject: `workflow reject --env ${environment} --summary "<why>"`,
    awsApprove: aws("Approved"),
    awsReject: aws("Rejected"),
  };
}

const time = (at?: Date) => (at ? at.toISOString().replace(/\.\d{3}Z$/, "Z") : "");
const firstLine = (text?: string) => (text ?? "").split("\n")[0].trim();

/** The whole view of one report, `now` giving running actions their time so far. */
export function pipelineLines(report: PipelineReport, now: number): string[] {
  const lines: string[] = [];
  const execution = report.execution;
  if (!execution) lines.push(`${report.pipeline} (${report.region}): no executions yet`);
  else {
    const took = execution.startedAt
      ? ` (${formatDuration((execution.updatedAt && execution.status !== "InProgress" ? execution.updatedAt.getTime() : now) - execution.startedAt.getTime())})`
      : "";
    lines.push(
      `${report.pipeline} (${report.region}) · execution ${execution.pipelineExecutionId}: ${execution.status ?? "?"}, started ${time(execution.startedAt)}${took}`,
    );
    if (execution.statusSummary) lines.push(`  ${firstLine(execution.statusSummary)}`);
    for (const source of execution.source) {
      lines.push(
        `  source ${source.name ?? "?"}: ${source.revisionId?.slice(0, 12) ?? "?"} ${JSON.stringify(firstLine(source.message))}${source.url ? ` ${source.url}` : ""}`,
      );
    }
  }

  const actions = report.stages.flatMap((s) => s.actions);
  const stageWidth = Math.max(5, ...actions.map((a) => a.stage.length));
  const actionWidth = Math.max(6, ...actions.map((a) => a.action.length));
  lines.push("Stages:");
  for (const a of actions) {
    if (!a.reached) {
      // Another execution's result: never shown as this one's.
      const last = a.status ? `last ${a.status} ${time(a.updatedAt)} in execution ${a.pipelineExecutionId ?? "?"}` : "";
      lines.push(
        `  ${ICONS.pending} ${a.stage.padEnd(stageWidth)}  ${a.action.padEnd(actionWidth)}  not reached  ${last}`.trimEnd(),
      );
      continue;
    }
    const ended = a.status !== "InProgress" && a.updatedAt ? a.updatedAt.getTime() : now;
    const took = a.startedAt ? formatDuration(ended - a.startedAt.getTime()) : "";
    const since = a.updatedAt ? `last change ${time(a.updatedAt)}` : "";
    const row = `  ${ACTION_ICONS[a.status ?? ""] ?? ICONS.pending} ${a.stage.padEnd(stageWidth)}  ${a.action.padEnd(actionWidth)}  ${(a.status ?? "?").padEnd(10)}  ${took.padEnd(8)}  ${since}`;
    lines.push(row.trimEnd());
    if (a.error) lines.push(`      ${a.error}`);
  }

  const run = report.run;
  if (run) {
    const took = run.outcome.durationMs === undefined ? "" : ` in ${formatDuration(run.outcome.durationMs)}`;
    lines.push(`Run ${run.runId}: ${run.outcome.status}${took}`, `  ${consoleUrl(run.executionArn)}`);
    const width = Math.max(10, ...run.states.map((s) => s.name.length));
    for (const s of run.states) {
      const took = s.durationMs === undefined ? formatDuration(now - Date.parse(s.enteredAt)) : formatDuration(s.durationMs);
      lines.push(`  ${ICONS[s.status]} ${s.name.padEnd(width)}  ${s.type.padEnd(6)}  ${took}`);
    }
    lines.push(
      ...summaryLines(run.outcome)
        .slice(1)
        .map((line) => `  ${line}`),
    );
    if (run.reportUri) lines.push(`  Evaluation report: ${run.reportUri}`);
  } else if (execution) lines.push("Run: BuildModel has not started a workflow run for this execution");

  if (report.approval) {
    const commands = approvalCommands(report.environment, report.pipeline, report.region, report.approval);
    const of = report.approval.pipelineExecutionId ? ` for execution ${report.approval.pipelineExecutionId}` : "";
    lines.push(
      `Approval ${report.approval.stage}/${report.approval.action} waiting since ${time(report.approval.waitingSince)}${of}:`,
    );
    lines.push(`  approve: ${commands.approve}`, `  reject:  ${commands.reject}`, `  or:      ${commands.awsApprove}`);
  }

  const endpoint = report.endpoint;
  const models = endpoint.models
    .map((m) => `${m.model ?? "?"} (${m.variant ?? "?"}, ${m.instanceType ?? "?"} × ${m.instanceCount ?? "?"})`)
    .join(", ");
  const serving =
    endpoint.status === "NotDeployed"
      ? "not deployed yet"
      : `${endpoint.status}, config ${endpoint.configName ?? "?"}, model ${models || "?"}, updated ${time(endpoint.updatedAt)}`;
  lines.push(`Endpoint ${endpoint.name}: ${serving}`);
  if (endpoint.failureReason) lines.push(`  ${describeFailure(undefined, endpoint.failureReason)}`);
  return lines;
}

/** What `--watch` reports as a line when it changes: statuses, the run's states, the approval, the endpoint. */
export function pipelineFacts(report: PipelineReport): Map<string, string> {
  const facts = new Map<string, string>();
  if (report.execution) facts.set("execution", `execution ${report.execution.pipelineExecutionId}: ${report.execution.status}`);
  for (const a of report.stages.flatMap((s) => s.actions))
    facts.set(
      `action ${a.stage}/${a.action}`,
      a.reached ? `${a.stage}/${a.action}: ${a.status}${a.error ? ` — ${a.error}` : ""}` : `${a.stage}/${a.action}: not reached`,
    );
  if (report.run) {
    for (const s of report.run.states)
      facts.set(
        `state ${s.name}`,
        `run ${report.run.runId}: ${s.name} ${s.status}${s.error || s.cause ? `: ${describeFailure(s.error, s.cause)}` : ""}`,
      );
    const { metric, threshold } = report.run.outcome;
    if (metric !== undefined)
      facts.set(
        "metric",
        `run ${report.run.runId}: ${MODEL.metric.name} ${formatMetric(metric, threshold)} (threshold ${threshold ?? "?"})`,
      );
  }
  if (report.approval) {
    const commands = approvalCommands(report.environment, report.pipeline, report.region, report.approval);
    facts.set(
      "approval",
      `approval ${report.approval.stage}/${report.approval.action} waiting: ${commands.approve} | ${commands.reject}`,
    );
  }
  facts.set(
    "endpoint",
    `endpoint ${report.endpoint.name}: ${report.endpoint.status}${report.endpoint.models.length ? ` (${report.endpoint.models.map((m) => m.model).join(", ")})` : ""}`,
  );
  return facts;
}
