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
  /** Training epochs (Terraform variable `epochs`). */
  epochs: positiveInteger,
  /** Training batch size (Terraform variable `batch_size`). */
  batchSize: positiveInteger,
  /** Highest acceptable RMSE, in rings (Terraform variable `threshold`). */
  threshold: v.pipe(
    v.number("must be a positive number"),
    v.check((n: number) => isPositiveFinite(n), "must be a positive number"),
  ),
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
  /** Whether a new raw dataset (`abalone_data/raw/abalone.data`) starts the release pipeline. Default: false. */
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
  /** Path of `abalone.data` (relative to the project root) to upload as the raw dataset. Default: upload it yourself (README). */
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

const show = (value: unknown): string =>
  typeof value === "string"
    ? JSON.stringify(value)
    : typeof value === "object" && value !== null
      ? JSON.stringify(value)
      : String(value);

/**
 * Validates what an environment file exported. Returns the environment with its defaults, or
 * every problem, one line each: `<file>: <field> <rule> (got <value>)`, and for an unknown
 * field `<file>: unknown field "<field>" — did you mean "<known>"?`.
 */
export function parseEnvironment(
  file: string,
  name: string,
  input: unknown,
): { config: EnvironmentConfig; problems?: undefined } | { config?: undefined; problems: string[] } {
  const result = v.safeParse(EnvironmentSchema, input, { abortPipeEarly: true });
  if (result.success) {
    const canary = canaryProblem(result.output.rollout, result.output.endpointInstanceCount);
    return canary ? { problems: [`${file}: rollout.${canary}`] } : { config: { name, ...result.output } };
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const issue of result.issues) {
    const keys = (issue.path ?? []).map((item) => String(item.key));
    const field = keys.join(".");
    if (seen.has(field)) continue; // One line per field: its first broken rule.
    seen.add(field);
    if (issue.type === "strict_object" && issue.expected === "never") {
      const known = knownFields(keys.slice(0, -1), input);
      const guess = closest(keys[keys.length - 1], known);
      const prefix = keys
        .slice(0, -1)
        .map((k) => `${k}.`)
        .join("");
      problems.push(
        `${file}: unknown field "${field}" — ${guess ? `did you mean "${prefix}${guess}"?` : `known fields: ${known.map((k) => prefix + k).join(", ")}`}`,
      );
    } else if (issue.input === undefined && issue.kind === "schema" && keys.length > 0) {
      const entry = objectSchemaAt(keys.slice(0, -1), input)?.entries?.[keys[keys.length - 1]];
      const rule = ownRule(issue.message) ?? (entry && ownRule(v.safeParse(entry, undefined).issues?.[0].message));
      problems.push(`${file}: ${field} is required${rule ? `: it ${rule}` : ""}`);
    } else {
      const guess =
        keys[0] === "instanceTypes" && typeof issue.input === "string" ? closestInstanceType(keys[1], issue.input) : undefined;
      problems.push(
        keys.length === 0
          ? `${file}: the default export must be an environment, export default defineEnvironment({ ... }) (got ${show(issue.input)})`
          : `${file}: ${field} ${ownRule(issue.message) ?? `must be ${issue.expected === "Object" ? "an object" : issue.expected}`} (got ${show(issue.input)})${guess ? ` — did you mean "${guess}"?` : ""}`,
      );
    }
  }
  return { problems };
}

function closestInstanceType(field: string, type: string): string | undefined {
  const kind = INSTANCE_KIND[field as keyof typeof INSTANCE_KIND];
  return kind && !sageMakerInstanceTypes(kind).has(type) ? closest(type, sageMakerInstanceTypes(kind)) : undefined;
}

/** A rule this schema states, or undefined for valibot's own wording ("Invalid type: …"). */
const ownRule = (message: string | undefined): string | undefined =>
  message && !message.startsWith("Invalid ") ? message : undefined;

/** The field names an object of the schema has at `keys`. */
const knownFields = (keys: string[], input: unknown): string[] => Object.keys(objectSchemaAt(keys, input)?.entries ?? {});

/** The object schema at `keys` (following `source`'s kind), or undefined where there is none (a record's values). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks valibot's schema objects, whose types are generic per schema
function objectSchemaAt(keys: string[], input: unknown): any {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks valibot's schema objects, whose types are generic per schema
  let schema: any = EnvironmentSchema;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the unvalidated input being walked alongside
  let value: any = input;
  for (const key of keys) {
    value = value?.[key];
    if (!schema?.entries?.[key]) return undefined;
    schema = unwrap(schema.entries[key]);
    if (schema.type === "variant")
      schema =
        schema.options.find((o: { entries: { kind: { literal: unknown } } }) => o.entries.kind.literal === value?.kind) ??
        schema.options[0];
  }
  return schema;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see knownFields
const unwrap = (schema: any): any => (schema.type === "optional" ? unwrap(schema.wrapped) : schema);

/** The known name within two edits of `name` (case-insensitive), if there is one. */
export function closest(name: string, known: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.min(2, Math.max(1, Math.floor(candidate.length / 3))) && (!best || distance < best.distance))
      best = { name: candidate, distance };
  }
  return best?.name;
}

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Thrown when environments are invalid; `problems` holds one line per problem. */
export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "EnvironmentError";
  }
}
