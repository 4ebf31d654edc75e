/** `workflow deploy`: put a registered model behind the environment's endpoint (create or update, wait for InService). */
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
} from "@aws-sdk/client-sagemaker";
import { BUCKET_NAME_PATTERN, EnvironmentConfig, instanceTypeRule, isPositiveInteger, POSITIVE_INTEGER_RULE } from "../../environments/schema";
import { sageMakerInstanceTypes } from "../../modules/aws-catalog";
import {
  ARTIFACT_BUCKET_VARIABLE,
  ENDPOINT_INSTANCE_COUNT_VARIABLE,
  ENDPOINT_INSTANCE_TYPE_VARIABLE,
  KMS_KEY_ARN_VARIABLE,
} from "../../modules/build-variables";
import { ResourceNames } from "../../modules/naming";
import { MODEL_PREFIX, SAGEMAKER_NAME_MAX_LENGTH, SAGEMAKER_NAME_PATTERN, timestampRunId } from "../../modules/run-names";
import { S3_LAYOUT } from "../../modules/s3-layout";
import { Command, ENV_OPTION, environmentFlag, numberFlag, stringFlag, writeJson } from "../args";
import { CliDeps, DEFAULT_ENDPOINT_POLL_SECONDS } from "../deps";
import { AwsError, awsCall, ExitCode, fromAwsError, isSageMakerNotFound, UsageError, WorkflowFailedError } from "../errors";
import { formatDuration } from "../progress-view";


/** The only production variant: all traffic goes to the newly approved model. */
export const VARIANT_NAME = "AllTraffic";

/** Statuses SageMaker passes through on its own; anything else is where an endpoint settles. */
const TRANSITIONAL = new Set(["Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting"]);


/** A SageMaker resource name problem, or undefined when SageMaker accepts it. */
function nameProblem(what: string, name: string): string | undefined {
  if (name.length > SAGEMAKER_NAME_MAX_LENGTH) return `${what} ${JSON.stringify(name)} is ${name.length} characters long; SageMaker allows at most ${SAGEMAKER_NAME_MAX_LENGTH}`;
  if (!SAGEMAKER_NAME_PATTERN.test(name)) return `${what} ${JSON.stringify(name)} breaks SageMaker's name rule: letters, digits and '-' between them`;
  return undefined;
}

/**
 * The endpoint's instance type and count. In the DeployEndpoint build the stack sets them as
 * variables (what the plan showed); by hand they come from the environment file.
 */
export function endpointSettings(env: EnvironmentConfig, variables: Record<string, string | undefined>): { instanceType: string; instanceCount: number } {
  const type = variables[ENDPOINT_INSTANCE_TYPE_VARIABLE] ?? env.instanceTypes.endpoint;
  if (!sageMakerInstanceTypes("endpoint").has(type)) throw new UsageError(`$${ENDPOINT_INSTANCE_TYPE_VARIABLE} ${instanceTypeRule("endpoint")} (got ${JSON.stringify(type)})`);
  const rawCount = variables[ENDPOINT_INSTANCE_COUNT_VARIABLE];
  const count = rawCount === undefined ? env.endpointInstanceCount : Number(rawCount);
  if (!isPositiveInteger(count) || rawCount?.trim() === "") throw new UsageError(`$${ENDPOINT_INSTANCE_COUNT_VARIABLE} ${POSITIVE_INTEGER_RULE} (got ${JSON.stringify(rawCount)})`);
  return { instanceType: type, instanceCount: count };
}

/** Everything one deployment needs, checked before AWS is called. */
export interface DeployPlan {
  env: EnvironmentConfig;
  /** The endpoint's instance type and count: the build project's variables, else the environment file. */
  instanceType: string;
  instanceCount: number;
  modelName: string;
  endpointName: string;
  endpointConfigName: string;
  bucket: string;
  kmsKeyArn?: string;
}

