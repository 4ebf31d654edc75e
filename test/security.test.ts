/**
 * Security rules over the synthesized Terraform of every environment, each named after the
 * scanner rule it mirrors (checkov ids). Every rule walks EVERY resource of its type, so it also
 * covers what the state machine and pipeline constructs add. Each rule is also run against a
 * small bad fixture, to prove it can fail. Deliberate exceptions are justified in docs/security.md
 * ("Platform resources", "Security properties").
 */
import { ENVIRONMENT_NAMES, getEnvironment } from "../environments";
import { EnvironmentConfig } from "../environments/schema";
import { ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS } from "../modules/iam/policy";
import { synthEnvironment } from "./helpers/synth";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Terraform = { resource?: Record<string, Record<string, any>>; data?: Record<string, Record<string, any>> };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Block = Record<string, any>;

const resources = (tf: Terraform, type: string): Array<[string, Block]> => Object.entries(tf.resource?.[type] ?? {});
const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
/** The sub-resources (public access block, versioning, ...) that point at one bucket. */
const forBucket = (tf: Terraform, type: string, bucketId: string) =>
  resources(tf, type).filter(([, r]) => new RegExp(`^\\$\\{aws_s3_bucket\\.${bucketId}\\.(id|bucket)\\}$`).test(r.bucket));
