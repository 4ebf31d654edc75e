import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { AwsTarget, logGroupArn } from "./iam/aws-target";
import { policyDocument, PolicyStatement } from "./iam/policy";
import { ResourceNames } from "./naming";

/**
 * What the account's IAM principals may do with the key, listed rather than `kms:*`: the key
 * policy delegates to IAM, so roles still get exactly what their own policies grant.
 */
export const KEY_ACCOUNT_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:CreateGrant",
  "kms:Decrypt",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:RetireGrant",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

/**
 * What CloudWatch Logs needs to encrypt and read a log group with the key (CloudWatch Logs User Guide, "Encrypt
 * log data in CloudWatch Logs using AWS KMS"): the cryptographic operations, each carrying the log group's ARN
 * as encryption context. Not the guide's kms:Describe*: it sits under the same encryption-context condition,
 * which a DescribeKey request never carries, so it was never allowed and log groups work without it.
 */
const LOGS_SERVICE_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
];

/** Every kind of log group `ResourceNames.logGroup` names: the key serves exactly these. */
const LOG_GROUP_KINDS = ["lambda", "states", "codebuild"] as const;

export interface ProjectKeyProps {
  names: ResourceNames;
  target: AwsTarget;
  /** Whether the environment may be destroyed; if not, the key is `prevent_destroy`. */
  allowDestroy: boolean;
  /** Waiting period before a deleted key is gone. Default: 7 days if `allowDestroy`, else 30. */
  deletionWindowInDays?: number;
}

/**
 * The environment's customer-managed KMS key (rotated yearly, with alias `alias/<prefix>`), for the
 * artifact bucket, the log groups, the pipeline's artifacts and the build projects.
 */
export class ProjectKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  /** Key ARN (a Terraform reference). */
  readonly arn: string;
  private readonly extraStatements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: ProjectKeyProps) {
    super(scope, id);
    const { names, target } = props;
    const statements = (): PolicyStatement[] => [
      {
        sid: "AccountPrincipalsUseKeyThroughIam",
        actions: KEY_ACCOUNT_ACTIONS,
        // In a key policy "*" means this key.
        resources: ["*"],
        principals: { AWS: `arn:${target.partition}:iam::${target.accountId}:root` },
      },
      {
        sid: "CloudWatchLogsEncryptsProjectLogGroups",
        actions: LOGS_SERVICE_ACTIONS,
        resources: ["*"],
        principals: { Service: `logs.${target.region}.amazonaws.com` },
        conditions: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": LOG_GROUP_KINDS.map((kind) => logGroupArn(target, names.logGroup(kind, "*"))),
          },
        },
      },
      ...this.extraStatements,
    ];
    this.key = new KmsKey(this, "key", {
      description: `Encrypts the ${names.prefix} artifact bucket, logs, pipeline artifacts and builds`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays ?? (props.allowDestroy ? 7 : 30),
      // Lazy, so a service added later (e.g. an alarm topic) can be let in before synth.
      policy: Lazy.stringValue({ produce: () => policyDocument(statements()) }),
      lifecycle: props.allowDestroy ? undefined : { preventDestroy: true },
    });
    this.arn = this.key.arn;
    this.alias = new KmsAlias(this, "alias", { name: `alias/${names.prefix}`, targetKeyId: this.key.keyId });
  }

  /** Adds a statement to the key policy (e.g. a service principal, with its conditions). */
  addToKeyPolicy(statement: PolicyStatement): void {
    this.extraStatements.push(statement);
  }
}
