/** The typed shape of one deployment environment, its defaults and its validation rules. */

/** Where the release pipeline takes its source from. */
export type SourceConfig =
  | {
      /** An AWS CodeCommit repository in the environment's account. */
      kind: "codecommit";
      /** Repository name. */
      repository: string;
      /** Branch whose commits start the pipeline. */
      branch: string;
    }
  | {
      /** A GitHub repository reached through a CodeStar connection. */
      kind: "github";
      /** ARN of an AVAILABLE CodeStar (CodeConnections) connection. */
      connectionArn: string;
      /** `owner/name` of the repository. */
      repository: string;
      /** Branch whose commits start the pipeline. */
      branch: string;
    };

/** Remote Terraform state in S3 (locked with an S3 lock file, encrypted). */
export interface RemoteStateConfig {
  /** Existing S3 bucket that holds the state. */
  bucket: string;
  /** Region of the state bucket. Default: the environment's region. */
  region?: string;
  /** KMS key id or ARN to encrypt the state with. Default: the bucket's default encryption. */
  kmsKeyId?: string;
  /** Role to assume for state access. Default: the caller's credentials. */
  roleArn?: string;
}

/** SageMaker instance types, one per job kind. */
export interface InstanceTypes {
  /** Pre-process Data processing job. */
  processing: string;
  /** Model Training job. */
  training: string;
  /** Model Evaluation processing job. */
  evaluation: string;
  /** Real-time endpoint serving the approved model. */
  endpoint: string;
}

/** Everything that may differ between environments. The only place per-environment values live. */
export interface EnvironmentConfig {
  /** Environment name; also the stack id (`cdktf deploy <name>`) and part of every resource name. */
  name: string;
  /** AWS region, e.g. `eu-west-1`. */
  region: string;
  /** 12-digit account id the stack may deploy to (the provider refuses any other). Default: any. */
  accountId?: string;
  /** Role the provider assumes, for multi-account deployments. Default: the caller's credentials. */
  assumeRoleArn?: string;
  /** Training epochs (Terraform variable `epochs`). */
  epochs: number;
  /** Training batch size (Terraform variable `batch_size`). */
  batchSize: number;
  /** Highest acceptable RMSE, in rings (Terraform variable `threshold`). */
  threshold: number;
  /** SageMaker instance types. */
  instanceTypes: InstanceTypes;
  /** Number of endpoint instances. Default: 1. */
  endpointInstanceCount: number;
  /** Whether a manual approval gates deployment of the model. */
  requireApproval: boolean;
  /** Source of the release pipeline. */
  source: SourceConfig;
  /** Remote state. Default: local state file `terraform.<name>.tfstate` in the project root. */
  remoteState?: RemoteStateConfig;
  /** Extra tags on every resource (Project and Environment are always set). */
  tags: Record<string, string>;
  /** CloudWatch Logs retention in days (one of the values CloudWatch accepts). */
  logRetentionDays: number;
  /** Whether `terraform destroy` may delete the artifact bucket with its objects. */
  allowDestroy: boolean;
  /** Local path of `abalone.data` to upload as the raw dataset. Default: upload it yourself (README). */
  rawDataPath?: string;
  /** E-mail address subscribed to the alarm topic. Default: none. */
  alarmEmail?: string;
  /** Analyze-results Lambda sizing. */
  lambda: { timeoutSeconds: number; memoryMb: number };
}

/** Fields an environment file may leave out, with their defaults. */
export type EnvironmentInput = Omit<
  EnvironmentConfig,
  "endpointInstanceCount" | "tags" | "logRetentionDays" | "lambda"
> &
  Partial<Pick<EnvironmentConfig, "endpointInstanceCount" | "tags" | "logRetentionDays" | "lambda">>;

export const ENVIRONMENT_DEFAULTS = {
  endpointInstanceCount: 1,
  tags: {},
  logRetentionDays: 30,
  lambda: { timeoutSeconds: 30, memoryMb: 256 },
} satisfies Partial<EnvironmentConfig>;

/** Fills the optional fields of an environment file with their defaults. */
export function defineEnvironment(input: EnvironmentInput): EnvironmentConfig {
  return { ...ENVIRONMENT_DEFAULTS, ...input, lambda: { ...ENVIRONMENT_DEFAULTS.lambda, ...input.lambda } };
}

/** Retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Lowercase, starts with a letter, at most 16 characters: fits S3 bucket, IAM and SageMaker names. */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9]+\.[a-z0-9]+$/;
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/;
const CONNECTION_ARN_PATTERN = /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[\w-]+$/;
export const BUCKET_NAME_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The rules the Terraform variables repeat as `validation` blocks, so a plan-time override obeys them too. */
export const isPositiveInteger = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 1;
export const isPositiveFinite = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n) && n > 0;

const show = (value: unknown): string =>
  typeof value === "string" ? JSON.stringify(value) : value === undefined ? "undefined" : String(value);

/** An environment as loaded, with the file it came from (for error messages). */
export interface EnvironmentSource {
  file: string;
  config: EnvironmentConfig;
}

