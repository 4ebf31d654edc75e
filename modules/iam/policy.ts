/** One IAM policy statement, as task builders and constructs produce them. */
export interface PolicyStatement {
  /** Statement id (letters and digits). */
  sid?: string;
  /** Default: Allow. */
  effect?: "Allow" | "Deny";
  actions: string[];
  resources: string[];
  /** IAM condition block, e.g. `{ StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } }`. */
  conditions?: Record<string, Record<string, string | string[] | boolean>>;
  /** Principal block, only in resource policies (key, bucket, trust), e.g. `{ Service: "lambda.amazonaws.com" }`. */
  principals?: Record<string, string | string[]>;
}

/**
 * `s3:ListBucket` on a bucket for the keys matching `keyPatterns` only (`s3:prefix`, `*` a wildcard). A role that
 * reads objects needs it so a missing object reads as 404 NoSuchKey, not 403 AccessDenied (Amazon S3 API
 * Reference, GetObject, "Permissions"); SageMaker also lists an S3Prefix input before downloading it.
 */
export function listKeysStatement(sid: string, bucketArn: string, keyPatterns: string[]): PolicyStatement {
  return { sid, actions: ["s3:ListBucket"], resources: [bucketArn], conditions: { StringLike: { "s3:prefix": keyPatterns } } };
}

/**
 * The actions this project grants on `"*"`, each with why: they support no resource-level
 * permission. A `"*"` resource for any other action is a bug (the security tests check it).
 */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS: Record<string, string> = {
  "xray:PutTraceSegments": "X-Ray trace segments have no resource ARN",
  "xray:PutTelemetryRecords": "X-Ray telemetry has no resource ARN",
  "xray:GetSamplingRules": "X-Ray sampling rules are read account-wide",
  "xray:GetSamplingTargets": "X-Ray sampling targets are read account-wide",
  "logs:CreateLogDelivery": "CloudWatch Logs vended-log deliveries (Step Functions logging) support no resource-level permission",
  "logs:GetLogDelivery": "see logs:CreateLogDelivery",
  "logs:UpdateLogDelivery": "see logs:CreateLogDelivery",
  "logs:DeleteLogDelivery": "see logs:CreateLogDelivery",
  "logs:ListLogDeliveries": "see logs:CreateLogDelivery",
  "logs:PutResourcePolicy": "log resource policies are account-wide (needed to set up vended-log delivery)",
  "logs:DescribeResourcePolicies": "log resource policies are account-wide",
  "logs:DescribeLogGroups": "DescribeLogGroups is a list action with no resource-level permission",
  "ecr:GetAuthorizationToken": "the registry login token is account-wide",
  "cloudwatch:PutMetricData": "metric data has no resource ARN (conditioned on the cloudwatch:namespace instead)",
};

/** Statements as an IAM policy document (JSON). Terraform tokens inside strings resolve at synth. */
export function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? "Allow",
      ...(s.principals ? { Principal: s.principals } : {}),
      Action: s.actions.length === 1 ? s.actions[0] : s.actions,
      // Trust policies name no resource: an empty list leaves the field out.
      ...(s.resources.length === 0 ? {} : { Resource: s.resources.length === 1 ? s.resources[0] : s.resources }),
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

/**
 * Trust policy letting one AWS service assume a role; with `sourceAccount`, only on behalf of
 * that account (`aws:SourceAccount`, the confused-deputy guard), for services that set the key.
 */
export function trustPolicy(servicePrincipal: string, sourceAccount?: string): string {
  return policyDocument([
    {
      sid: "TrustedService",
      actions: ["sts:AssumeRole"],
      resources: [],
      principals: { Service: servicePrincipal },
      ...(sourceAccount ? { conditions: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
    },
  ]);
}
