/** `workflow run`: start the environment's workflow for one run id, optionally following it to the end. */
import { MODEL } from "../../models";
import { DescribeExecutionCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import * as fs from "fs";
import { ARTIFACT_BUCKET_VARIABLE, COMMIT_VARIABLE, KMS_KEY_ARN_VARIABLE } from "../../modules/build-variables";
import { executionInput } from "../../modules/workflow/execution-input";
import { UNKNOWN_COMMIT } from "../../modules/workflow/model-version";
import { Command, ENV_OPTION, environmentFlag, STATE_MACHINE_OPTION, stringFlag, writeJson } from "../args";
import { CliDeps } from "../deps";
import { awsCall, ExitCode, fromAwsError, UsageError, WorkflowFailedError } from "../errors";
import { definitionOf, failureMessage, showExecution } from "../execution-follow";
import { RUN_ID_OPTION, runIdFlag } from "../run-id";
import { runReport, uploadReport } from "../run-report";
import { consoleUrl, executionArnFor, regionOfArn, resolveStateMachineArn } from "../state-machine";

/** Whether two execution inputs (JSON text) hold the same document. */
function sameInput(a: string | undefined, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a ?? "null")) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

/** Starts the execution named `runId`, or attaches to an existing one started with the same input. */
async function startOrAttach(stateMachineArn: string, runId: string, input: string, deps: CliDeps) {
  const sfn = deps.aws.sfn(regionOfArn(stateMachineArn));
  try {
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: runId, input }));
    return {
      executionArn: started.executionArn ?? executionArnFor(stateMachineArn, runId),
      startDate: started.startDate,
      attached: false,
    };
  } catch (err) {
    if ((err as Error)?.name !== "ExecutionAlreadyExists") {
      throw fromAwsError(err, "StartExecution");
    }
  }
  // Same name: a retried build of the same run. Attach if it is the same run, refuse if not.
  const executionArn = executionArnFor(stateMachineArn, runId);
  const existing = await awsCall("DescribeExecution", () => sfn.send(new DescribeExecutionCommand({ executionArn })));
  if (!sameInput(existing.input, input)) {
    throw new UsageError(
      `execution ${runId} already exists on ${stateMachineArn} with a different input (${existing.input ?? "none"}; this run's is ${input})`,
      "use another --run-id",
    );
  }
  return { executionArn, startDate: existing.startDate, attached: true, status: existing.status };
}

export const runCommand: Command = {
  name: "run",
  description: `
Starts an execution of the environment's state machine named after the run id, with the
per-run names and the commit (recorded with the registered model version) as input:
${Object.entries(executionInput(MODEL.name, "<env>", "<id>", `$${COMMIT_VARIABLE}, else ${UNKNOWN_COMMIT}`))
  .map(([field, name]) => `  ${field} = ${name}`)
  .join("\n")}
Every name is
checked against SageMaker's rules (at most 63 characters, letters, digits and '-') before AWS is
called. Starting a run id again with the same input attaches to the existing execution.

With --wait, follows the execution: each state as it is entered, succeeds or fails, with
durations (a table redrawn in place in a terminal, plain lines in CI or a pipe), then the final
status, the ${MODEL.metric.name} and the threshold decision, or the failing state with its error and cause.
Exit 0 when it succeeded, 1 when it failed, was aborted or timed out.

With --report <file> (and --wait), a run that succeeded gets its evaluation report: the RMSE
against the threshold, epochs and batch size, the commit ($${COMMIT_VARIABLE}), the
model, data and evaluation locations and the execution's console link, written as report.json and
report.md next to the run's evaluation.json in $${ARTIFACT_BUCKET_VARIABLE} (encrypted with $${KMS_KEY_ARN_VARIABLE}),
and as JSON to <file> (BuildModel exports its values for the approval).

Examples:
  workflow run --env dev --wait
  workflow run --env prod --run-id "$CODEBUILD_RUN_ID" --wait --json
  ARTIFACT_BUCKET=${MODEL.name}-prod-artifacts-111122223333 workflow run --env prod --wait --report run-report.json`,
  options: {
    env: ENV_OPTION,
    "run-id": RUN_ID_OPTION,
    wait: { type: "boolean", description: "follow the execution until it ends; exit 1 unless it succeeded" },
    "state-machine-arn": STATE_MACHINE_OPTION,
    report: {
      type: "string",
      valueName: "<file>",
      description: `with --wait: write the evaluation report of a run that succeeded to S3 and to <file>. Needs $${ARTIFACT_BUCKET_VARIABLE}`,
    },
  },
  async run(args, deps) {
    const env = environmentFlag(args, deps);
    const runId = runIdFlag(args, deps, env.name);
    const reportFile = stringFlag(args, "report");
    const bucket = deps.env[ARTIFACT_BUCKET_VARIABLE];
    if (reportFile && !args.values.wait) throw new UsageError("--report needs --wait (the report is of a finished run)");
    if (reportFile && !bucket) throw new UsageError(`--report needs the artifact bucket`, `set ${ARTIFACT_BUCKET_VARIABLE}`);
    const input = JSON.stringify(executionInput(MODEL.name, env.name, runId, deps.env[COMMIT_VARIABLE] || undefined));
    const stateMachineArn = await resolveStateMachineArn(args, env, deps);
    const json = Boolean(args.values.json);

    const started = await startOrAttach(stateMachineArn, runId, input, deps);
    if (!json) {
      const attached = started.attached ? ` (already ${started.status ?? "started"})` : "";
      deps.stdout.write(
        `${started.attached ? "Attached to existing" : "Started"} execution ${runId}${attached} of ${stateMachineArn}\n`,
      );
      deps.stdout.write(`  ${consoleUrl(started.executionArn)}\n`);
    }
    const base = {
      runId,
      executionArn: started.executionArn,
      stateMachineArn,
      attached: started.attached,
      ...(started.attached ? { status: started.status } : {}),
      input: JSON.parse(input),
    };
    if (!args.values.wait) {
      if (json) writeJson(deps, { ...base, startDate: started.startDate });
      return ExitCode.Succeeded;
    }
    const definition = await definitionOf(started.executionArn, deps);
    const result = await showExecution(started.executionArn, deps, {
      json,
      follow: true,
      title: `${env.name} · ${runId}`,
      definition,
    });
    if (json) writeJson(deps, { ...base, ...result });
    if (result.outcome.status !== "SUCCEEDED")
      throw new WorkflowFailedError(failureMessage(runId, result.outcome), `see ${consoleUrl(started.executionArn)}`);
    if (reportFile && bucket) {
      const region = regionOfArn(started.executionArn);
      const report = runReport({
        runId,
        environment: env.name,
        region,
        bucket,
        executionArn: started.executionArn,
        consoleUrl: consoleUrl(started.executionArn),
        outcome: result.outcome,
        definition,
        commit: deps.env[COMMIT_VARIABLE],
        output: result.output,
      });
      await uploadReport(deps, region, bucket, report, deps.env[KMS_KEY_ARN_VARIABLE] || undefined);
      try {
        fs.writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
      } catch (error) {
        throw new UsageError(
          `--report: cannot write ${JSON.stringify(reportFile)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        );
      }
      if (!json) deps.stdout.write(`Evaluation report: ${report.report.markdown} (${report.report.consoleUrl})\n`);
    }
    return ExitCode.Succeeded;
  },
};
