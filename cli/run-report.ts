/**
 * The evaluation report of a run that passed its gate: the evidence an approver reads (metrics,
 * parameters, where the model and data are), as JSON and Markdown next to the run's evaluation.
 */
import { MetricDirection, passesGate, passingSide } from "../modules/workflow/gate";
import { STATE_NAMES } from "../modules/workflow/ml-workflow";
import { MODEL } from "../models";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { runNames } from "../modules/workflow/execution-input";
import { modelLayout, runKeys } from "../modules/s3-layout";
import { MODEL_VERSION_ARN_PATH } from "../modules/workflow/ml-workflow";
import { valueAtPath } from "./asl";
import { CliDeps } from "./deps";
import { awsCall } from "./errors";
import { WorkflowOutcome } from "./workflow-outcome";

export interface RunReport {
  runId: string;
  environment: string;
  status: string;
  /** The model's metric: its name, which way is better, and the run's value. */
  metricName: string;
  direction: MetricDirection;
  metric?: number;
  threshold?: number;
  /** The training job's hyperparameters, by the names the script receives. */
  hyperparameters: Record<string, string>;
  /** The commit the run was built from (CodeBuild's resolved source version), when known. */
  commit?: string;
  execution: { arn: string; consoleUrl: string };
  model: { name: string; artifact: string };
  /** The version the run registered in the environment's Model Registry group, pending approval. */
  modelVersion?: { arn: string };
  data: { raw: string; training: string; testing: string };
  evaluation: string;
  /** Where this report is: S3 URIs, and the console page of the Markdown. */
  report: { json: string; markdown: string; consoleUrl: string };
}

/** The training hyperparameters of a definition: the Model Training task's, without script mode's own (`sagemaker_*`). */
export function trainingParameters(definition: unknown): Record<string, string> {
  const states = (definition as { States?: Record<string, { Parameters?: { HyperParameters?: Record<string, unknown> } }> })
    ?.States;
  const hyper = states?.[STATE_NAMES.training]?.Parameters?.HyperParameters ?? {};
  return Object.fromEntries(
    Object.entries(hyper).flatMap(([name, value]) => (name.startsWith("sagemaker_") ? [] : [[name, String(value)]])),
  );
}

/** The report of a run, given where it ran and how it ended. */
export function runReport(options: {
  runId: string;
  environment: string;
  region: string;
  bucket: string;
  executionArn: string;
  consoleUrl: string;
  outcome: WorkflowOutcome;
  definition: unknown;
  commit?: string;
  /** The execution's output: it holds the registered version. */
  output?: unknown;
}): RunReport {
  const { runId, bucket, region } = options;
  const names = runNames(MODEL.name, options.environment, runId);
  const versionArn = valueAtPath(options.output, MODEL_VERSION_ARN_PATH);
  const s3 = (key: string) => `s3://${bucket}/${key}`;
  const jsonKey = runKeys.report(runId, names.TrainingJobName, "json");
  const markdownKey = runKeys.report(runId, names.TrainingJobName, "md");
  return {
    runId,
    environment: options.environment,
    status: options.outcome.status,
    metricName: MODEL.metric.name,
    direction: options.outcome.direction ?? MODEL.metric.direction,
    metric: options.outcome.metric,
    threshold: options.outcome.threshold,
    hyperparameters: trainingParameters(options.definition),
    commit: options.commit,
    execution: { arn: options.executionArn, consoleUrl: options.consoleUrl },
    model: { name: names.ModelName, artifact: s3(runKeys.modelArtifact(runId, names.TrainingJobName)) },
    ...(typeof versionArn === "string" ? { modelVersion: { arn: versionArn } } : {}),
    data: {
      raw: s3(modelLayout(MODEL).rawData),
      training: s3(`${runKeys.trainingData(runId, names.TrainingJobName)}/`),
      testing: s3(`${runKeys.testingData(runId, names.TrainingJobName)}/`),
    },
    evaluation: s3(runKeys.evaluation(runId, names.TrainingJobName)),
    report: {
      json: s3(jsonKey),
      markdown: s3(markdownKey),
      consoleUrl: `https://${region}.console.aws.amazon.com/s3/object/${bucket}?region=${region}&prefix=${encodeURIComponent(markdownKey)}`,
    },
  };
}

/** The report as Markdown, for a person. */
export function reportMarkdown(report: RunReport): string {
  const shown = (value: unknown) => (value === undefined ? "unknown" : String(value));
  const side = passingSide(report.direction);
  const verdict =
    report.metric !== undefined && report.threshold !== undefined
      ? passesGate(report.direction, report.metric, report.threshold)
        ? `${side} the threshold: passed`
        : `not ${side} the threshold`
      : "";
  return [
    `# Run ${report.runId} (${report.environment})`,
    "",
    `| | |`,
    `|---|---|`,
    `| status | ${report.status} |`,
    `| ${report.metricName} | ${shown(report.metric)} (threshold ${shown(report.threshold)}${verdict ? `; ${verdict}` : ""}) |`,
    ...Object.entries(report.hyperparameters).map(([name, value]) => `| ${name} | ${value} |`),
    `| commit | ${shown(report.commit)} |`,
    `| model | \`${report.model.name}\`, ${report.model.artifact} |`,
    `| model version | ${report.modelVersion ? `\`${report.modelVersion.arn}\` (pending approval)` : "not registered"} |`,
    `| evaluation | ${report.evaluation} |`,
    `| data | raw ${report.data.raw}; training ${report.data.training}; testing ${report.data.testing} |`,
    `| execution | [${report.execution.arn}](${report.execution.consoleUrl}) |`,
    "",
  ].join("\n");
}

/** Writes the report as JSON and Markdown next to the run's evaluation (encrypted with the key, when given). */
export async function uploadReport(
  deps: CliDeps,
  region: string,
  bucket: string,
  report: RunReport,
  kmsKeyArn?: string,
): Promise<void> {
  const s3 = deps.aws.s3(region);
  const encryption = kmsKeyArn ? { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: kmsKeyArn } : {};
  const put = (uri: string, body: string, contentType: string) => {
    const key = uri.slice(`s3://${bucket}/`.length);
    return awsCall("PutObject", () =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ...encryption })),
    );
  };
  await put(report.report.json, `${JSON.stringify(report, null, 2)}\n`, "application/json");
  await put(report.report.markdown, reportMarkdown(report), "text/markdown");
}