const isCustomerKey = (value: unknown) =>
  typeof value === "string" &&
  (/^\$\{aws_kms_key\.[\w-]+\.(arn|key_id|id)\}$/.test(value) || /^arn:aws[\w-]*:kms:[\w-]+:\d{12}:key\//.test(value));

/** One statement of any policy in the stack, with where it comes from. */
interface Statement {
  where: string;
  /** identity: a role/user/group policy; trust: a role's assume-role policy; resource: key, bucket, topic... policies. */
  kind: "identity" | "trust" | "resource";
  effect: string;
  actions: string[];
  notActions: string[];
  resources: string[];
  principals: string[];
  conditions: Block;
}

const IDENTITY_POLICY_TYPES = new Set(["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"]);

function statementsOf(document: Block, where: string, kind: Statement["kind"]): Statement[] {
  return list(document.Statement).map((s: Block) => ({
    where,
    kind,
    effect: s.Effect,
    actions: list(s.Action),
    notActions: list(s.NotAction),
    resources: list(s.Resource),
    principals: s.Principal === "*" ? ["*"] : Object.values(s.Principal ?? {}).flatMap((p) => list(p as string | string[])),
    conditions: s.Condition ?? {},
  }));
}

/** A data.aws_iam_policy_document as the JSON it renders. */
function renderPolicyDocument(data: Block): Block {
  return {
    Statement: list(data.statement).map((s: Block) => ({
      Effect: s.effect ?? "Allow",
      Action: s.actions,
      NotAction: s.not_actions,
      Resource: s.resources,
      Principal: Object.fromEntries(list(s.principals).map((p: Block) => [p.type, p.identifiers])),
      Condition: Object.fromEntries(list(s.condition).map((c: Block) => [c.test, { [c.variable]: c.values }])),
    })),
  };
}

/** Every policy statement in the stack: inline policies, trust policies, key/bucket/topic policies, policy documents. */
function allStatements(tf: Terraform): { statements: Statement[]; unreadable: string[] } {
  const statements: Statement[] = [];
  const unreadable: string[] = [];
  const read = (text: unknown, where: string, kind: Statement["kind"]) => {
    if (typeof text !== "string") return;
    const reference = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(text);
    if (reference) return; // checked once, as a data source, below
    try {
      statements.push(...statementsOf(JSON.parse(text), where, kind));
    } catch {
      unreadable.push(`${where}: the policy is not literal JSON, so it cannot be reviewed (${text.slice(0, 60)})`);
    }
  };
  for (const [type, byId] of Object.entries(tf.resource ?? {})) {
    for (const [id, r] of Object.entries(byId as Record<string, Block>)) {
      const where = `${type}.${id}`;
      read(r.policy, where, IDENTITY_POLICY_TYPES.has(type) ? "identity" : "resource");
      read(r.assume_role_policy, `${where}.assume_role_policy`, "trust");
      for (const inline of list(r.inline_policy)) read((inline as Block).policy, `${where}.inline_policy`, "identity");
    }
  }
  for (const [id, data] of Object.entries(tf.data?.aws_iam_policy_document ?? {})) {
    statements.push(...statementsOf(renderPolicyDocument(data as Block), `data.aws_iam_policy_document.${id}`, "identity"));
  }
  return { statements, unreadable };
}

/** Lambda runtimes past their deprecation date in November 2026 (AWS Lambda runtime deprecation policy). */
const DEPRECATED_LAMBDA_RUNTIMES = new Set([
  "nodejs",
  "nodejs4.3",
  "nodejs4.3-edge",
  "nodejs6.10",
  "nodejs8.10",
  "nodejs10.x",
  "nodejs12.x",
  "nodejs14.x",
  "nodejs16.x",
  "nodejs18.x",
  "nodejs20.x",
  "python2.7",
  "python3.6",
  "python3.7",
  "python3.8",
  "python3.9",
  "java8",
  "dotnetcore1.0",
  "dotnetcore2.0",
  "dotnetcore2.1",
  "dotnetcore3.1",
  "dotnet6",
  "dotnet7",
  "ruby2.5",
  "ruby2.7",
  "ruby3.2",
  "go1.x",
  "provided",
]);

/** Services that send aws:SourceAccount when they assume a role: their trust must pin the account. */
const SOURCE_ACCOUNT_SERVICES = [
  "states.amazonaws.com",
  "sagemaker.amazonaws.com",
  "codebuild.amazonaws.com",
  "codepipeline.amazonaws.com",
  "events.amazonaws.com",
];

interface Rule {
  /** Test name: the scanner rule it mirrors and what it demands. */
  name: string;
  /** Violations, one line each; empty when the stack complies. */
  check: (tf: Terraform, env: EnvironmentConfig) => string[];
  /** A minimal stack that breaks the rule, and a fragment of the violation it must report. */
  counterexample: { tf: Terraform; env?: Partial<EnvironmentConfig>; reports: string };
}

const bucketOnly = (extra: Record<string, Record<string, Block>> = {}): Terraform => ({
  resource: { aws_s3_bucket: { b: { bucket: "x" } }, ...extra },
});
const ref = "${aws_s3_bucket.b.id}";
const role = (policy: Block, kind: "policy" | "assume_role_policy" = "policy"): Terraform =>
  kind === "policy"
    ? { resource: { aws_iam_role_policy: { p: { role: "r", policy: JSON.stringify(policy) } } } }
    : { resource: { aws_iam_role: { r: { name: "r", assume_role_policy: JSON.stringify(policy) } } } };

const RULES: Rule[] = [
  {
    name: "CKV_AWS_53, CKV_AWS_54, CKV_AWS_55, CKV_AWS_56: every S3 bucket blocks public ACLs and policies, ignores public ACLs and restricts public access",
    check: (tf) =>
      resources(tf, "aws_s3_bucket").flatMap(([id]) => {
        const [block] = forBucket(tf, "aws_s3_bucket_public_access_block", id).map(([, r]) => r);
        const flags = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];
        return flags.filter((flag) => block?.[flag] !== true).map((flag) => `aws_s3_bucket.${id}: ${flag} is not true`);
      }),
    counterexample: {
      tf: bucketOnly({
        aws_s3_bucket_public_access_block: {
          p: { bucket: ref, block_public_acls: true, block_public_policy: true, ignore_public_acls: true },
        },
      }),
      reports: "restrict_public_buckets is not true",
    },
  },
  {
    name: "CKV2_AWS_65: every S3 bucket disables ACLs (object ownership BucketOwnerEnforced)",
    check: (tf) =>
      resources(tf, "aws_s3_bucket")
        .filter(
          ([id]) =>
            !forBucket(tf, "aws_s3_bucket_ownership_controls", id).some(([, r]) =>
              list(r.rule).some((rule: Block) => rule.object_ownership === "BucketOwnerEnforced"),
            ),
        )
        .map(([id]) => `aws_s3_bucket.${id}: object ownership is not BucketOwnerEnforced`),
    counterexample: {
      tf: bucketOnly({ aws_s3_bucket_ownership_controls: { o: { bucket: ref, rule: { object_ownership: "ObjectWriter" } } } }),
      reports: "not BucketOwnerEnforced",
    },
  },
  {
    name: "CKV_AWS_145: every S3 bucket encrypts by default with a customer-managed KMS key, with bucket keys",
    check: (tf) =>
      resources(tf, "aws_s3_bucket").flatMap(([id]) => {
        const rules = forBucket(tf, "aws_s3_bucket_server_side_encryption_configuration", id).flatMap(
          ([, r]) => list(r.rule) as Block[],
        );
        const ok = rules.some((rule) => {
          const sse = list(rule.apply_server_side_encryption_by_default)[0] as Block | undefined;
          return sse?.sse_algorithm === "aws:kms" && isCustomerKey(sse.kms_master_key_id) && rule.bucket_key_enabled === true;
        });
        return ok ? [] : [`aws_s3_bucket.${id}: no SSE-KMS default encryption with a customer-managed key and bucket keys`];
      }),
    counterexample: {
      tf: bucketOnly({
        aws_s3_bucket_server_side_encryption_configuration: {
          e: { bucket: ref, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] },
        },
      }),
      reports: "no SSE-KMS default encryption",
    },
  },
  {
    name: "CKV_AWS_21: every S3 bucket has versioning enabled",
    check: (tf) =>
      resources(tf, "aws_s3_bucket")
        .filter(
          ([id]) =>
            !forBucket(tf, "aws_s3_bucket_versioning", id).some(([, r]) =>
              list(r.versioning_configuration).some((v: Block) => v.status === "Enabled"),
            ),
        )
        .map(([id]) => `aws_s3_bucket.${id}: versioning is not enabled`),
    counterexample: {
      tf: bucketOnly({ aws_s3_bucket_versioning: { v: { bucket: ref, versioning_configuration: { status: "Suspended" } } } }),
      reports: "versioning is not enabled",
    },
  },
  {
    name: "S3 secure transport (AWS Config s3-bucket-ssl-requests-only): every S3 bucket policy denies all requests without TLS",
    check: (tf) =>
      resources(tf, "aws_s3_bucket").flatMap(([id]) => {
        const arn = `\${aws_s3_bucket.${id}.arn}`;
        const statements = forBucket(tf, "aws_s3_bucket_policy", id).flatMap(([, r]) =>
          statementsOf(JSON.parse(r.policy), id, "resource"),
        );
        const denies = statements.some(
          (s) =>
            s.effect === "Deny" &&
            s.actions.includes("s3:*") &&
            s.principals.includes("*") &&
            [arn, `${arn}/*`].every((r) => s.resources.includes(r)) &&
            [false, "false"].includes(s.conditions.Bool?.["aws:SecureTransport"]),
        );
        return denies
          ? []
          : [
              `aws_s3_bucket.${id}: no policy statement denies s3:* on the bucket and its objects when aws:SecureTransport is false`,
            ];
      }),
    counterexample: { tf: bucketOnly(), reports: "no policy statement denies s3:*" },
  },
  {
    name: "CKV2_AWS_61: every S3 bucket has lifecycle rules expiring noncurrent versions and aborting incomplete multipart uploads",
    check: (tf) =>
      resources(tf, "aws_s3_bucket").flatMap(([id]) => {
        const rules = forBucket(tf, "aws_s3_bucket_lifecycle_configuration", id)
          .flatMap(([, r]) => list(r.rule) as Block[])
          .filter((rule) => rule.status === "Enabled");
        const problems: string[] = [];
        if (!rules.some((rule) => list(rule.noncurrent_version_expiration).length > 0))
          problems.push(`aws_s3_bucket.${id}: no enabled rule expires noncurrent versions`);
        if (!rules.some((rule) => list(rule.abort_incomplete_multipart_upload).length > 0))
          problems.push(`aws_s3_bucket.${id}: no enabled rule aborts incomplete multipart uploads`);
        return problems;
      }),
    counterexample: {
      tf: bucketOnly({
        aws_s3_bucket_lifecycle_configuration: {
          l: { bucket: ref, rule: [{ status: "Enabled", noncurrent_version_expiration: [{ noncurrent_days: 1 }] }] },
        },
      }),
      reports: "aborts incomplete multipart uploads",
    },
  },
  {
    name: "bucket destruction (spec): dev's bucket is force_destroy; every other environment's is prevent_destroy without force_destroy",
    check: (tf, env) =>
      resources(tf, "aws_s3_bucket").flatMap(([id, r]) => {
        const protectedBucket = r.lifecycle?.prevent_destroy === true && r.force_destroy !== true;
        const disposable = r.force_destroy === true && r.lifecycle?.prevent_destroy !== true;
        if (env.allowDestroy ? disposable : protectedBucket) return [];
        return [
          `aws_s3_bucket.${id}: ${env.name} has allowDestroy ${env.allowDestroy}, but force_destroy is ${r.force_destroy} and prevent_destroy is ${r.lifecycle?.prevent_destroy}`,
        ];
      }),
    counterexample: {
      tf: { resource: { aws_s3_bucket: { b: { bucket: "x", force_destroy: true } } } },
      env: { name: "prod", allowDestroy: false },
      reports: "prod has allowDestroy false",
    },
  },
  {
    name: "CKV_AWS_186: every S3 object is encrypted with a customer-managed KMS key",
    check: (tf) =>
      resources(tf, "aws_s3_object")
        .filter(([, r]) => !(r.server_side_encryption === "aws:kms" && isCustomerKey(r.kms_key_id)))
        .map(([id]) => `aws_s3_object.${id}: not encrypted with a customer-managed KMS key`),
    counterexample: {
      tf: { resource: { aws_s3_object: { o: { key: "k", server_side_encryption: "AES256" } } } },
      reports: "not encrypted with a customer-managed KMS key",
    },
  },
  {
    name: 'CKV_AWS_63, CKV_AWS_62: no policy statement allows the "*" action or a whole service ("svc:*"), and none uses NotAction',
    check: (tf) => {
      const { statements, unreadable } = allStatements(tf);
      return [
        ...unreadable,
        ...statements.flatMap((s) => {
          const problems: string[] = [];
          if (s.actions.includes("*")) problems.push(`${s.where}: ${s.effect} statement with the "*" action`);
          // A Deny may be broad (e.g. s3:* for TLS-only): that restricts, it does not grant.
          if (s.effect === "Allow")
            for (const a of s.actions.filter((a) => /^[\w-]+:\*$/.test(a)))
              problems.push(`${s.where}: allows every action of a service (${a})`);
          if (s.effect === "Allow" && s.notActions.length > 0)
            problems.push(`${s.where}: allows with NotAction (${s.notActions.join(", ")})`);
          return problems;
        }),
      ];
    },
    counterexample: {
      tf: role({ Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "sagemaker:*"], Resource: "arn:aws:s3:::b/*" }] }),
      reports: "allows every action of a service (sagemaker:*)",
    },
  },
  {
    name: 'CKV_AWS_355, CKV_AWS_290: identity policies use the "*" resource only for actions with no resource-level permission, each listed with its reason',
    check: (tf) =>
      allStatements(tf)
        .statements.filter((s) => s.kind === "identity" && s.effect === "Allow" && s.resources.includes("*"))
        .flatMap((s) =>
          s.actions
            .filter((a) => !(a in ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS))
            .map((a) => `${s.where}: ${a} on "*" (not in ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS)`),
        ),
    counterexample: {
      tf: role({ Statement: [{ Effect: "Allow", Action: ["xray:PutTraceSegments", "s3:GetObject"], Resource: "*" }] }),
      reports: 's3:GetObject on "*"',
    },
  },
  {
    name: "CKV_AWS_286 (privilege escalation): iam:PassRole names its roles and is conditioned on iam:PassedToService",
    check: (tf) =>
      allStatements(tf)
        .statements.filter((s) => s.effect === "Allow" && s.actions.includes("iam:PassRole"))
        .flatMap((s) => [
          ...(s.resources.some((r) => r === "*" || (!/:role\//.test(r) && !/^\$\{aws_iam_role\.[\w-]+\.arn\}$/.test(r)))
            ? [`${s.where}: iam:PassRole on ${s.resources.join(", ")}, not on named roles`]
            : []),
          ...(s.conditions.StringEquals?.["iam:PassedToService"]
            ? []
            : [`${s.where}: iam:PassRole without a StringEquals iam:PassedToService condition`]),
        ]),
    counterexample: {
      tf: role({ Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "${aws_iam_role.r.arn}" }] }),
      reports: "without a StringEquals iam:PassedToService condition",
    },
  },
  {
    name: "least-privilege trust (confused deputy): every role is assumable by exactly one AWS service; Step Functions, SageMaker, CodeBuild, CodePipeline and EventBridge only for this account (aws:SourceAccount)",
    check: (tf) =>
      resources(tf, "aws_iam_role").flatMap(([id, r]) => {
        const trust = statementsOf(JSON.parse(r.assume_role_policy), id, "trust").filter((s) => s.effect === "Allow");
        const services = trust.flatMap((s) => s.principals);
        if (trust.length !== 1 || services.length !== 1 || !/^[\w.-]+\.amazonaws\.com$/.test(services[0])) {
          return [`aws_iam_role.${id}: trusts ${services.join(", ") || "nothing"}; exactly one service principal is allowed`];
        }
        const pinned = trust[0].conditions.StringEquals?.["aws:SourceAccount"];
        return SOURCE_ACCOUNT_SERVICES.includes(services[0]) && !pinned
          ? [`aws_iam_role.${id}: trusts ${services[0]} without an aws:SourceAccount condition`]
          : [];
      }),
    counterexample: {
      tf: role(
        { Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }] },
        "assume_role_policy",
      ),
      reports: "trusts states.amazonaws.com without an aws:SourceAccount condition",
    },
  },
  {
    name: "non-exclusive attachments: no aws_iam_policy_attachment (it would detach the policy from every other principal)",
    check: (tf) =>
      resources(tf, "aws_iam_policy_attachment").map(
        ([id]) => `aws_iam_policy_attachment.${id}: use an aws_iam_role_policy instead`,
      ),
    counterexample: {
      tf: { resource: { aws_iam_policy_attachment: { a: { name: "a" } } } },
      reports: "use an aws_iam_role_policy instead",
    },
  },
  {
    name: 'CKV_AWS_33, CKV_AWS_70: no key, bucket or topic policy allows a "*" principal',
    check: (tf) =>
      allStatements(tf)
        .statements.filter((s) => s.kind === "resource" && s.effect === "Allow" && s.principals.includes("*"))
        .map((s) => `${s.where}: allows the "*" principal`),
    counterexample: {
      tf: {
        resource: {
          aws_kms_key: {
            k: {
              policy: JSON.stringify({
                Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" }],
              }),
            },
          },
        },
      },
      reports: 'allows the "*" principal',
    },
  },
  {
    name: "CloudWatch Logs encryption (KMS key policy): the logs service of the region may use a key only with an aws:logs:arn encryption-context condition",
    check: (tf, env) =>
      allStatements(tf)
        .statements.filter((s) => s.where.startsWith("aws_kms_key.") && s.principals.some((p) => /^logs\./.test(p)))
        .flatMap((s) => [
          ...(s.principals.includes(`logs.${env.region}.amazonaws.com`)
            ? []
            : [`${s.where}: logs principal ${s.principals.join(", ")} is not this region's (${env.region})`]),
          ...(list(
            s.conditions.ArnLike?.["kms:EncryptionContext:aws:logs:arn"] ??
              s.conditions.ArnEquals?.["kms:EncryptionContext:aws:logs:arn"],
          ).length > 0
            ? []
            : [`${s.where}: CloudWatch Logs may use the key without a kms:EncryptionContext:aws:logs:arn condition`]),
        ]),
    counterexample: {
      tf: {
        resource: {
          aws_kms_key: {
            k: {
              policy: JSON.stringify({
                Statement: [
                  {
                    Effect: "Allow",
                    Principal: { Service: "logs.us-east-1.amazonaws.com" },
                    Action: "kms:Decrypt",
                    Resource: "*",
                  },
                ],
              }),
            },
          },
        },
      },
      reports: "without a kms:EncryptionContext:aws:logs:arn condition",
    },
  },
  {
    name: "CKV_AWS_7: every KMS key rotates automatically",
    check: (tf) =>
      resources(tf, "aws_kms_key")
        .filter(([, r]) => r.enable_key_rotation !== true)
        .map(([id]) => `aws_kms_key.${id}: enable_key_rotation is not true`),
    counterexample: { tf: { resource: { aws_kms_key: { k: {} } } }, reports: "enable_key_rotation is not true" },
  },
  {
    name: "CKV_AWS_50: every Lambda function has active X-Ray tracing",
    check: (tf) =>
      resources(tf, "aws_lambda_function")
        .filter(([, r]) => !list(r.tracing_config).some((t: Block) => t.mode === "Active"))
        .map(([id]) => `aws_lambda_function.${id}: tracing is not Active`),
    counterexample: {
      tf: { resource: { aws_lambda_function: { f: { tracing_config: { mode: "PassThrough" } } } } },
      reports: "tracing is not Active",
    },
  },
  {
    name: "CKV_AWS_363: every Lambda function uses a supported (not deprecated) runtime",
    check: (tf) =>
      resources(tf, "aws_lambda_function")
        .filter(([, r]) => typeof r.runtime !== "string" || DEPRECATED_LAMBDA_RUNTIMES.has(r.runtime))
        .map(([id, r]) => `aws_lambda_function.${id}: runtime ${r.runtime} is deprecated or missing`),
    counterexample: {
      tf: { resource: { aws_lambda_function: { f: { runtime: "nodejs20.x" } } } },
      reports: "runtime nodejs20.x is deprecated",
    },
  },
  {
    name: "CKV_AWS_158: every CloudWatch log group is encrypted with a customer-managed KMS key",
    check: (tf) =>
      resources(tf, "aws_cloudwatch_log_group")
        .filter(([, r]) => !isCustomerKey(r.kms_key_id))
        .map(([id, r]) => `aws_cloudwatch_log_group.${id} (${r.name}): no KMS key`),
    counterexample: {
      tf: { resource: { aws_cloudwatch_log_group: { g: { name: "/aws/lambda/x", retention_in_days: 7 } } } },
      reports: "(/aws/lambda/x): no KMS key",
    },
  },
  {
    name: "CKV_AWS_66, CKV_AWS_338: every log group keeps logs for the environment's retention; prod keeps them at least a year",
    check: (tf, env) =>
      resources(tf, "aws_cloudwatch_log_group").flatMap(([id, r]) => [
        ...(r.retention_in_days === env.logRetentionDays
          ? []
          : [
              `aws_cloudwatch_log_group.${id}: retention ${r.retention_in_days}, expected the environment's ${env.logRetentionDays}`,
            ]),
        // dev (7 days) and staging (30) deliberately keep less: see docs/security.md, Justified exceptions.
        ...(env.name === "prod" && !(r.retention_in_days >= 365)
          ? [`aws_cloudwatch_log_group.${id}: prod retention ${r.retention_in_days} < 365 days`]
          : []),
      ]),
    counterexample: {
      tf: { resource: { aws_cloudwatch_log_group: { g: { name: "x", retention_in_days: 30 } } } },
      env: { name: "prod", logRetentionDays: 30 },
      reports: "prod retention 30 < 365 days",
    },
  },
  {
    name: "CKV_AWS_147: every CodeBuild project encrypts its artifacts with a customer-managed KMS key",
    check: (tf) =>
      resources(tf, "aws_codebuild_project")
        .filter(([, r]) => !isCustomerKey(r.encryption_key))
        .map(([id]) => `aws_codebuild_project.${id}: no customer-managed encryption_key`),
    counterexample: {
      tf: { resource: { aws_codebuild_project: { p: { encryption_key: "alias/aws/s3" } } } },
      reports: "no customer-managed encryption_key",
    },
  },
  {
    name: "CKV_AWS_316: no CodeBuild project runs privileged (Docker-in-Docker is root on the build host)",
    check: (tf) =>
      resources(tf, "aws_codebuild_project")
        .filter(([, r]) => list(r.environment).some((e: Block) => e.privileged_mode !== false))
        .map(([id]) => `aws_codebuild_project.${id}: privileged_mode is not false`),
    counterexample: {
      tf: { resource: { aws_codebuild_project: { p: { environment: { privileged_mode: true } } } } },
      reports: "privileged_mode is not false",
    },
  },
  {
    name: "CKV_AWS_314: every CodeBuild project logs to a log group of this stack (so the log-group rules cover its logs)",
    check: (tf) =>
      resources(tf, "aws_codebuild_project")
        .filter(([, r]) => {
          const logs = list(list(r.logs_config)[0]?.cloudwatch_logs)[0] as Block | undefined;
          return !(logs?.status === "ENABLED" && /^\$\{aws_cloudwatch_log_group\.[\w-]+\.name\}$/.test(logs.group_name ?? ""));
        })
        .map(([id]) => `aws_codebuild_project.${id}: does not log to a log group of this stack`),
    counterexample: {
      tf: { resource: { aws_codebuild_project: { p: { logs_config: { cloudwatch_logs: { status: "ENABLED" } } } } } },
      reports: "does not log to a log group of this stack",
    },
  },
  {
    name: "CKV_AWS_219: every CodePipeline artifact store is encrypted with a customer-managed KMS key",
    check: (tf) =>
      resources(tf, "aws_codepipeline").flatMap(([id, r]) =>
        list(r.artifact_store)
          .filter((store: Block) => !(store.encryption_key?.type === "KMS" && isCustomerKey(store.encryption_key?.id)))
          .map(
            (store: Block) =>
              `aws_codepipeline.${id}: artifact store ${store.location} is not encrypted with a customer-managed key`,
          ),
      ),
    counterexample: {
      tf: { resource: { aws_codepipeline: { p: { artifact_store: [{ location: "b", type: "S3" }] } } } },
      reports: "artifact store b is not encrypted",
    },
  },
  {
    name: "CKV_AWS_26: every SNS topic is encrypted with a customer-managed KMS key",
    check: (tf) =>
      resources(tf, "aws_sns_topic")
        .filter(([, r]) => !isCustomerKey(r.kms_master_key_id))
        .map(([id]) => `aws_sns_topic.${id}: not encrypted with a customer-managed key`),
    counterexample: {
      tf: { resource: { aws_sns_topic: { t: { kms_master_key_id: "alias/aws/sns" } } } },
      reports: "not encrypted with a customer-managed key",
    },
  },
];

