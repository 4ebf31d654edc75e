/**
 * The shape of one deployment environment: its fields, their defaults and their rules, in one
 * valibot schema. The TypeScript types are inferred from it, so a field exists in one place.
 */
import * as v from "valibot";
import {
  instanceStorageProblem,
  LOG_RETENTION_DAYS,
  partitionOfRegion,
  SageMakerInstanceKind,
  sageMakerInstanceTypes,
} from "../modules/aws-catalog";
import { ROLLBACK_ALARM_MINUTES } from "../modules/endpoint-release";
import type { ModelDeclaration } from "../modules/model/declaration";
import { parseModelSettings } from "../modules/model/settings";
import { closest, schemaProblems } from "../modules/schema-problems";

export { closest };

/** Lowercase, starts with a letter, at most 16 characters: fits S3 bucket, IAM and SageMaker names. */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;
export const ENVIRONMENT_NAME_RULE =
  "must be usable in AWS names: a lowercase letter, then lowercase letters, digits or '-', at most 16 characters";
export const BUCKET_NAME_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ACCOUNT_ID_PATTERN = /^\d{12}$/;
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const CONNECTION_ARN_PATTERN = /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[\w-]+$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Rules shared with the Terraform variables' `validation` blocks and the CLI's flags. */
export const isPositiveInteger = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 1;
export const POSITIVE_INTEGER_RULE = "must be an integer >= 1";
export const isPositiveFinite = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n) && n > 0;

const positiveInteger = v.pipe(
  v.number(POSITIVE_INTEGER_RULE),
  v.check((n: number) => isPositiveInteger(n), POSITIVE_INTEGER_RULE),
);
const integerFrom = (min: number, max: number) => {
  const rule = `must be an integer from ${min} to ${max}`;
  return v.pipe(
    v.number(rule),
    v.check((n) => Number.isInteger(n) && n >= min && n <= max, rule),
  );
};
const boolean = v.boolean("must be true or false");
const matching = (pattern: RegExp, rule: string) => v.pipe(v.string(rule), v.regex(pattern, rule));
const region = v.pipe(
  v.string("must be an AWS region"),
  v.check((r) => partitionOfRegion(r) !== undefined, "must be an AWS region in the AWS SDK's partition data, such as eu-west-1"),
);
const roleArn = matching(ROLE_ARN_PATTERN, "must be an IAM role ARN");

/** The rule of one kind of SageMaker instance, from the SageMaker API's own enum of that kind. */
export function instanceTypeRule(kind: SageMakerInstanceKind): string {
  return `must be a SageMaker ${kind} instance type (the SageMaker API's list), such as ${kind === "endpoint" ? "ml.m5.large" : "ml.m5.xlarge"}`;
}
/** Which of SageMaker's lists each `instanceTypes` field is checked against. */
const INSTANCE_KIND = { processing: "processing", training: "training", evaluation: "processing", endpoint: "endpoint" } as const;
const instanceType = (kind: SageMakerInstanceKind) =>
  v.pipe(
    v.string(instanceTypeRule(kind)),
    v.check((type) => sageMakerInstanceTypes(kind).has(type), instanceTypeRule(kind)),
    v.rawCheck(({ dataset, addIssue }) => {
      const problem = dataset.typed ? instanceStorageProblem(dataset.value) : undefined;
      if (problem) addIssue({ message: problem });
    }),
  );

const branch = v.pipe(v.string("must be a branch name"), v.minLength(1, "must be a branch name"));
const SourceSchema = v.variant(
  "kind",
  [
    v.strictObject({
      /** An AWS CodeCommit repository in the environment's account. */
      kind: v.literal("codecommit"),
      /** Repository name. */
      repository: matching(/^[\w.-]{1,100}$/, "must be a CodeCommit repository name"),
      /** Branch whose commits start the pipeline. */
      branch,
    }),
    v.strictObject({
      /** A GitHub repository reached through a CodeStar connection. */
      kind: v.literal("github"),
      /** ARN of an AVAILABLE CodeStar (CodeConnections) connection. */
      connectionArn: matching(CONNECTION_ARN_PATTERN, "must be a CodeStar connection ARN"),
      /** `owner/name` of the repository. */
      repository: matching(/^[\w.-]+\/[\w.-]+$/, "must be owner/name"),
      /** Branch whose commits start the pipeline. */
      branch,
    }),
  ],
  'must be "codecommit" or "github"',
);

