/** `workflow deploy`: put a registered model behind the environment's endpoint (create or update, wait for InService). */
import { MODEL } from "../../models";
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeEndpointOutput,
  DescribeModelCommand,
  ProductionVariantInstanceType,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateModelPackageCommand,
} from "@aws-sdk/client-sagemaker";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { BUCKET_NAME_PATTERN, EnvironmentConfig } from "../../environments/schema";
import { deploymentConfig, describeRollout, ENDPOINT_VARIANT, endpointAlarmNames, Rollout } from "../../modules/endpoint-release";
import { volumeKmsKeyFor } from "../../modules/aws-catalog";
import {
  ARTIFACT_BUCKET_VARIABLE,
  ENDPOINT_ROLLBACK_ALARMS_VARIABLE,
  ENVIRONMENT_CONFIG_VARIABLE,
  KMS_KEY_ARN_VARIABLE,
} from "../../modules/build-variables";
import { SMOKE_TEST_ROWS, smokeTest } from "../endpoint-smoke-test";
import { ResourceNames } from "../../modules/naming";
import { runNamePrefix, sageMakerNameProblem, timestampRunId } from "../../modules/run-names";
import { S3_LAYOUT } from "../../modules/s3-layout";
import { Command, ENV_OPTION, environmentFlag, numberFlag, ParsedArgs, stringFlag, writeJson } from "../args";
import { describeVersion, groupOf, ModelVersion, versionArnInGroup } from "../model-registry";
import { MODEL_VERSION_METADATA } from "../../modules/workflow/model-version";
import { CliDeps, DEFAULT_ENDPOINT_POLL_SECONDS } from "../deps";
import { AwsError, awsCall, ExitCode, fromAwsError, isSageMakerNotFound, UsageError, WorkflowFailedError } from "../errors";
import { formatDuration } from "../progress-view";

/** Statuses SageMaker passes through on its own; anything else is where an endpoint settles. */
const TRANSITIONAL = new Set(["Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting"]);

/** A SageMaker resource name problem, or undefined when SageMaker accepts it. */

/**
 * The endpoint's instance type and count and the rollout (the environment's: in the DeployEndpoint
 * build, its stack's ENVIRONMENT_CONFIG), and the alarms SageMaker rolls an update back on (in that
 * build, the stack sets them, as the plan showed them; by hand they follow the naming rules).
 */
export function endpointSettings(
  env: EnvironmentConfig,
  variables: Record<string, string | undefined>,
): { instanceType: string; instanceCount: number; rollout: Rollout; rollbackAlarms: string[] } {
  const rawAlarms = variables[ENDPOINT_ROLLBACK_ALARMS_VARIABLE];
  const rollbackAlarms =
    rawAlarms === undefined ? endpointAlarmNames(new ResourceNames(env.name, MODEL.name)) : rawAlarms.split(",").filter(Boolean);
  // SageMaker's AutoRollbackConfiguration takes 1 to 10 alarms.
  if (rollbackAlarms.length < 1 || rollbackAlarms.length > 10) {
    throw new UsageError(
      `$${ENDPOINT_ROLLBACK_ALARMS_VARIABLE} must name 1 to 10 CloudWatch alarms, comma-separated (got ${JSON.stringify(rawAlarms)})`,
    );
  }
  return {
    instanceType: env.instanceTypes.endpoint,
    instanceCount: env.endpointInstanceCount,
    rollout: env.rollout,
    rollbackAlarms,
  };
}

/** Everything one deployment needs, checked before AWS is called. */
export interface DeployPlan {
  env: EnvironmentConfig;
  /** The endpoint's instance type and count and rollout (the environment's), and its rollback alarms. */
  instanceType: string;
  instanceCount: number;
  rollout: Rollout;
  rollbackAlarms: string[];
  modelName: string;
  endpointName: string;
  endpointConfigName: string;
  bucket: string;
  kmsKeyArn?: string;
}

