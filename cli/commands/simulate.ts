/** `workflow simulate`: run the environment's real definition locally, with the same progress view as run --wait. */
import { MODEL } from "../../models";
import { readFile } from "node:fs/promises";
import { analyzeEvaluation } from "../../assets/analyze-results/analyze";
import { ResourceNames } from "../../modules/naming";
import { runNames } from "../../modules/workflow/execution-input";
import { runKeys } from "../../modules/s3-layout";
import type { AnalyzePayload } from "../simulate/local-run";
import { STATE_NAMES, TASK_STATE_NAMES, TaskStateName } from "../../modules/workflow/ml-workflow";
import { PLACEHOLDERS, renderEnvironmentDefinition } from "../../modules/workflow/render-environment";
import { statesInOrder } from "../asl";
import { Command, ENV_OPTION, environmentFlag, numberFlag, stringFlag, writeJson } from "../args";
import { ExitCode, UsageError, WorkflowFailedError } from "../errors";
import { failureMessage, SILENT, stateReport, wantsLiveView } from "../execution-follow";
import { ProgressView } from "../progress-view";
import { RUN_ID_OPTION, runIdFlag } from "../run-id";
import { fromSimulationEvent } from "../simulate/simulation-events";
import { summarizeOutcome } from "../workflow-outcome";

const quotedStates = TASK_STATE_NAMES.map((s) => JSON.stringify(s)).join(", ");

/** The model's metric by its own name as a flag, e.g. `--rmse` for `--metric`, where the name makes a flag. */
const METRIC = MODEL.metric.name;
const METRIC_ALIAS =
  /^[a-z][a-z0-9-]*$/.test(METRIC.toLowerCase()) && METRIC.toLowerCase() !== "metric" ? METRIC.toLowerCase() : undefined;
const metricOption = {
  type: "string",
  valueName: "<x>",
  description: `${METRIC} the stand-in analyze function returns. Default: a value that passes the threshold`,
} as const;
const gateExample =
  MODEL.metric.direction === "lower"
    ? "fails every shipped threshold at or below it"
    : "fails every shipped threshold at or above it";

/** The task named by --fail, or a usage error listing the ones that can fail. */
function failingState(name: string | undefined): TaskStateName | undefined {
  if (name === undefined) return undefined;
  if ((TASK_STATE_NAMES as readonly string[]).includes(name)) return name as TaskStateName;
  throw new UsageError(
    `--fail: unknown task state ${JSON.stringify(name)} (tasks: ${quotedStates})`,
    "quote the state name exactly as it is in the workflow",
  );
}

/** The local evaluation file's text; a missing or unreadable file is a usage error naming it. */
async function readEvaluationFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new UsageError(
      `--evaluation: cannot read ${JSON.stringify(path)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      'pass a JSON file {"GroundTruth": [...], "Predictions": [...]}',
    );
  }
}

export const simulateCommand: Command = {
  name: "simulate",
  description: `
Runs the environment's real definition (the one 'render' prints) in aws-local-stepfunctions:
paths, intrinsic functions, retries, catches and the threshold Choice all run as in Step
Functions. SageMaker tasks answer with plausible job descriptions; '${STATE_NAMES.analyze}'
returns --metric (the model's ${METRIC}${METRIC_ALIAS ? `, also --${METRIC_ALIAS}` : ""}), or runs the real analyze-results
handler on a local evaluation.json given with --evaluation. --fail makes one task fail the way its service reports it. Prints the same
progress view as 'run --wait'; exit 0 when the simulated execution succeeds, 1 when it fails.

Examples:
  workflow simulate --env prod --metric ${MODEL.metric.threshold}                     # ${gateExample}
  workflow simulate --env dev --evaluation evaluation.json      # the real handler computes the ${METRIC}
  workflow simulate --env staging --fail "Model Training"`,
  options: {
    env: ENV_OPTION,
    metric: metricOption,
    ...(METRIC_ALIAS ? { [METRIC_ALIAS]: { ...metricOption, description: "the same as --metric" } } : {}),
    evaluation: {
      type: "string",
      valueName: "<file.json>",
      description: "evaluation.json for the real analyze-results handler (instead of --metric)",
    },
    fail: { type: "string", valueName: "<state>", description: `make this task fail: ${quotedStates}` },
    "run-id": RUN_ID_OPTION,
  },
  async run(args, deps) {
    const env = environmentFlag(args, deps);
    const metricFlag = (name: string) => numberFlag(args, name, (n) => Number.isFinite(n) && n >= 0, "a non-negative number");
    const metric = metricFlag("metric");
    const alias = METRIC_ALIAS === undefined ? undefined : metricFlag(METRIC_ALIAS);
    if (metric !== undefined && alias !== undefined)
      throw new UsageError(`--metric and --${METRIC_ALIAS} are the same flag`, "give one of them");
    const evaluationPath = stringFlag(args, "evaluation");
    if ((metric ?? alias) !== undefined && evaluationPath !== undefined)
      throw new UsageError(
        `--metric and --evaluation exclude each other`,
        `give the ${METRIC} directly, or the file the handler computes it from`,
      );
    const failState = failingState(stringFlag(args, "fail"));
    const runId = runIdFlag(args, deps, env.name);
    const evaluationText = evaluationPath === undefined ? undefined : await readEvaluationFile(evaluationPath);

    const json = Boolean(args.values.json);
    const definition = renderEnvironmentDefinition(env, MODEL);
    const name = new ResourceNames(env.name, MODEL.name).stateMachine;
    if (!json) {
      deps.stdout.write(
        `Simulating ${name} locally (aws-local-stepfunctions, SageMaker and Lambda stand-ins), run id ${runId}\n`,
      );
      if (evaluationPath !== undefined) {
        const key = runKeys.evaluation(runId, runNames(MODEL.name, env.name, runId).TrainingJobName);
        deps.stdout.write(
          `  ${STATE_NAMES.analyze}: the real analyze-results handler reads ${evaluationPath} as s3://${PLACEHOLDERS.artifactBucket}/${key}\n`,
        );
      }
    }
    const view = new ProgressView({
      out: json ? SILENT : deps.stdout,
      live: wantsLiveView(deps, json),
      clock: deps.clock,
      title: `${env.name} · ${runId} (simulated)`,
      plannedStates: statesInOrder(definition),
    });
    // The real handler, given a reader that returns the local file instead of the S3 object.
    const analyze =
      evaluationText === undefined
        ? undefined
        : (payload: AnalyzePayload) => analyzeEvaluation(payload, async () => evaluationText);
    // The local interpreter (and its polyfill) load only for this command.
    const { simulateWorkflow } = await import("../simulate/local-run");
    const result = await simulateWorkflow(definition, {
      environment: env.name,
      runId,
      metric: metric ?? alias,
      analyze,
      failState,
      region: env.region,
      accountId: env.accountId,
      now: () => new Date(deps.clock.now()),
      onEvent: (event) => fromSimulationEvent(event).forEach((e) => view.handle(e)),
    });
    const outcome = summarizeOutcome(view.progress, definition);
    if (json) {
      writeJson(deps, {
        environment: env.name,
        runId,
        outcome,
        path: result.path,
        states: view.progress.states.map(stateReport),
        taskCalls: result.calls,
        output: result.output,
      });
    } else view.finish(outcome);
    if (outcome.status !== "SUCCEEDED")
      throw new WorkflowFailedError(
        `simulated ${failureMessage(runId, outcome)}`,
        "the simulation ran no AWS resources; see the states above",
      );
    return ExitCode.Succeeded;
  },
};