describe.each(ENVIRONMENT_NAMES)("security rules over the %s stack", (name) => {
  let tf: Terraform;
  let env: EnvironmentConfig;
  beforeAll(() => {
    env = getEnvironment(name);
    tf = synthEnvironment(env).tf;
  });

  it("has the resources the rules look at", () => {
    for (const type of [
      "aws_s3_bucket",
      "aws_iam_role",
      "aws_iam_role_policy",
      "aws_kms_key",
      "aws_lambda_function",
      "aws_cloudwatch_log_group",
      "aws_s3_object",
      "aws_codebuild_project",
      "aws_codepipeline",
      "aws_sns_topic",
    ]) {
      expect(resources(tf, type).length).toBeGreaterThan(0);
    }
  });

  it.each(RULES.map((rule) => [rule.name, rule] as const))("%s", (_ruleName, rule) => {
    expect(rule.check(tf, env)).toEqual([]);
  });
});

describe("each security rule reports its counterexample", () => {
  const base = getEnvironment(ENVIRONMENT_NAMES[0]);
  it.each(RULES.map((rule) => [rule.name, rule] as const))("%s", (_ruleName, rule) => {
    const violations = rule.check(rule.counterexample.tf, { ...base, ...rule.counterexample.env });
    expect(violations.join("\n")).toContain(rule.counterexample.reports);
  });
});