/** The CreateEndpointConfig request of a plan: AllTraffic on the environment's instances, data capture of input and output at 100 %. */
export function endpointConfigRequest(plan: DeployPlan) {
  const names = new ResourceNames(plan.env.name, MODEL.name);
  return {
    EndpointConfigName: plan.endpointConfigName,
    ProductionVariants: [
      {
        VariantName: ENDPOINT_VARIANT,
        ModelName: plan.modelName,
        InstanceType: plan.instanceType as ProductionVariantInstanceType,
        InitialInstanceCount: plan.instanceCount,
        InitialVariantWeight: 1,
      },
    ],
    DataCaptureConfig: {
      EnableCapture: true,
      InitialSamplingPercentage: 100,
      DestinationS3Uri: `s3://${plan.bucket}/${S3_LAYOUT.endpointDataCapture}`,
      KmsKeyId: plan.kmsKeyArn,
      CaptureOptions: [{ CaptureMode: "Input" as const }, { CaptureMode: "Output" as const }],
    },
    // The instances' storage volume, with the same key (none for local instance storage, which SageMaker refuses a key for).
    KmsKeyId: volumeKmsKeyFor(plan.instanceType, plan.kmsKeyArn),
    Tags: [
      { Key: "Project", Value: names.project },
      { Key: "Environment", Value: plan.env.name },
      { Key: "ManagedBy", Value: "workflow-cli" },
    ],
  };
}

/** Creates the run's endpoint config; if a retried deploy already made it for the same model, reuses it. */
async function ensureEndpointConfig(sagemaker: SageMakerClient, plan: DeployPlan): Promise<"created" | "reused"> {
  try {
    await sagemaker.send(new CreateEndpointConfigCommand(endpointConfigRequest(plan)));
    return "created";
  } catch (err) {
    if (!/already existing/i.test((err as Error)?.message ?? "")) throw fromAwsError(err, "CreateEndpointConfig");
  }
  const existing = await awsCall("DescribeEndpointConfig", () =>
    sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: plan.endpointConfigName })),
  );
  const models = (existing.ProductionVariants ?? []).map((v) => v.ModelName);
  if (models.length !== 1 || models[0] !== plan.modelName) {
    throw new UsageError(
      `endpoint config ${plan.endpointConfigName} already exists for model ${models.join(", ") || "none"}, not ${plan.modelName}`,
      "pass the --run-id of this model's run, or another --run-id",
    );
  }
  return "reused";
}

/** DescribeEndpoint, or undefined when the endpoint does not exist. */
async function describeEndpoint(sagemaker: SageMakerClient, endpointName: string): Promise<DescribeEndpointOutput | undefined> {
  try {
    return await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
  } catch (err) {
    if (isSageMakerNotFound(err)) return undefined;
    throw fromAwsError(err, "DescribeEndpoint");
  }
}

/** The rollback alarms now in ALARM, with CloudWatch's reason: what made SageMaker roll the update back. */
async function firedAlarms(deps: CliDeps, region: string, alarmNames: string[]): Promise<string[]> {
  if (alarmNames.length === 0) return [];
  const { MetricAlarms = [] } = await awsCall("DescribeAlarms", () =>
    deps.aws.cloudwatch(region).send(new DescribeAlarmsCommand({ AlarmNames: alarmNames })),
  );
  return MetricAlarms.filter((alarm) => alarm.StateValue === "ALARM").map(
    (alarm) => `${alarm.AlarmName} (${alarm.StateReason ?? "in ALARM"})`,
  );
}

