import { getEnvironment } from "../../environments";
import { resourceName } from "../helpers/chosen-model";
import { onlyResource, resourcesOfType, synthEnvironment, SynthesizedStack } from "../helpers/synth";

const BUCKET_REF = /^\$\{aws_s3_bucket\.[\w-]+\.id\}$/;

describe("the artifact bucket", () => {
  let dev: SynthesizedStack;
  let prod: SynthesizedStack;
  let pinned: SynthesizedStack;
  beforeAll(() => {
    dev = synthEnvironment("dev");
    prod = synthEnvironment("prod");
    pinned = synthEnvironment({ ...getEnvironment("staging"), accountId: "123456789012" });
  });

  it("is named <model>-<env>-artifacts-<account>, from the caller's account unless the environment pins one", () => {
    // A model's name is lowercase letters and digits: nothing a regular expression would read.
    expect(onlyResource(dev.tf, "aws_s3_bucket")[1].bucket).toMatch(
      new RegExp(`^${resourceName("dev", "artifacts-")}\\$\\{data\\.aws_caller_identity\\.[\\w-]+\\.account_id\\}$`),
    );
    expect(onlyResource(pinned.tf, "aws_s3_bucket")[1].bucket).toBe(resourceName("staging", "artifacts-123456789012"));
    expect(Object.keys(dev.tf.data.aws_caller_identity)).toHaveLength(1);
    // A pinned account needs no look-up: use stack.platform.target.accountId, not another data source.
    expect(pinned.tf.data?.aws_caller_identity).toBeUndefined();
  });

  it("is destroyed with its objects in dev, and protected from destruction in prod", () => {
    expect(onlyResource(dev.tf, "aws_s3_bucket")[1]).toMatchObject({ force_destroy: true });
    expect(onlyResource(dev.tf, "aws_s3_bucket")[1].lifecycle).toBeUndefined();
    expect(onlyResource(prod.tf, "aws_s3_bucket")[1]).toMatchObject({
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  it("blocks all public access and enforces bucket-owner object ownership", () => {
    expect(onlyResource(dev.tf, "aws_s3_bucket_public_access_block")[1]).toEqual({
      bucket: expect.stringMatching(BUCKET_REF),
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(dev.tf, "aws_s3_bucket_ownership_controls")[1].rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
  });

  it("encrypts with the project key and bucket keys, and keeps versions", () => {
    expect(onlyResource(dev.tf, "aws_s3_bucket_server_side_encryption_configuration")[1].rule).toEqual([
      {
        apply_server_side_encryption_by_default: {
          sse_algorithm: "aws:kms",
          kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/),
        },
        bucket_key_enabled: true,
        blocked_encryption_types: ["SSE-C"],
      },
    ]);
    expect(onlyResource(dev.tf, "aws_s3_bucket_versioning")[1].versioning_configuration).toEqual({ status: "Enabled" });
  });

  it("expires noncurrent versions after 30 days and aborts multipart uploads after 7, once versioning is on", () => {
    const lifecycle = onlyResource(dev.tf, "aws_s3_bucket_lifecycle_configuration")[1];
    expect(lifecycle.rule).toEqual([
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: [{}],
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
        expiration: [{ expired_object_delete_marker: true }],
      },
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: [{}],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
    ]);
    expect(lifecycle.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_versioning\./)]);
  });

  it("denies every request without TLS, or with TLS older than 1.2", () => {
    const statements = JSON.parse(onlyResource(dev.tf, "aws_s3_bucket_policy")[1].policy).Statement;
    const arn = "${" + Object.keys(resourcesOfType(dev.tf, "aws_s3_bucket")).map((id) => `aws_s3_bucket.${id}.arn`)[0] + "}";
    expect(statements).toEqual([
      {
        Sid: "DenyRequestsWithoutTls",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyTlsOlderThan12",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      },
    ]);
  });
});
