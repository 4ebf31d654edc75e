import { getEnvironment } from "../../../environments";
import { JobAccess, sageMakerExecutionStatements } from "../../../modules/iam/sagemaker-execution-role";
import { runObjectsPattern } from "../../../modules/s3-layout";
import { DATA_PREFIX, DISTINCT_IMAGES, MODEL, resourceName, runName } from "../../helpers/chosen-model";
import { inlinePolicyOf, namedResource, resourcesOfType, synthEnvironment } from "../../helpers/synth";

const ACCOUNT = "123456789012";
/** Every run's objects in any environment (the bucket is the environment's own): under `<run id>/<model>-<env>-TrainingJob-<run id>`. */
const RUN_OBJECTS = `*/${runName("*", "*", "TrainingJob")}`;

describe("the SageMaker execution role", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let role: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let statements: Record<string, any>;
  let bucketArn: string;
  let keyArn: string;
  beforeAll(() => {
    const { tf } = synthEnvironment({ ...getEnvironment("prod"), accountId: ACCOUNT, region: "eu-central-1" });
    role = namedResource(tf, "aws_iam_role", resourceName("prod", "sagemaker-role"))[1];
    const policy = inlinePolicyOf(tf, resourceName("prod", "sagemaker-role"));
    statements = Object.fromEntries(JSON.parse(policy.policy).Statement.map((s: { Sid: string }) => [s.Sid, s]));
    bucketArn = `\${aws_s3_bucket.${Object.keys(resourcesOfType(tf, "aws_s3_bucket"))[0]}.arn}`;
    keyArn = `\${aws_kms_key.${Object.keys(resourcesOfType(tf, "aws_kms_key"))[0]}.arn}`;
  });

  it("is assumable by SageMaker only, on behalf of this account", () => {
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      {
        Sid: "TrustedService",
        Effect: "Allow",
        Principal: { Service: "sagemaker.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
      },
    ]);
  });

  it("reads the raw data, the code and the per-run objects (the run's own splits among them), nothing else", () => {
    expect(statements.ReadDataCodeAndRunObjects).toMatchObject({
      Action: "s3:GetObject",
      Resource: ["raw", "code"].map((p) => `${bucketArn}/${DATA_PREFIX}/${p}/*`).concat(`${bucketArn}/${RUN_OBJECTS}`),
    });
    expect(statements.ListOnlyTheWorkflowPrefixes).toEqual({
      Sid: "ListOnlyTheWorkflowPrefixes",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucketArn,
      Condition: { StringLike: { "s3:prefix": [`${DATA_PREFIX}/raw*`, `${DATA_PREFIX}/code*`, RUN_OBJECTS] } },
    });
  });

  it("writes only the per-run objects (the run's own splits among them) and the endpoint's data capture", () => {
    expect(statements.WritePreprocessedRunAndCaptureObjects).toMatchObject({
      Action: "s3:PutObject",
      Resource: [`${bucketArn}/${RUN_OBJECTS}`, `${bucketArn}/endpoint-data-capture/*`],
    });
    expect(JSON.stringify(statements)).not.toMatch(/s3:DeleteObject|s3:PutObjectAcl/);
  });

  it("uses the project key and pulls the AWS framework images of its region", () => {
    expect(statements.UseTheBucketKey).toMatchObject({
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      Resource: keyArn,
    });
    expect(statements.EncryptJobVolumesWithTheKey).toMatchObject({
      Action: "kms:CreateGrant",
      Resource: keyArn,
      Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
    });
    expect(statements.LogInToEcr).toMatchObject({ Action: "ecr:GetAuthorizationToken", Resource: "*" });
    // Each repository (a lone one as a string) in the account the provider resolves for the region's prebuilt image, never any account.
    expect([statements.PullFrameworkImages.Resource].flat()).toEqual(
      DISTINCT_IMAGES.map(({ repositoryName: repository }) =>
        expect.stringMatching(
          new RegExp(
            `^arn:aws:ecr:eu-central-1:\\$\\{data\\.aws_sagemaker_prebuilt_ecr_image\\.[\\w-]+\\.registry_id\\}:repository/${repository}$`,
          ),
        ),
      ),
    );
  });

  it("reads only the endpoint's rollback alarms, as SageMaker's deployment guardrails require of it", () => {
    expect(statements.ReadTheEndpointsRollbackAlarms).toMatchObject({
      Action: "cloudwatch:DescribeAlarms",
      Resource: [
        `arn:aws:cloudwatch:eu-central-1:${ACCOUNT}:alarm:${resourceName("prod", "endpoint-invocation-errors")}`,
        `arn:aws:cloudwatch:eu-central-1:${ACCOUNT}:alarm:${resourceName("prod", "endpoint-model-latency")}`,
      ],
    });
  });

  it("writes its logs under /aws/sagemaker/ and metrics under the SageMaker namespaces only", () => {
    expect(statements.WriteSageMakerLogs.Resource).toEqual([
      `arn:aws:logs:eu-central-1:${ACCOUNT}:log-group:/aws/sagemaker/*`,
      `arn:aws:logs:eu-central-1:${ACCOUNT}:log-group:/aws/sagemaker/*:log-stream:*`,
    ]);
    expect(statements.PublishSageMakerMetrics).toMatchObject({
      Resource: "*",
      Condition: { StringLike: { "cloudwatch:namespace": "/aws/sagemaker/*" } },
    });
  });
});

describe("the SageMaker execution role's statements", () => {
  const target = { partition: "aws", region: "us-east-1", accountId: ACCOUNT };
  const imageRegistries = {
    processing: "683313688378",
    training: "763104351884",
    evaluation: "763104351884",
    inference: "763104351884",
  };
  const statementsFor = (jobs: JobAccess[]) =>
    Object.fromEntries(
      sageMakerExecutionStatements({
        target,
        bucketArn: "arn:aws:s3:::b",
        kmsKeyArn: "k",
        jobs,
        imageRegistries,
        images: MODEL.images,
        runObjects: runObjectsPattern(MODEL.name),
        rollbackAlarmArns: ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:a"],
      }).map((s) => [s.sid, s]),
    );

  it("grant exactly what the jobs declare, plus the endpoint's data capture and image", () => {
    const s = statementsFor([
      {
        reads: ["data/in", runObjectsPattern(MODEL.name)],
        writes: [runObjectsPattern(MODEL.name), "data/out"],
        image: "processing",
      },
    ]);
    expect(s.ReadDataCodeAndRunObjects.resources).toEqual([
      "arn:aws:s3:::b/data/in/*",
      `arn:aws:s3:::b/${runObjectsPattern(MODEL.name)}`,
    ]);
    expect(s.ListOnlyTheWorkflowPrefixes.conditions).toEqual({
      StringLike: { "s3:prefix": ["data/in*", runObjectsPattern(MODEL.name)] },
    });
    expect(s.WritePreprocessedRunAndCaptureObjects.resources).toEqual([
      "arn:aws:s3:::b/data/out/*",
      `arn:aws:s3:::b/${runObjectsPattern(MODEL.name)}`,
      "arn:aws:s3:::b/endpoint-data-capture/*",
    ]);
    // The job's image and the endpoint's, each from the registry the provider gave its step.
    expect(s.PullFrameworkImages.resources).toEqual([
      `arn:aws:ecr:us-east-1:${imageRegistries.processing}:repository/${MODEL.images.processing.repositoryName}`,
      `arn:aws:ecr:us-east-1:${imageRegistries.inference}:repository/${MODEL.images.inference.repositoryName}`,
    ]);
  });
});