/** Polls until the endpoint leaves the transitional statuses (or disappears); prints each status change. */
async function settle(sagemaker: SageMakerClient, endpointName: string, deps: CliDeps, timeoutMs: number, quiet: boolean) {
  const started = deps.clock.now();
  const pollMs = (deps.endpointPollSeconds ?? DEFAULT_ENDPOINT_POLL_SECONDS) * 1000;
  let lastStatus: string | undefined;
  for (;;) {
    const endpoint = await describeEndpoint(sagemaker, endpointName);
    const status = endpoint?.EndpointStatus ?? "absent";
    if (status !== lastStatus && !quiet)
      deps.stdout.write(`  endpoint ${endpointName}: ${status} (${formatDuration(deps.clock.now() - started)})\n`);
    lastStatus = status;
    if (!endpoint || !TRANSITIONAL.has(status)) return endpoint;
    if (deps.clock.now() - started >= timeoutMs) {
      throw new WorkflowFailedError(
        `endpoint ${endpointName} is still ${status} after ${formatDuration(timeoutMs)}`,
        "check it in the SageMaker console, then run deploy again (it is safe to repeat)",
      );
    }
    await deps.clock.sleep(pollMs);
  }
}

/** The flags and variables every deployment (deploy, rollback) reads. */
export const DEPLOY_TARGET_OPTIONS = {
  bucket: {
    type: "string",
    valueName: "<name>",
    description: `artifact bucket for data capture. Default: $${ARTIFACT_BUCKET_VARIABLE}`,
  },
  "kms-key-arn": {
    type: "string",
    valueName: "<arn>",
    description: `KMS key encrypting captured data. Default: $${KMS_KEY_ARN_VARIABLE}, else the bucket's default encryption`,
  },
  "timeout-minutes": {
    type: "string",
    valueName: "<n>",
    description: "give up waiting for InService after this long. Default: 60",
  },
} as const satisfies Command["options"];

export const deployCommand: Command = {
  name: "deploy",
  description: `
Serves a model version of the environment's Model Registry group (--model-package <arn>): it must be
one of this environment's and Approved; with --approve (the pipeline's DeployEndpoint, which runs only
once the approval passed or where there is none) a pending version is approved first, a rejected one
never. The version's run gives the model and run id. --model-name deploys a run's model by hand.
Creates the endpoint config <project>-<env>-config-<run id> (variant AllTraffic on the
environment's endpoint instance type and count (in the DeployEndpoint build, from the stack's
$${ENVIRONMENT_CONFIG_VARIABLE}); data capture of input and output at 100 % to
s3://<bucket>/${S3_LAYOUT.endpointDataCapture}, encrypted with the KMS key, as is the instances' storage volume), then creates the
endpoint <project>-<env>-endpoint, or updates it through SageMaker's blue/green guardrails: the
environment's rollout (all at once, or a canary with a bake time),
rolled back automatically when an alarm of $${ENDPOINT_ROLLBACK_ALARMS_VARIABLE} fires while it bakes;
a rollout that does not bake (all at once, bakeMinutes 0, as in dev) has no automatic rollback. It waits until
the endpoint is InService, then smoke-tests it: the first ${SMOKE_TEST_ROWS} rows of the testing split,
sent as the model's serving contract says, must come back as one finite prediction each; their
${MODEL.metric.name} is printed beside the run's evaluation ${MODEL.metric.name}.
A failed creation, a rolled-back update (naming the alarm that fired) or a failed smoke test exits 1.
Repeating a deploy is safe: an existing config for the same model is reused, an endpoint already
on it is left alone (and smoke-tested again).

Examples:
  workflow deploy --env prod --model-package arn:aws:sagemaker:us-east-1:111122223333:model-package/${MODEL.name}-prod-${MODEL.name}/4
  workflow deploy --env staging --model-name ${MODEL.name}-staging-20240501120000
  ARTIFACT_BUCKET=${MODEL.name}-prod-artifacts-111122223333 KMS_KEY_ARN=arn:aws:kms:... workflow deploy --env prod --model-name ${MODEL.name}-prod-7f3c9e`,
  options: {
    env: ENV_OPTION,
    "model-name": {
      type: "string",
      valueName: "<name>",
      description: `a run's SageMaker model (${runNamePrefix(MODEL.name, "<env>")}<run id>), by hand; the pipeline deploys --model-package`,
    },
    "model-package": {
      type: "string",
      valueName: "<arn>",
      description:
        "a version of the environment's Model Registry group (approved, or with --approve); its run's model is deployed",
    },
    approve: {
      type: "boolean",
      description:
        "mark a pending --model-package version Approved first (the pipeline's deploy: its approval passed, or it has none)",
    },
    "run-id": {
      type: "string",
      valueName: "<id>",
      description: `names the endpoint config. Default: the model name without '${runNamePrefix(MODEL.name, "<env>")}'`,
    },
    ...DEPLOY_TARGET_OPTIONS,
  },
  async run(args, deps) {
    const env = environmentFlag(args, deps);
    const modelFlag = stringFlag(args, "model-name");
    const versionFlag = stringFlag(args, "model-package");
    if (Boolean(modelFlag) === Boolean(versionFlag))
      throw new UsageError("pass exactly one of --model-package (a registered version) and --model-name");
    if (args.values.approve && !versionFlag) throw new UsageError("--approve needs --model-package");
    if (versionFlag) versionArnInGroup(env, versionFlag, "--model-package");
    const settings = deploySettings(args, deps, env);
    const sagemaker = deps.aws.sagemaker(env.region);
    let target: { modelName: string; runId?: string; version?: ModelVersion };
    if (versionFlag) {
      const version = await servableVersion(deps, env, versionFlag, Boolean(args.values.approve));
      target = { modelName: version.modelName!, runId: version.runId, version };
      if (!args.values.json) deps.stdout.write(`${describeServed(env, version)}\n`);
    } else {
      const modelName = modelFlag!;
      const modelPrefix = runNamePrefix(MODEL.name, env.name);
      target = { modelName, runId: modelName.startsWith(modelPrefix) ? modelName.slice(modelPrefix.length) : undefined };
    }
    const runId = stringFlag(args, "run-id") ?? target.runId ?? timestampRunId(new Date(deps.clock.now()));
    return deployModel(deps, sagemaker, settings, target.modelName, runId, Boolean(args.values.json), {
      modelVersion: target.version,
    });
  },
};