/** A bake long enough for the rollback alarms to fire, capped so that the canary's and the old fleet's waits fit deploy's 60-minute default. */
const BAKE_RULE = `an integer from ${ROLLBACK_ALARM_MINUTES} to 20, time for the rollback alarms to fire`;
const bake = (allowNone: boolean) => {
  const rule = allowNone ? `must be 0 (no automatic rollback) or ${BAKE_RULE}` : `must be ${BAKE_RULE}`;
  return v.pipe(
    v.number(rule),
    v.check((n) => Number.isInteger(n) && ((allowNone && n === 0) || (n >= ROLLBACK_ALARM_MINUTES && n <= 20)), rule),
  );
};

/** How deploy moves traffic to a new model on an existing endpoint (SageMaker's blue/green guardrails). */
export const RolloutSchema = v.variant(
  "kind",
  [
    v.strictObject({
      /** All traffic moves at once; the old fleet is kept `bakeMinutes` for a rollback, none at 0 (and then nothing rolls back). */
      kind: v.literal("all-at-once"),
      bakeMinutes: v.optional(bake(true), 0),
    }),
    v.strictObject({
      /** `canaryInstances` of the new fleet take traffic for `bakeMinutes`, then the rest; at most half the instances (SageMaker's rule). */
      kind: v.literal("canary"),
      canaryInstances: v.optional(positiveInteger, 1),
      bakeMinutes: v.optional(bake(false), 10),
    }),
  ],
  'must be "all-at-once" or "canary"',
);

const tagKey = matching(/^(?!aws:).{1,128}$/s, "key must be 1-128 characters and not start with aws:");
const tagValue = v.pipe(
  v.string("value must be a string of at most 256 characters"),
  v.maxLength(256, "value must be a string of at most 256 characters"),
);

/** Everything that may differ between environments. The only place per-environment values live. */
export const EnvironmentSchema = v.strictObject({
  /** AWS region, e.g. `eu-west-1`. */
  region,
  /** 12-digit account id the stack may deploy to (the provider refuses any other). Default: any. */
  accountId: v.optional(matching(ACCOUNT_ID_PATTERN, "must be 12 digits")),
  /** Role the provider assumes, for multi-account deployments. Default: the caller's credentials. */
  assumeRoleArn: v.optional(roleArn),
  /** Place in the release order: deploy.yml promotes lower numbers first (leave gaps, e.g. 10, 20, 30). Unique across environments. */
  promotionOrder: positiveInteger,
  /**
   * Each model's values in this environment, by model name: its tunable hyperparameters and
   * `threshold` (models/<name>/model.ts lists them; each defaults to the declaration's). Only the
   * chosen model's section is checked against its declaration. Default: every model's defaults.
   */
  models: v.optional(v.record(v.string(), v.unknown()), {}),
  /** SageMaker instance types, each checked against the SageMaker API's list for its kind of job. */
  instanceTypes: v.strictObject({
    /** Pre-process Data processing job. */
    processing: instanceType(INSTANCE_KIND.processing),
    /** Model Training job. */
    training: instanceType(INSTANCE_KIND.training),
    /** Model Evaluation processing job. */
    evaluation: instanceType(INSTANCE_KIND.evaluation),
    /** Real-time endpoint serving the approved model. */
    endpoint: instanceType(INSTANCE_KIND.endpoint),
  }),
  /** Number of endpoint instances. Default: 1. */
  endpointInstanceCount: v.optional(positiveInteger, 1),
  /** How a new model replaces the old one on the endpoint; rolled back on the endpoint's alarms. Default: all at once. */
  rollout: v.optional(RolloutSchema, { kind: "all-at-once" }),
  /** The endpoint's latency alarm (a rollback alarm): average model latency above this many milliseconds. Default: 1000. */
  endpointMaxLatencyMs: v.optional(integerFrom(1, 60000), 1000),
  /** Whether a manual approval gates deployment of the model. */
  requireApproval: boolean,
  /** Whether a new raw dataset (`<model>_data/raw/<dataset file>`) starts the release pipeline. Default: false. */
  retrainOnNewData: v.optional(boolean, false),
  /** Whether the workflow's execution log records each state's input and output (run data). Default: false. */
  includeExecutionData: v.optional(boolean, false),
  /** Source of the release pipeline. */
  source: SourceSchema,
  /** Remote state in S3 (locked with an S3 lock file, encrypted). Default: local state `terraform.<name>.tfstate` in the project root. */
  remoteState: v.optional(
    v.strictObject({
      /** Existing S3 bucket that holds the state. */
      bucket: matching(BUCKET_NAME_PATTERN, "must be an S3 bucket name"),
      /** Region of the state bucket. Default: the environment's region. */
      region: v.optional(region),
      /** KMS key id or ARN to encrypt the state with. Default: the bucket's default encryption. */
      kmsKeyId: v.optional(v.pipe(v.string("must be a KMS key id or ARN"), v.minLength(1, "must be a KMS key id or ARN"))),
      /** Role to assume for state access. Default: the caller's credentials. */
      roleArn: v.optional(roleArn),
    }),
  ),
  /** Extra tags on every resource (Project and Environment are always set). Default: none. */
  tags: v.optional(v.record(tagKey, tagValue), {}),
  /** CloudWatch Logs retention in days (one of the values CloudWatch accepts). Default: 30. */
  logRetentionDays: v.optional(v.picklist(LOG_RETENTION_DAYS, `must be one of ${LOG_RETENTION_DAYS.join(", ")}`), 30),
  /** Whether `terraform destroy` may delete the artifact bucket with its objects. */
  allowDestroy: boolean,
  /** Path of the model's raw dataset file (relative to the project root) to upload. Default: upload it yourself (README). */
  rawDataPath: v.optional(v.pipe(v.string("must be a file path"), v.minLength(1, "must be a file path"))),
  /** E-mail address subscribed to the alarm topic. Default: none. */
  alarmEmail: v.optional(matching(EMAIL_PATTERN, "must be an e-mail address")),
  /** Analyze-results Lambda sizing. Default: 30 s, 256 MB. */
  lambda: v.optional(
    v.strictObject({
      timeoutSeconds: v.optional(integerFrom(1, 900), 30),
      memoryMb: v.optional(integerFrom(128, 10240), 256),
    }),
    {},
  ),
});

