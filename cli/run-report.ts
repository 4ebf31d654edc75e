/**
 * The evaluation report of a run that passed its gate: the evidence an approver reads (metrics,
 * parameters, where the model and data are), as JSON and Markdown next to the run's evaluation.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { runNames } from "../modules/workflow/execution-input";
import { runKeys, S3_LAYOUT } from "../modules/s3-layout";
import { MODEL_VERSION_ARN_PATH } from "../modules/workflow/ml-workflow";
import { valueAtPath } from "./asl";
import { CliDeps } from "./deps";
import { awsCall } from "./errors";
import { WorkflowOutcome } from "./workflow-outcome";

export interface RunReport {
  runId: string;
  environment: string;
  status: string;
  rmse?: number;
  threshold?: number;
  epochs?: number;
  batchSize?: number;
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

/** The training hyperparameters of a definition: the task whose `HyperParameters` name `epochs`. */
export function trainingParameters(definition: unknown): { epochs?: number; batchSize?: number } {
  const states = Object.values(
    (definition as { States?: Record<string, { Parameters?: { HyperParameters?: Record<string, unknown> } }> })?.States ?? {},
  );
  const hyper = states.map((state) => state.Parameters?.HyperParameters).find((h) => h && "epochs" in h);
  const number = (value: unknown) => (value === undefined || Number.isNaN(Number(value)) ? undefined : Number(value));
  return { epochs: number(hyper?.epochs), batchSize: number(hyper?.["batch-size"]) };
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
  const names = runNames(options.environment, runId);
  const versionArn = valueAtPath(options.output, MODEL_VERSION_ARN_PATH);
  const s3 = (key: string) => `s3://${bucket}/${key}`;
  const jsonKey = runKeys.report(runId, names.TrainingJobName, "json");
  const markdownKey = runKeys.report(runId, names.TrainingJobName, "md");
  return {
    runId,
    environment: options.environment,
    status: options.outcome.status,
    rmse: options.outcome.rmse,
    threshold: options.outcome.threshold,
    ...trainingParameters(options.definition),
    commit: options.commit,
    execution: { arn: options.executionArn, consoleUrl: options.consoleUrl },
    model: { name: names.ModelName, artifact: s3(runKeys.modelArtifact(runId, names.TrainingJobName)) },
    ...(typeof versionArn === "string" ? { modelVersion: { arn: versionArn } } : {}),
    data: {
      raw: s3(S3_LAYOUT.rawData),
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
  const verdict =
    report.rmse !== undefined && report.threshold !== undefined
      ? report.rmse < report.threshold
        ? "below the threshold: passed"
        : "not below the threshold"
      : "";
  return [
    `# Run ${report.runId} (${report.environment})`,
    "",
    `| | |`,
    `|---|---|`,
    `| status | ${report.status} |`,
    `| RMSE | ${shown(report.rmse)} (threshold ${shown(report.threshold)}${verdict ? `; ${verdict}` : ""}) |`,
    `| epochs | ${shown(report.epochs)} |`,
    `| batch size | ${shown(report.batchSize)} |`,
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