/** Where and how a deployment goes: the endpoint's settings, the capture bucket and key, the timeout; checked before AWS is called. */
export interface DeploySettings {
  env: EnvironmentConfig;
  endpoint: ReturnType<typeof endpointSettings>;
  bucket: string;
  kmsKeyArn?: string;
  timeoutMs: number;
}

export function deploySettings(args: ParsedArgs, deps: CliDeps, env: EnvironmentConfig): DeploySettings {
  const bucket = stringFlag(args, "bucket") ?? deps.env[ARTIFACT_BUCKET_VARIABLE];
  const timeoutMinutes = numberFlag(args, "timeout-minutes", (n) => n > 0, "a positive number of minutes") ?? 60;
  const endpoint = endpointSettings(env, deps.env);
  if (!bucket) throw new UsageError(`no artifact bucket for data capture`, `pass --bucket or set ${ARTIFACT_BUCKET_VARIABLE}`);
  if (!BUCKET_NAME_PATTERN.test(bucket))
    throw new UsageError(`--bucket / $${ARTIFACT_BUCKET_VARIABLE} is not an S3 bucket name (got ${JSON.stringify(bucket)})`);
  return {
    env,
    endpoint,
    bucket,
    kmsKeyArn: stringFlag(args, "kms-key-arn") ?? (deps.env[KMS_KEY_ARN_VARIABLE] || undefined),
    timeoutMs: timeoutMinutes * 60_000,
  };
}

/**
 * The version deploy may serve: one of the environment's, approved. A pending one is approved first
 * when the caller is the pipeline's deploy (`--approve`: its approval passed, or it has none).
 */
