import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { policyDocument } from "./iam/policy";

export interface ArtifactBucketProps {
  /** Globally unique bucket name, from `ResourceNames.artifactBucket(accountId)`. */
  name: string;
  /** ARN of the KMS key objects are encrypted with by default. */
  kmsKeyArn: string;
  /** dev: `terraform destroy` deletes the bucket with its objects. Otherwise the bucket is `prevent_destroy`. */
  allowDestroy: boolean;
  /** Days a replaced or deleted object version is kept. Default: 30. */
  noncurrentVersionDays?: number;
  /** Days before an unfinished multipart upload's parts are removed. Default: 7. */
  incompleteUploadDays?: number;
}

/**
 * The environment's artifact bucket: private (all four public-access blocks, owner-enforced
 * ownership), SSE-KMS with bucket keys, versioned, TLS-only, with lifecycle clean-up.
 */
export class ArtifactBucket extends Construct {
  readonly bucket: S3Bucket;
  /** Bucket name (may contain the account id as a Terraform reference). */
  readonly name: string;
  /** Bucket ARN (a Terraform reference). */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: ArtifactBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.name,
      forceDestroy: props.allowDestroy,
      lifecycle: props.allowDestroy ? undefined : { preventDestroy: true },
    });
    this.name = this.bucket.bucket;
    this.arn = this.bucket.arn;
    const bucket = this.bucket.id;

    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn },
          // One data key per bucket instead of per object: far fewer KMS calls.
          bucketKeyEnabled: true,
          // Nothing here uses customer-provided keys. S3 reports SSE-C as blocked on new buckets;
          // leaving it unset makes every plan show an update that never settles (terraform-provider-aws#47320).
          blockedEncryptionTypes: ["SSE-C"],
        },
      ],
    });
    const versioning = new S3BucketVersioningA(this, "versioning", { bucket, versioningConfiguration: { status: "Enabled" } });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays ?? 30 }],
          expiration: [{ expiredObjectDeleteMarker: true }],
        },
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: [{}],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.incompleteUploadDays ?? 7 }],
        },
      ],
      // S3 rejects noncurrent-version rules until versioning is on.
      dependsOn: [versioning],
    });
    new S3BucketPolicy(this, "policy", {
      bucket,
      policy: policyDocument([
        {
          sid: "DenyRequestsWithoutTls",
          effect: "Deny",
          // A deny is stronger the broader it is: every S3 action, every principal.
          actions: ["s3:*"],
          resources: [this.arn, `${this.arn}/*`],
          principals: { AWS: "*" },
          conditions: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
          sid: "DenyTlsOlderThan12",
          effect: "Deny",
          actions: ["s3:*"],
          resources: [this.arn, `${this.arn}/*`],
          principals: { AWS: "*" },
          conditions: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
        },
      ]),
      // S3 rejects concurrent changes to one bucket's access settings ("conflicting conditional operation").
      dependsOn: [publicAccessBlock],
    });
  }

  /** ARN of the objects matching a key pattern, e.g. `<model>_data/code/*`. */
  objectsArn(keyPattern: string): string {
    return `${this.arn}/${keyPattern}`;
  }
}