/** What an environment file writes (optional fields may be left out). */
export type EnvironmentInput = v.InferInput<typeof EnvironmentSchema>;

/** A validated environment with its defaults filled in, and its name (the file's and the stack's). */
export type EnvironmentConfig = v.InferOutput<typeof EnvironmentSchema> & {
  /** Environment name: the file `environments/<name>.ts`, the stack id (`cdktf deploy <name>`) and part of every resource name. */
  name: string;
};
export type SourceConfig = EnvironmentConfig["source"];
export type RemoteStateConfig = NonNullable<EnvironmentConfig["remoteState"]>;
export type InstanceTypes = EnvironmentConfig["instanceTypes"];

/** SageMaker takes a canary of at most half the variant's instances (one instance has no canary); the broken rule, if any. */
export function canaryProblem(rollout: v.InferOutput<typeof RolloutSchema>, instanceCount: number): string | undefined {
  if (rollout.kind !== "canary" || rollout.canaryInstances <= instanceCount / 2) return undefined;
  return `canaryInstances must be at most half of endpointInstanceCount, SageMaker's canary rule (got ${rollout.canaryInstances} of ${instanceCount}; raise endpointInstanceCount or use kind "all-at-once")`;
}

/** Typed help for an environment file; the values are validated when the environment is loaded. */
export function defineEnvironment(input: EnvironmentInput): EnvironmentInput {
  return input;
}

/**
 * Validates what an environment file exported, and its section for `model` when one is given.
 * Returns the environment with its defaults, or every problem, one line each:
 * `<file>: <field> <rule> (got <value>)`, and for an unknown field
 * `<file>: unknown field "<field>" — did you mean "<known>"?`.
 */
export function parseEnvironment(
  file: string,
  name: string,
  input: unknown,
  model?: ModelDeclaration,
): { config: EnvironmentConfig; problems?: undefined } | { config?: undefined; problems: string[] } {
  const result = v.safeParse(EnvironmentSchema, input, { abortPipeEarly: true });
  // The model's section is checked too, so every problem is reported at once.
  const sections = (input as { models?: unknown } | undefined)?.models;
  const settings =
    model && typeof sections === "object" && sections !== null && !Array.isArray(sections)
      ? parseModelSettings(file, model, sections as Record<string, unknown>).problems
      : undefined;
  if (!result.success) {
    const problems = schemaProblems(file, EnvironmentSchema, input, result.issues, {
      root: "an environment, export default defineEnvironment({ ... })",
      guess: (keys, value) =>
        keys[0] === "instanceTypes" && typeof value === "string" ? closestInstanceType(keys[1], value) : undefined,
    });
    return { problems: [...(settings ?? []), ...problems] };
  }
  const canary = canaryProblem(result.output.rollout, result.output.endpointInstanceCount);
  if (canary) return { problems: [`${file}: rollout.${canary}`] };
  if (settings) return { problems: settings };
  return { config: { name, ...result.output } };
}

function closestInstanceType(field: string, type: string): string | undefined {
  const kind = INSTANCE_KIND[field as keyof typeof INSTANCE_KIND];
  return kind && !sageMakerInstanceTypes(kind).has(type) ? closest(type, sageMakerInstanceTypes(kind)) : undefined;
}

/** Thrown when environments are invalid; `problems` holds one line per problem. */
export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "EnvironmentError";
  }
}