/** The CreateEndpointConfig request of a plan: AllTraffic on the environment's instances, data capture of input and output at 100 %. */
export function endpointConfigRequest(plan: DeployPlan) {
  const names = new ResourceNames(plan.env.name);
  return {
    EndpointConfigName: plan.endpointConfigName,
    ProductionVariants: [
      {
        VariantName: VARIANT_NAME,
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
  const existing = await awsCall("DescribeEndpointConfig", () => sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: plan.endpointConfigName })));
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

/** Polls until the endpoint leaves the transitional statuses (or disappears); prints each status change. */
async function settle(sagemaker: SageMakerClient, endpointName: string, deps: CliDeps, timeoutMs: number, quiet: boolean) {
  const started = deps.clock.now();
  const pollMs = (deps.endpointPollSeconds ?? DEFAULT_ENDPOINT_POLL_SECONDS) * 1000;
  let lastStatus: string | undefined;
  for (;;) {
    const endpoint = await describeEndpoint(sagemaker, endpointName);
    const status = endpoint?.EndpointStatus ?? "absent";
    if (status !== lastStatus && !quiet) deps.stdout.write(`  endpoint ${endpointName}: ${status} (${formatDuration(deps.clock.now() - started)})\n`);
    lastStatus = status;
    if (!endpoint || !TRANSITIONAL.has(status)) return endpoint;
    if (deps.clock.now() - started >= timeoutMs) {
      throw new WorkflowFailedError(`endpoint ${endpointName} is still ${status} after ${formatDuration(timeoutMs)}`, "check it in the SageMaker console, then run deploy again (it is safe to repeat)");
    }
    await deps.clock.sleep(pollMs);
  }
}

export const deployCommand: Command = {
  name: "deploy",
  summary: "deploy a registered model to the environment's endpoint and wait for InService",
  description: `
Creates the endpoint config <project>-<env>-config-<run id> (variant AllTraffic on the
endpoint instance type and count: $${ENDPOINT_INSTANCE_TYPE_VARIABLE} and $${ENDPOINT_INSTANCE_COUNT_VARIABLE},
which the DeployEndpoint build sets from the stack, else the environment file; data capture of input and output at 100 % to
s3://<bucket>/${S3_LAYOUT.endpointDataCapture}, encrypted with the KMS key), then creates the
endpoint <project>-<env>-endpoint or updates it to that config, and waits until it is InService.
A failed creation or a rolled-back update exits 1 with SageMaker's FailureReason. Repeating a
deploy is safe: an existing config for the same model is reused, an endpoint already on it is left alone.

Examples:
  workflow deploy --env staging --model-name abalone-20240501120000
  ARTIFACT_BUCKET=abalone-prod-artifacts-111122223333 KMS_KEY_ARN=arn:aws:kms:... workflow deploy --env prod --model-name abalone-7f3c9e`,
  options: {
    env: ENV_OPTION,
    "model-name": { type: "string", valueName: "<name>", required: true, description: "registered SageMaker model, the run's ModelName (abalone-<run id>)" },
    "run-id": { type: "string", valueName: "<id>", description: "names the endpoint config. Default: the model name without 'abalone-'" },
    bucket: { type: "string", valueName: "<name>", description: `artifact bucket for data capture. Default: $${ARTIFACT_BUCKET_VARIABLE}` },
    "kms-key-arn": { type: "string", valueName: "<arn>", description: `KMS key encrypting captured data. Default: $${KMS_KEY_ARN_VARIABLE}, else the bucket's default encryption` },
    "timeout-minutes": { type: "string", valueName: "<n>", description: "give up waiting for InService after this long. Default: 60" },
  },
  async run(args, deps) {
    const env = environmentFlag(args);
    const names = new ResourceNames(env.name);
    const modelName = stringFlag(args, "model-name", true);
    const runId = stringFlag(args, "run-id") ?? (modelName.startsWith(MODEL_PREFIX) ? modelName.slice(MODEL_PREFIX.length) : timestampRunId(new Date(deps.clock.now())));
    const bucket = stringFlag(args, "bucket") ?? deps.env[ARTIFACT_BUCKET_VARIABLE];
    const timeoutMinutes = numberFlag(args, "timeout-minutes", (n) => n > 0, "a positive number of minutes") ?? 60;
    const plan: DeployPlan = {
      env,
      ...endpointSettings(env, deps.env),
      modelName,
      endpointName: names.endpoint,
      endpointConfigName: names.endpointConfig(runId),
      bucket: bucket ?? "",
      kmsKeyArn: stringFlag(args, "kms-key-arn") ?? (deps.env[KMS_KEY_ARN_VARIABLE] || undefined),
    };
    const problem = nameProblem("--model-name", modelName) ?? nameProblem("endpoint config name (from --run-id)", plan.endpointConfigName);
    if (problem) throw new UsageError(problem, "pass the ModelName of a run, and a shorter --run-id if needed");
    if (!bucket) throw new UsageError(`no artifact bucket for data capture`, `pass --bucket or set ${ARTIFACT_BUCKET_VARIABLE}`);
    if (!BUCKET_NAME_PATTERN.test(bucket)) throw new UsageError(`--bucket / $${ARTIFACT_BUCKET_VARIABLE} is not an S3 bucket name (got ${JSON.stringify(bucket)})`);

    const json = Boolean(args.values.json);
    const say = (line: string) => json || deps.stdout.write(`${line}\n`);
    const sagemaker = deps.aws.sagemaker(env.region);
    const timeoutMs = timeoutMinutes * 60_000;

    try {
      await sagemaker.send(new DescribeModelCommand({ ModelName: modelName }));
    } catch (err) {
      if (isSageMakerNotFound(err)) {
        throw new AwsError(`model ${modelName} not found in ${env.region}`, "pass the ModelName of a run that succeeded ('workflow output <run id> --env <env>')");
      }
      throw fromAwsError(err, "DescribeModel");
    }
    const config = await ensureEndpointConfig(sagemaker, plan);
    say(`${config === "created" ? "Created" : "Reusing"} endpoint config ${plan.endpointConfigName} (${VARIANT_NAME}: ${modelName} on ${plan.instanceCount} × ${plan.instanceType}, data capture to s3://${bucket}/${S3_LAYOUT.endpointDataCapture})`);

    // An endpoint still creating, updating or deleting from an earlier deploy cannot be changed yet.
    const before = await settle(sagemaker, plan.endpointName, deps, timeoutMs, true);
    let action: "created" | "updated" | "unchanged";
    if (!before) {
      await awsCall("CreateEndpoint", () => sagemaker.send(new CreateEndpointCommand({ EndpointName: plan.endpointName, EndpointConfigName: plan.endpointConfigName, Tags: endpointConfigRequest(plan).Tags })));
      action = "created";
    } else if (before.EndpointStatus === "Failed" || before.EndpointStatus === "UpdateRollbackFailed") {
      throw new WorkflowFailedError(
        `endpoint ${plan.endpointName} is ${before.EndpointStatus} (${before.FailureReason ?? "no reason given"}) and cannot be updated`,
        `delete it (aws sagemaker delete-endpoint --endpoint-name ${plan.endpointName} --region ${env.region}) and deploy again`,
      );
    } else if (before.EndpointConfigName === plan.endpointConfigName) {
      action = "unchanged";
    } else {
      await awsCall("UpdateEndpoint", () => sagemaker.send(new UpdateEndpointCommand({ EndpointName: plan.endpointName, EndpointConfigName: plan.endpointConfigName })));
      action = "updated";
    }
    say(`${{ created: "Creating", updated: "Updating", unchanged: "Already serving" }[action]} endpoint ${plan.endpointName}${action === "updated" ? ` (was ${before?.EndpointConfigName})` : ""}`);

    const after = action === "unchanged" ? before : await settle(sagemaker, plan.endpointName, deps, timeoutMs, json);
    const report = { endpointName: plan.endpointName, endpointConfigName: plan.endpointConfigName, modelName, action, status: after?.EndpointStatus ?? "absent", failureReason: after?.FailureReason };
    if (json) writeJson(deps, report);
    if (after?.EndpointStatus !== "InService") {
      throw new WorkflowFailedError(`endpoint ${plan.endpointName} is ${report.status}: ${after?.FailureReason ?? "no FailureReason given"}`, "fix the cause (model, instance type, quotas) and deploy again");
    }
    if (after.EndpointConfigName !== plan.endpointConfigName) {
      throw new WorkflowFailedError(
        `update of endpoint ${plan.endpointName} rolled back to ${after.EndpointConfigName}: ${after.FailureReason ?? "no FailureReason given"}`,
        "fix the cause (model, instance type, quotas) and deploy again",
      );
    }
    say(`Endpoint ${plan.endpointName} is InService with ${modelName}`);
    return ExitCode.Succeeded;
  },
};