async function servableVersion(deps: CliDeps, env: EnvironmentConfig, arn: string, approve: boolean): Promise<ModelVersion> {
  const sagemaker = deps.aws.sagemaker(env.region);
  let version = await describeVersion(sagemaker, arn);
  if (version.status === "PendingManualApproval" && approve) {
    await awsCall("UpdateModelPackage", () =>
      sagemaker.send(
        new UpdateModelPackageCommand({
          ModelPackageArn: arn,
          ModelApprovalStatus: "Approved",
          ApprovalDescription: env.requireApproval
            ? "Approved in the release pipeline's approval stage"
            : `Approved automatically: ${env.name} has no approval stage`,
        }),
      ),
    );
    version = { ...version, status: "Approved" };
  }
  refuseUnservable(env, version);
  return version;
}

/** One line naming the version being deployed and its evidence. */
export function describeServed(env: EnvironmentConfig, version: ModelVersion): string {
  const metric = version.metric ? `, ${version.metric.name} ${version.metric.value} (threshold ${version.metric.threshold})` : "";
  return `Deploying version ${version.version} of ${groupOf(env)} (${version.status}; run ${version.runId ?? "?"}, commit ${version.commit ?? "?"}${metric}): model ${version.modelName}`;
}

/** Refuses, in one line, a version that is not approved or recorded no model. */
export function refuseUnservable(env: EnvironmentConfig, version: ModelVersion): void {
  if (version.status !== "Approved") {
    throw new UsageError(
      `version ${version.version} of ${groupOf(env)} is ${version.status}, not Approved: only approved versions are deployed`,
      `run 'workflow models --env ${env.name}' for the approved ones`,
    );
  }
  if (!version.modelName || sageMakerNameProblem("its model", version.modelName)) {
    throw new UsageError(`version ${version.version} of ${groupOf(env)} records no valid ${MODEL_VERSION_METADATA.modelName}`);
  }
}

