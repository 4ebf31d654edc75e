/** What every command receives besides its flags: clients, output streams, clock, environment variables. */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import type { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import type { SFNClient } from "@aws-sdk/client-sfn";
import type { EnvironmentConfig } from "../environments/schema";

/** Where a command writes; `isTTY` switches the live view on. */
export interface Output {
  write(text: string): void;
  /** True when the stream is an interactive terminal. Default: false (plain lines). */
  isTTY?: boolean;
}

/** Time, injectable so tests follow an execution or wait for an endpoint without real sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** AWS clients per region (the environment's, or the one in an ARN given as a flag). */
export interface AwsClients {
  sfn(region: string): SFNClient;
  sagemaker(region: string): SageMakerClient;
  /** InvokeEndpoint, for deploy's smoke test. */
  sagemakerRuntime(region: string): SageMakerRuntimeClient;
  /** The testing rows and the evaluation, for deploy's smoke test. */
  s3(region: string): S3Client;
  /** Which rollback alarm fired. */
  cloudwatch(region: string): CloudWatchClient;
  /** Pipeline state and approvals, for pipeline, approve and reject. */
  codepipeline(region: string): CodePipelineClient;
}

/**
 * The environments `--env` may name: the project's files for the project's CLI, the stack's own
 * environment for the bundled CLI a build runs (which carries no environment file).
 */
export interface Environments {
  /** Their names in promotion order (help and messages). */
  names(): string[];
  /** Where they are defined, for help: `environments/<env>.ts`, or the build variable. */
  source: string;
  /** The named environment, validated; a UsageError naming the problem otherwise. */
  load(name: string): EnvironmentConfig;
}

export interface CliDeps {
  aws: AwsClients;
  environments: Environments;
  /** What `--version` prints after "workflow ". */
  version(): string;
  stdout: Output;
  stderr: Output;
  clock: Clock;
  /** Environment variables the CLI reads (STATE_MACHINE_ARN, ARTIFACT_BUCKET, KMS_KEY_ARN, CI, ...). */
  env: Record<string, string | undefined>;
  /** Seconds between polls of a followed execution. Default: 5. */
  executionPollSeconds?: number;
  /** Seconds between polls of an endpoint being created or updated. Default: 30. */
  endpointPollSeconds?: number;
  /** Seconds between refreshes of `pipeline --watch`. Default: 15. */
  pipelinePollSeconds?: number;
}

export const DEFAULT_EXECUTION_POLL_SECONDS = 5;
export const DEFAULT_ENDPOINT_POLL_SECONDS = 30;
export const DEFAULT_PIPELINE_POLL_SECONDS = 15;

/** Memoizes one client per region, so a command reuses connections. */
function perRegion<T>(create: (region: string) => T): (region: string) => T {
  const cache = new Map<string, T>();
  return (region) => {
    let client = cache.get(region);
    if (!client) cache.set(region, (client = create(region)));
    return client;
  };
}

/** The SDK clients' module, loaded with the first client: commands that call no AWS API never load the SDK. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const clients = () => require("./aws-clients") as typeof import("./aws-clients");

/** The real process: SDK clients, process streams, the wall clock, and the entry point's environments and version. */
export function processDeps(environments: Environments, version: () => string): CliDeps {
  return {
    environments,
    version,
    aws: {
      sfn: perRegion((region) => clients().createSfnClient(region)),
      sagemaker: perRegion((region) => clients().createSageMakerClient(region)),
      sagemakerRuntime: perRegion((region) => clients().createSageMakerRuntimeClient(region)),
      s3: perRegion((region) => clients().createS3Client(region)),
      cloudwatch: perRegion((region) => clients().createCloudWatchClient(region)),
      codepipeline: perRegion((region) => clients().createCodePipelineClient(region)),
    },
    stdout: { write: (text) => process.stdout.write(text), isTTY: Boolean(process.stdout.isTTY) },
    stderr: { write: (text) => process.stderr.write(text), isTTY: Boolean(process.stderr.isTTY) },
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    env: process.env,
  };
}