/** Every problem of one environment, one line each: `<file>: <field> <rule> (got <value>)`. */
export function validateEnvironment({ file, config: env }: EnvironmentSource): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, field: string, rule: string, value: unknown) => {
    if (!ok) problems.push(`${file}: ${field} ${rule} (got ${show(value)})`);
  };
  const optional = (value: unknown, test: (v: string) => boolean) =>
    value === undefined || (typeof value === "string" && test(value));

  check(
    typeof env.name === "string" && ENVIRONMENT_NAME_PATTERN.test(env.name),
    "name",
    "must be usable in AWS names: a lowercase letter, then lowercase letters, digits or '-', at most 16 characters",
    env.name,
  );
  check(typeof env.region === "string" && REGION_PATTERN.test(env.region), "region", "must be an AWS region such as eu-west-1", env.region);
  check(optional(env.accountId, (v) => ACCOUNT_ID_PATTERN.test(v)), "accountId", "must be 12 digits", env.accountId);
  check(optional(env.assumeRoleArn, (v) => ROLE_ARN_PATTERN.test(v)), "assumeRoleArn", "must be an IAM role ARN", env.assumeRoleArn);
  check(isPositiveInteger(env.epochs), "epochs", "must be an integer >= 1", env.epochs);
  check(isPositiveInteger(env.batchSize), "batchSize", "must be an integer >= 1", env.batchSize);
  check(isPositiveFinite(env.threshold), "threshold", "must be a positive number", env.threshold);
  for (const kind of ["processing", "training", "evaluation", "endpoint"] as const) {
    const type = env.instanceTypes?.[kind];
    check(typeof type === "string" && INSTANCE_TYPE_PATTERN.test(type), `instanceTypes.${kind}`, "must be a SageMaker instance type such as ml.m5.xlarge", type);
  }
  check(isPositiveInteger(env.endpointInstanceCount), "endpointInstanceCount", "must be an integer >= 1", env.endpointInstanceCount);
  check(typeof env.requireApproval === "boolean", "requireApproval", "must be true or false", env.requireApproval);
  check(typeof env.allowDestroy === "boolean", "allowDestroy", "must be true or false", env.allowDestroy);
  check(
    (LOG_RETENTION_DAYS as readonly number[]).includes(env.logRetentionDays),
    "logRetentionDays",
    `must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
    env.logRetentionDays,
  );
  check(isPositiveInteger(env.lambda?.timeoutSeconds) && env.lambda.timeoutSeconds <= 900, "lambda.timeoutSeconds", "must be an integer from 1 to 900", env.lambda?.timeoutSeconds);
  check(isPositiveInteger(env.lambda?.memoryMb) && env.lambda.memoryMb >= 128 && env.lambda.memoryMb <= 10240, "lambda.memoryMb", "must be an integer from 128 to 10240", env.lambda?.memoryMb);

  const source = env.source;
  if (source?.kind === "codecommit") {
    check(/^[\w.-]{1,100}$/.test(source.repository ?? ""), "source.repository", "must be a CodeCommit repository name", source.repository);
  } else if (source?.kind === "github") {
    check(/^[\w.-]+\/[\w.-]+$/.test(source.repository ?? ""), "source.repository", "must be owner/name", source.repository);
    check(CONNECTION_ARN_PATTERN.test(source.connectionArn ?? ""), "source.connectionArn", "must be a CodeStar connection ARN", source.connectionArn);
  } else {
    check(false, "source.kind", 'must be "codecommit" or "github"', (source as { kind?: unknown } | undefined)?.kind);
  }
  if (source) check(typeof source.branch === "string" && source.branch.length > 0, "source.branch", "must be a branch name", source.branch);

  if (env.remoteState) {
    const state = env.remoteState;
    check(BUCKET_NAME_PATTERN.test(state.bucket ?? ""), "remoteState.bucket", "must be an S3 bucket name", state.bucket);
    check(optional(state.region, (v) => REGION_PATTERN.test(v)), "remoteState.region", "must be an AWS region such as eu-west-1", state.region);
    check(optional(state.roleArn, (v) => ROLE_ARN_PATTERN.test(v)), "remoteState.roleArn", "must be an IAM role ARN", state.roleArn);
  }
  for (const [key, value] of Object.entries(env.tags ?? {})) {
    check(key.length >= 1 && key.length <= 128 && !key.startsWith("aws:"), `tags.${key}`, "key must be 1-128 characters and not start with aws:", key);
    check(typeof value === "string" && value.length <= 256, `tags.${key}`, "value must be a string of at most 256 characters", value);
  }
  check(optional(env.alarmEmail, (v) => EMAIL_PATTERN.test(v)), "alarmEmail", "must be an e-mail address", env.alarmEmail);
  check(optional(env.rawDataPath, (v) => v.length > 0), "rawDataPath", "must be a file path", env.rawDataPath);
  return problems;
}

/** Problems across all environments: each one's own, plus names used twice. */
export function validateEnvironments(sources: EnvironmentSource[]): string[] {
  const problems = sources.flatMap(validateEnvironment);
  const firstFileByName = new Map<string, string>();
  for (const { file, config } of sources) {
    const first = firstFileByName.get(config.name);
    if (first) problems.push(`${file}: name must be unique across environments (got ${show(config.name)}, also used by ${first})`);
    else firstFileByName.set(config.name, file);
  }
  return problems;
}

/** Thrown when environments are invalid; `problems` holds one line per problem. */
export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "EnvironmentError";
  }
}