/** Puts `modelName` behind the environment's endpoint through the guarded rollout, then smoke-tests it. */
export async function deployModel(
  deps: CliDeps,
  sagemaker: SageMakerClient,
  settings: DeploySettings,
  modelName: string,
  runId: string,
  json: boolean,
  extra: Record<string, unknown> = {},
): Promise<ExitCode> {
  const { env, bucket } = settings;
  const names = new ResourceNames(env.name, MODEL.name);
  const plan: DeployPlan = {
    env,
    ...settings.endpoint,
    modelName,
    endpointName: names.endpoint,
    endpointConfigName: names.endpointConfig(runId),
    bucket,
    kmsKeyArn: settings.kmsKeyArn,
  };
  const problem =
    sageMakerNameProblem("--model-name", modelName) ??
    sageMakerNameProblem("endpoint config name (from --run-id)", plan.endpointConfigName);
  if (problem) throw new UsageError(problem, "pass the ModelName of a run, and a shorter --run-id if needed");
  const say = (line: string) => json || deps.stdout.write(`${line}\n`);
  const timeoutMs = settings.timeoutMs;
  try {
    await sagemaker.send(new DescribeModelCommand({ ModelName: modelName }));
  } catch (err) {
    if (isSageMakerNotFound(err)) {
      throw new AwsError(
        `model ${modelName} not found in ${env.region}`,
        "pass the ModelName of a run that succeeded ('workflow output <run id> --env <env>')",
      );
    }
    throw fromAwsError(err, "DescribeModel");
  }
  const config = await ensureEndpointConfig(sagemaker, plan);
  say(
    `${config === "created" ? "Created" : "Reusing"} endpoint config ${plan.endpointConfigName} (${ENDPOINT_VARIANT}: ${modelName} on ${plan.instanceCount} × ${plan.instanceType}, data capture to s3://${bucket}/${S3_LAYOUT.endpointDataCapture})`,
  );

  // An endpoint still creating, updating or deleting from an earlier deploy cannot be changed yet.
  const before = await settle(sagemaker, plan.endpointName, deps, timeoutMs, true);
  let action: "created" | "updated" | "unchanged";
  if (!before) {
    await awsCall("CreateEndpoint", () =>
      sagemaker.send(
        new CreateEndpointCommand({
          EndpointName: plan.endpointName,
          EndpointConfigName: plan.endpointConfigName,
          Tags: endpointConfigRequest(plan).Tags,
        }),
      ),
    );
    action = "created";
  } else if (before.EndpointStatus === "Failed" || before.EndpointStatus === "UpdateRollbackFailed") {
    throw new WorkflowFailedError(
      `endpoint ${plan.endpointName} is ${before.EndpointStatus} (${before.FailureReason ?? "no reason given"}) and cannot be updated`,
      `delete it (aws sagemaker delete-endpoint --endpoint-name ${plan.endpointName} --region ${env.region}) and deploy again`,
    );
  } else if (before.EndpointConfigName === plan.endpointConfigName) {
    action = "unchanged";
  } else {
    // An existing endpoint changes through the guardrails; the first creation is a plain create.
    const DeploymentConfig = deploymentConfig(plan.rollout, plan.rollbackAlarms);
    await awsCall("UpdateEndpoint", () =>
      sagemaker.send(
        new UpdateEndpointCommand({
          EndpointName: plan.endpointName,
          EndpointConfigName: plan.endpointConfigName,
          DeploymentConfig,
        }),
      ),
    );
    action = "updated";
  }
  const rollout = action === "updated" ? `: ${describeRollout(plan.rollout, plan.rollbackAlarms)}` : "";
  say(
    `${{ created: "Creating", updated: "Updating", unchanged: "Already serving" }[action]} endpoint ${plan.endpointName}${action === "updated" ? ` (was ${before?.EndpointConfigName})` : ""}${rollout}`,
  );

  const after = action === "unchanged" ? before : await settle(sagemaker, plan.endpointName, deps, timeoutMs, json);
  const report = {
    ...extra,
    endpointName: plan.endpointName,
    endpointConfigName: plan.endpointConfigName,
    modelName,
    action,
    rollout: action === "updated" ? plan.rollout : undefined,
    status: after?.EndpointStatus ?? "absent",
    failureReason: after?.FailureReason,
    firedAlarms: [] as string[],
    smokeTest: undefined as Awaited<ReturnType<typeof smokeTest>> | undefined,
  };
  try {
    if (after?.EndpointStatus !== "InService") {
      throw new WorkflowFailedError(
        `endpoint ${plan.endpointName} is ${report.status}: ${after?.FailureReason ?? "no FailureReason given"}`,
        "fix the cause (model, instance type, quotas) and deploy again",
      );
    }
    if (after.EndpointConfigName !== plan.endpointConfigName) {
      report.firedAlarms = await firedAlarms(deps, env.region, plan.rollbackAlarms);
      // An alarm may be back to OK once traffic is on the old fleet again: SageMaker's reason comes too.
      const cause =
        [report.firedAlarms.length > 0 ? `alarm ${report.firedAlarms.join(", ")}` : undefined, after.FailureReason]
          .filter(Boolean)
          .join("; ") || "no FailureReason given";
      throw new WorkflowFailedError(
        `update of endpoint ${plan.endpointName} rolled back to ${after.EndpointConfigName}: ${cause}`,
        "the old model still serves; fix the cause and deploy again",
      );
    }
    say(`Endpoint ${plan.endpointName} is InService with ${modelName}`);
    const smoke = (report.smokeTest = await smokeTest(deps, env.region, env.name, plan.endpointName, bucket, runId));
    const evaluated =
      smoke.evaluationMetric === undefined
        ? "no evaluation found for this run"
        : `evaluation ${MODEL.metric.name} ${smoke.evaluationMetric.toFixed(3)}`;
    say(
      `Smoke test passed: ${smoke.rows} rows of ${smoke.testingUri} → ${smoke.rows} finite predictions, sample ${MODEL.metric.name} ${smoke.sampleMetric.toFixed(3)} (${evaluated})`,
    );
    return ExitCode.Succeeded;
  } finally {
    if (json) writeJson(deps, report);
  }
}
