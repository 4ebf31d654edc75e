import { servingPredictions, servingRequest } from "../../cli/endpoint-smoke-test";
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateModelPackageCommand,
} from "@aws-sdk/client-sagemaker";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { GetObjectCommand, GetObjectCommandOutput, S3Client } from "@aws-sdk/client-s3";
import { InvokeEndpointCommand, ModelError, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { mockClient } from "aws-sdk-client-mock";
import { ExitCode } from "../../cli/errors";
import { stackEnvironment } from "../../cli/stack-environment";
import { getEnvironment } from "../../environments";
import { ENVIRONMENT_CONFIG_VARIABLE } from "../../modules/build-variables";
import { awsError, cli, fakeDeps } from "./fake-deps";
import {
  evaluationScoring,
  MODEL,
  modelGroup,
  passingValue,
  resourceName,
  runName,
  servingAnswer,
  thresholdOf,
  WRONG_SHAPE_REASON,
} from "../helpers/chosen-model";
import { described, registeredMetric, sageMakerNotFound, versionArn } from "./registry-fixtures";

const sagemaker = mockClient(SageMakerClient);
const s3 = mockClient(S3Client);
const runtime = mockClient(SageMakerRuntimeClient);
const cloudwatch = mockClient(CloudWatchClient);
const RUN_ID = "20240501120000";
const MODEL_NAME = runName("prod", RUN_ID);
const BUCKET = resourceName("prod", "artifacts-111122223333");
const KMS = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ENDPOINT = resourceName("prod", "endpoint");
const CONFIG = resourceName("prod", `config-${RUN_ID}`);
const deployDeps = () => fakeDeps({ env: { ARTIFACT_BUCKET: BUCKET, KMS_KEY_ARN: KMS } });
const deploy = (...flags: string[]) => cli(["deploy", "--env", "prod", "--model-name", MODEL_NAME, ...flags], deployDeps());

const notFound = (what: string) => awsError("ValidationException", `Could not find ${what}.`);
const endpoint = (status: string, config: string, failureReason?: string) => ({
  EndpointName: ENDPOINT,
  EndpointArn: `arn:aws:sagemaker:us-east-1:111122223333:endpoint/${ENDPOINT}`,
  EndpointConfigName: config,
  EndpointStatus: status as "InService",
  CreationTime: new Date(),
  LastModifiedTime: new Date(),
  ...(failureReason ? { FailureReason: failureReason } : {}),
});

/**
 * The smoke test's sample: the first 20 testing rows (label first, as Pre-process Data writes them)
 * and the endpoint's predictions for them, on which the metric is SAMPLE_METRIC; the run's
 * evaluation scores EVALUATION_METRIC.
 */
const SAMPLE_METRIC = passingValue(thresholdOf("prod"));
const SAMPLE = evaluationScoring(SAMPLE_METRIC, 20);
const EVALUATION_METRIC = thresholdOf("prod");
const TESTING_ROWS = Array.from({ length: 30 }, (_, i) => [SAMPLE.GroundTruth[i] ?? 0, 0.45, 0.35, 0.12, 0.5]);
const TESTING_CSV = TESTING_ROWS.map((row) => row.join(",")).join("\n") + "\n";
/** The run's own testing split and evaluation, beside its model. */
const TESTING_KEY = `${RUN_ID}/${runName("prod", RUN_ID, "TrainingJob")}/data/testing/testing.csv`;
const EVALUATION_KEY = `${RUN_ID}/${runName("prod", RUN_ID, "TrainingJob")}/evaluation/evaluation.json`;
const objectBody = (text: string) => ({ Body: { transformToString: async () => text } }) as unknown as GetObjectCommandOutput;
/** The endpoint's answer with `predictions`, in the shape of the model's serving contract. */
const served = (predictions: unknown[]) => ({ Body: new TextEncoder().encode(servingAnswer(predictions)) as never });

/** The endpoint serves an older config, updates, rolls back to it and settles there with `failureReason`. */
const rollsBack = (failureReason: string) =>
  sagemaker
    .on(DescribeEndpointCommand)
    .resolvesOnce(endpoint("InService", resourceName("prod", "config-older")))
    .resolvesOnce(endpoint("Updating", resourceName("prod", "config-older")))
    .resolvesOnce(endpoint("RollingBack", resourceName("prod", "config-older")))
    .resolves(endpoint("InService", resourceName("prod", "config-older"), failureReason));

beforeEach(() => {
  s3.reset();
  for (const [testing, evaluation] of [
    [TESTING_KEY, EVALUATION_KEY],
    [TESTING_KEY, EVALUATION_KEY].map((key) => key.replace("-prod-", "-dev-")),
  ]) {
    s3.on(GetObjectCommand, { Key: testing }).resolves(objectBody(TESTING_CSV));
    s3.on(GetObjectCommand, { Key: evaluation }).resolves(objectBody(JSON.stringify(evaluationScoring(EVALUATION_METRIC))));
  }
  runtime.reset();
  runtime.on(InvokeEndpointCommand).resolves(served(SAMPLE.Predictions));
  cloudwatch.reset();
  cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  sagemaker.reset();
  sagemaker.on(DescribeModelCommand).resolves({ ModelName: MODEL_NAME });
  sagemaker
    .on(CreateEndpointConfigCommand)
    .resolves({ EndpointConfigArn: `arn:aws:sagemaker:us-east-1:111122223333:endpoint-config/${CONFIG}` });
  sagemaker.on(CreateEndpointCommand).resolves({ EndpointArn: "arn" });
  sagemaker.on(UpdateEndpointCommand).resolves({ EndpointArn: "arn" });
});

describe("workflow deploy", () => {
  it("creates the run's endpoint config: AllTraffic on the environment's instances, data capture of input and output at 100 %, capture and storage volume with the KMS key", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .rejectsOnce(notFound(`endpoint "${ENDPOINT}"`))
      .resolves(endpoint("InService", CONFIG));
    await deploy();
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand)[0].args[0].input).toEqual({
      EndpointConfigName: CONFIG,
      ProductionVariants: [
        {
          VariantName: "AllTraffic",
          ModelName: MODEL_NAME,
          InstanceType: "ml.m5.large",
          InitialInstanceCount: 2,
          InitialVariantWeight: 1,
        },
      ],
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 100,
        DestinationS3Uri: `s3://${BUCKET}/endpoint-data-capture`,
        KmsKeyId: KMS,
        CaptureOptions: [{ CaptureMode: "Input" }, { CaptureMode: "Output" }],
      },
      KmsKeyId: KMS,
      Tags: [
        { Key: "Project", Value: MODEL.name },
        { Key: "Environment", Value: "prod" },
        { Key: "ManagedBy", Value: "workflow-cli" },
      ],
    });
  });

  it("creates the endpoint when there is none and waits until it is InService (exit 0)", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .rejectsOnce(notFound(`endpoint "${ENDPOINT}"`))
      .resolvesOnce(endpoint("Creating", CONFIG))
      .resolvesOnce(endpoint("Creating", CONFIG))
      .resolves(endpoint("InService", CONFIG));
    const { code, stdout, deps } = await cli(["deploy", "--env", "prod", "--model-name", MODEL_NAME], deployDeps());
    expect(code).toBe(ExitCode.Succeeded);
    expect(sagemaker.commandCalls(CreateEndpointCommand)[0].args[0].input).toMatchObject({
      EndpointName: ENDPOINT,
      EndpointConfigName: CONFIG,
    });
    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
    expect(stdout).toContain(`Creating endpoint ${ENDPOINT}`);
    expect(stdout).toContain(`endpoint ${ENDPOINT}: Creating (0 ms)`);
    expect(stdout).toContain(`endpoint ${ENDPOINT}: InService (1m 00s)`);
    expect(stdout).toContain(`Endpoint ${ENDPOINT} is InService with ${MODEL_NAME}`);
    expect(stdout).toContain(
      `Smoke test passed: 20 rows of s3://${BUCKET}/${TESTING_KEY} → 20 finite predictions, sample ${MODEL.metric.name} ${SAMPLE_METRIC.toFixed(3)} (evaluation ${MODEL.metric.name} ${EVALUATION_METRIC.toFixed(3)})`,
    );
    expect(deps.slept()).toBe(60_000);
    expect(deps.regions.every((r) => r === "us-east-1")).toBe(true);
  });

  it("updates an existing endpoint to the new config and waits for it (exit 0)", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(endpoint("InService", resourceName("prod", "config-older")))
      .resolvesOnce(endpoint("Updating", resourceName("prod", "config-older")))
      .resolves(endpoint("InService", CONFIG));
    const { code, stdout } = await deploy("--json");
    expect(code).toBe(ExitCode.Succeeded);
    // prod's rollout: blue/green, a 10 % canary baked 10 minutes, rolled back on the endpoint's two alarms.
    expect(sagemaker.commandCalls(UpdateEndpointCommand)[0].args[0].input).toEqual({
      EndpointName: ENDPOINT,
      EndpointConfigName: CONFIG,
      DeploymentConfig: {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: {
            Type: "CANARY",
            CanarySize: { Type: "INSTANCE_COUNT", Value: 1 },
            WaitIntervalInSeconds: 600,
          },
          TerminationWaitInSeconds: 600,
        },
        AutoRollbackConfiguration: {
          Alarms: [
            { AlarmName: resourceName("prod", "endpoint-invocation-errors") },
            { AlarmName: resourceName("prod", "endpoint-model-latency") },
          ],
        },
      },
    });
    expect(sagemaker.commandCalls(CreateEndpointCommand)).toHaveLength(0);
    expect(JSON.parse(stdout)).toEqual({
      endpointName: ENDPOINT,
      endpointConfigName: CONFIG,
      modelName: MODEL_NAME,
      action: "updated",
      rollout: { kind: "canary", canaryInstances: 1, bakeMinutes: 10 },
      status: "InService",
      firedAlarms: [],
      smokeTest: {
        rows: 20,
        testingUri: `s3://${BUCKET}/${TESTING_KEY}`,
        sampleMetric: expect.closeTo(SAMPLE_METRIC, 9),
        evaluationMetric: EVALUATION_METRIC,
      },
    });
  });

  it("fails with SageMaker's FailureReason when the endpoint ends Failed (exit 1)", async () => {
    const reason = "The primary container for production variant AllTraffic did not pass the ping health check.";
    sagemaker
      .on(DescribeEndpointCommand)
      .rejectsOnce(notFound(`endpoint "${ENDPOINT}"`))
      .resolvesOnce(endpoint("Creating", CONFIG))
      .resolves(endpoint("Failed", CONFIG, reason));
    const { code, stderr } = await deploy();
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(stderr).toBe(
      `workflow deploy: endpoint ${ENDPOINT} is Failed: ${reason} — fix the cause (model, instance type, quotas) and deploy again\n`,
    );
  });

  it("names the alarm that rolled an update back, and fails (exit 1)", async () => {
    rollsBack("Rolled back: alarm fired");
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: resourceName("prod", "endpoint-invocation-errors"),
          StateValue: "ALARM",
          StateReason: "Threshold Crossed: 1 datapoint [3.0] was >= 1.0",
        },
        { AlarmName: resourceName("prod", "endpoint-model-latency"), StateValue: "OK" },
      ],
    });
    const { code, stderr } = await deploy();
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(stderr).toBe(
      `workflow deploy: update of endpoint ${ENDPOINT} rolled back to ${resourceName("prod", "config-older")}: alarm ${resourceName("prod", "endpoint-invocation-errors")} (Threshold Crossed: 1 datapoint [3.0] was >= 1.0); Rolled back: alarm fired — the old model still serves; fix the cause and deploy again\n`,
    );
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toEqual({
      AlarmNames: [resourceName("prod", "endpoint-invocation-errors"), resourceName("prod", "endpoint-model-latency")],
    });
    expect(runtime.calls()).toHaveLength(0);
  });

  it("shifts all traffic at once in dev and says plainly that nothing rolls it back (a 0-minute bake)", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(endpoint("InService", resourceName("dev", "config-older")))
      .resolves(endpoint("InService", resourceName("dev", `config-${RUN_ID}`)));
    const { code, stdout } = await cli(["deploy", "--env", "dev", "--model-name", runName("dev", RUN_ID)], deployDeps());
    expect(code).toBe(ExitCode.Succeeded);
    // No AutoRollbackConfiguration: with no bake, the alarms (one and two minutes) could never fire in time.
    expect(sagemaker.commandCalls(UpdateEndpointCommand)[0].args[0].input.DeploymentConfig).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 },
        TerminationWaitInSeconds: 0,
      },
    });
    expect(stdout).toContain(
      `all traffic at once; no automatic rollback (rollout.bakeMinutes is 0: the alarms ${resourceName("dev", "endpoint-invocation-errors")}, ${resourceName("dev", "endpoint-model-latency")} only notify)`,
    );
  });

  it("fails when an update rolls back to the previous config (exit 1)", async () => {
    rollsBack("Insufficient capacity for ml.m5.large");
    const { code, stderr } = await deploy();
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(stderr).toContain(
      `update of endpoint ${ENDPOINT} rolled back to ${resourceName("prod", "config-older")}: Insufficient capacity for ml.m5.large`,
    );
  });

  it("waits for an endpoint still updating from an earlier deploy before updating it", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(endpoint("Updating", resourceName("prod", "config-older")))
      .resolvesOnce(endpoint("InService", resourceName("prod", "config-older")))
      .resolves(endpoint("InService", CONFIG));
    const { code } = await deploy();
    expect(code).toBe(ExitCode.Succeeded);
    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(1);
  });

  it("is safe to repeat: reuses its endpoint config for the same model and leaves an endpoint already on it alone", async () => {
    sagemaker
      .on(CreateEndpointConfigCommand)
      .rejects(
        awsError(
          "ValidationException",
          `Cannot create already existing endpoint configuration "arn:aws:sagemaker:us-east-1:111122223333:endpoint-config/${CONFIG}".`,
        ),
      );
    sagemaker
      .on(DescribeEndpointConfigCommand)
      .resolves({ EndpointConfigName: CONFIG, ProductionVariants: [{ VariantName: "AllTraffic", ModelName: MODEL_NAME }] });
    sagemaker.on(DescribeEndpointCommand).resolves(endpoint("InService", CONFIG));
    const { code, stdout } = await deploy();
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toContain(`Reusing endpoint config ${CONFIG}`);
    expect(stdout).toContain(`Already serving endpoint ${ENDPOINT}`);
    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
    expect(sagemaker.commandCalls(CreateEndpointCommand)).toHaveLength(0);
  });

  it("refuses an existing endpoint config that serves another model (exit 2)", async () => {
    sagemaker
      .on(CreateEndpointConfigCommand)
      .rejects(awsError("ValidationException", "Cannot create already existing endpoint configuration"));
    sagemaker.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: CONFIG,
      ProductionVariants: [{ VariantName: "AllTraffic", ModelName: runName("prod", "other") }],
    });
    const { code, stderr } = await deploy();
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(`endpoint config ${CONFIG} already exists for model ${runName("prod", "other")}, not ${MODEL_NAME}`);
  });

  it("says which model is missing before creating anything (exit 3)", async () => {
    sagemaker.on(DescribeModelCommand).rejects(notFound(`model "${MODEL_NAME}"`));
    const { code, stderr } = await deploy();
    expect(code).toBe(ExitCode.Aws);
    expect(stderr).toContain(`model ${MODEL_NAME} not found in us-east-1 — pass the ModelName of a run that succeeded`);
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand)).toHaveLength(0);
  });

  it("reports access denied on CreateEndpointConfig (exit 3)", async () => {
    sagemaker
      .on(CreateEndpointConfigCommand)
      .rejects(awsError("AccessDeniedException", "not authorized to perform: sagemaker:CreateEndpointConfig"));
    const { code, stderr } = await deploy();
    expect(code).toBe(ExitCode.Aws);
    expect(stderr).toMatch(/^workflow deploy: access denied calling CreateEndpointConfig: not authorized/);
  });

  it("gives up after --timeout-minutes with the status it was stuck in (exit 1)", async () => {
    sagemaker.on(DescribeEndpointCommand).rejectsOnce(notFound("endpoint")).resolves(endpoint("Creating", CONFIG));
    const { code, stderr } = await deploy("--timeout-minutes", "2");
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(stderr).toContain(`endpoint ${ENDPOINT} is still Creating after 2m 00s`);
  });

  it.each([
    [
      ["--model-name", MODEL_NAME],
      { ARTIFACT_BUCKET: "" },
      "no artifact bucket for data capture — pass --bucket or set ARTIFACT_BUCKET",
    ],
    [
      ["--model-name", MODEL_NAME, "--bucket", "Not_A_Bucket"],
      {},
      '--bucket / $ARTIFACT_BUCKET is not an S3 bucket name (got "Not_A_Bucket")',
    ],
    [["--model-name", "model_1"], { ARTIFACT_BUCKET: BUCKET }, `--model-name "model_1" breaks SageMaker's name rule`],
    [
      ["--model-name", MODEL_NAME, "--run-id", "r".repeat(50)],
      { ARTIFACT_BUCKET: BUCKET },
      "endpoint config name (from --run-id)",
    ],
    [[], { ARTIFACT_BUCKET: BUCKET }, "pass exactly one of --model-package (a registered version) and --model-name"],
  ])("refuses %j before calling AWS (exit 2)", async (flags, env, message) => {
    const { code, stderr } = await cli(["deploy", "--env", "prod", ...flags], fakeDeps({ env }));
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(message);
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

describe("workflow deploy in the DeployEndpoint build", () => {
  /** The bundled CLI's deps: prod's environment (with `changes`) only as the stack passes it, ENVIRONMENT_CONFIG. */
  const buildDeps = (changes: Record<string, unknown>, variables: Record<string, string> = {}) => {
    const env = {
      ARTIFACT_BUCKET: BUCKET,
      KMS_KEY_ARN: KMS,
      [ENVIRONMENT_CONFIG_VARIABLE]: JSON.stringify({ ...getEnvironment("prod"), ...changes }),
      ...variables,
    };
    return { ...fakeDeps({ env }), environments: stackEnvironment(env) };
  };

  it("puts the model on the instance type and count of the environment the stack set (what the plan showed)", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .rejectsOnce(notFound(`endpoint "${ENDPOINT}"`))
      .resolves(endpoint("InService", CONFIG));
    const prod = getEnvironment("prod");
    const { code } = await cli(
      ["deploy", "--env", "prod", "--model-name", MODEL_NAME],
      buildDeps({ instanceTypes: { ...prod.instanceTypes, endpoint: "ml.c5.xlarge" }, endpointInstanceCount: 3 }),
    );
    expect(code).toBe(ExitCode.Succeeded);
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand)[0].args[0].input.ProductionVariants).toEqual([
      {
        VariantName: "AllTraffic",
        ModelName: MODEL_NAME,
        InstanceType: "ml.c5.xlarge",
        InitialInstanceCount: 3,
        InitialVariantWeight: 1,
      },
    ]);
  });

  it("asks no storage-volume key of an instance type with local storage, but still encrypts the captured data", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .rejectsOnce(notFound(`endpoint "${ENDPOINT}"`))
      .resolves(endpoint("InService", CONFIG));
    const { code } = await cli(
      ["deploy", "--env", "prod", "--model-name", MODEL_NAME],
      buildDeps({ instanceTypes: { ...getEnvironment("prod").instanceTypes, endpoint: "ml.g4dn.xlarge" } }),
    );
    expect(code).toBe(ExitCode.Succeeded);
    // SageMaker API Reference, CreateEndpointConfig KmsKeyId: refused with instance store, which the hardware encrypts.
    const request = sagemaker.commandCalls(CreateEndpointConfigCommand)[0].args[0].input;
    expect(request.KmsKeyId).toBeUndefined();
    expect(request.DataCaptureConfig?.KmsKeyId).toBe(KMS);
  });

  it.each<[Record<string, unknown>, Record<string, string>, string]>([
    [
      { instanceTypes: { ...getEnvironment("prod").instanceTypes, endpoint: "ml.g6.xlarge" } },
      {},
      '--env prod: invalid environment: $ENVIRONMENT_CONFIG: instanceTypes.endpoint is of a family, ml.g6, whose local storage this project does not know (SageMaker refuses the volume key on instance store): add it to INSTANCE_STORAGE_BY_FAMILY in modules/aws-catalog.ts from AWS\'s EC2 instance-type documentation, or pick a listed family (got "ml.g6.xlarge")',
    ],
    [
      { instanceTypes: { ...getEnvironment("prod").instanceTypes, endpoint: "ml.t2.medum" } },
      {},
      '--env prod: invalid environment: $ENVIRONMENT_CONFIG: instanceTypes.endpoint must be a SageMaker endpoint instance type (the SageMaker API\'s list), such as ml.m5.large (got "ml.t2.medum") — did you mean "ml.t2.medium"?',
    ],
    [
      { rollout: { kind: "canary", canaryInstances: 1, bakeMinutes: 10 }, endpointInstanceCount: 1 },
      {},
      `--env prod: invalid environment: $ENVIRONMENT_CONFIG: rollout.canaryInstances must be at most half of endpointInstanceCount, SageMaker's canary rule (got 1 of 1; raise endpointInstanceCount or use kind "all-at-once")`,
    ],
    [
      {},
      { ENDPOINT_ROLLBACK_ALARMS: "" },
      '$ENDPOINT_ROLLBACK_ALARMS must name 1 to 10 CloudWatch alarms, comma-separated (got "")',
    ],
  ])("refuses %j with %j before calling AWS (exit 2, one line)", async (changes, variables, message) => {
    const { code, stderr } = await cli(["deploy", "--env", "prod", "--model-name", MODEL_NAME], buildDeps(changes, variables));
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toBe(`workflow deploy: ${message} — run with --help for usage\n`);
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

describe("the serving contracts", () => {
  const rows = [
    [1, 3, 4],
    [2, 0.5, 0],
  ];

  it("json-instances sends the features (label dropped) as {instances}, unscaled", () => {
    expect(servingRequest(rows, { request: "json-instances" })).toEqual({
      contentType: "application/json",
      body: JSON.stringify({
        instances: [
          [3, 4],
          [0.5, 0],
        ],
      }),
    });
  });

  it("csv sends the features (label dropped) as text/csv rows", () => {
    expect(servingRequest(rows, { request: "csv" })).toEqual({ contentType: "text/csv", body: "3,4\n0.5,0\n" });
  });

  it("reads {predictions: [[y] or y]} and [y], one finite number per row, or says why not", () => {
    expect(servingPredictions('{"predictions": [[1.5], 2]}', 2, { response: "json-predictions" })).toEqual([1.5, 2]);
    expect(servingPredictions("[0, 2]", 2, { response: "json-array" })).toEqual([0, 2]);
    expect(servingPredictions('{"predictions": [0, 2]}', 2, { response: "json-array" })).toMatch(
      /^the answer is not a JSON array/,
    );
    expect(servingPredictions("[0]", 2, { response: "json-array" })).toBe("1 predictions for 2 rows");
    expect(servingPredictions('[0, "x"]', 2, { response: "json-array" })).toBe('prediction 1 is "x", not one finite number');
  });
});

describe("the smoke test after a deployment", () => {
  beforeEach(() => {
    sagemaker
      .on(DescribeEndpointCommand)
      .rejectsOnce(notFound(`endpoint "${ENDPOINT}"`))
      .resolves(endpoint("InService", CONFIG));
  });

  it("sends the first 20 testing rows' features as the model's serving contract says; the model scales them itself", async () => {
    expect((await deploy()).code).toBe(ExitCode.Succeeded);
    const request = runtime.commandCalls(InvokeEndpointCommand)[0].args[0].input;
    const expected = servingRequest(TESTING_ROWS.slice(0, 20), MODEL.serving);
    expect(request).toMatchObject({ EndpointName: ENDPOINT, ContentType: expected.contentType, Accept: "application/json" });
    expect(request.Body).toBe(expected.body);
    expect(s3.commandCalls(GetObjectCommand)[0].args[0].input).toEqual({
      Bucket: BUCKET,
      Key: TESTING_KEY,
      Range: "bytes=0-16383",
    });
  });

  it.each([
    ["too few predictions", served([1, 2]), "2 predictions for 20 rows"],
    ["a NaN among them", served([...SAMPLE.Predictions.slice(0, 19), null]), "prediction 19 is null, not one finite number"],
    [
      "an answer of the wrong shape",
      { Body: new TextEncoder().encode('{"error": "Serving signature not found"}') as never },
      WRONG_SHAPE_REASON,
    ],
    ["an answer that is not JSON", { Body: new TextEncoder().encode("<html>502</html>") as never }, "the answer is not JSON"],
  ])("fails the deployment on %s (exit 1)", async (_case, answer, reason) => {
    runtime.on(InvokeEndpointCommand).resolves(answer);
    const { code, stderr } = await deploy();
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(stderr).toContain(
      `workflow deploy: smoke test: endpoint ${ENDPOINT} answered 20 rows of s3://${BUCKET}/${TESTING_KEY} wrongly: ${reason}`,
    );
  });

  it("fails the deployment (exit 1, not an AWS error) when the model's container answers with an error", async () => {
    // SageMaker Runtime's ModelError (HTTP 424): the container answered 4xx/5xx, so the model failed, not the account.
    const logStream = `arn:aws:logs:us-east-1:111122223333:log-group:/aws/sagemaker/Endpoints/${ENDPOINT}`;
    runtime.on(InvokeEndpointCommand).rejects(
      new ModelError({
        $metadata: { httpStatusCode: 424 },
        message: 'Received server error (500) from primary with message "Serving signature not found".',
        OriginalStatusCode: 500,
        OriginalMessage: "Serving signature not found",
        LogStreamArn: logStream,
      }),
    );
    const { code, stderr } = await deploy();
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(stderr).toContain(
      `workflow deploy: smoke test: endpoint ${ENDPOINT}'s model failed on 20 rows of s3://${BUCKET}/${TESTING_KEY}: it answered 500 "Serving signature not found"`,
    );
    expect(stderr).toContain(`see its log ${logStream}`);
  });

  it("reads only whole rows when the ranged read ends inside one", async () => {
    s3.on(GetObjectCommand, { Key: TESTING_KEY }).resolves(objectBody("1,0.4,0.3,0.1,0.5\n0,0.5,0.4"));
    runtime.on(InvokeEndpointCommand).resolves(served([1]));
    const { code, stdout } = await deploy();
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toContain("Smoke test passed: 1 rows");
  });

  it("reports the sample metric without an evaluation when the run's evaluation is gone", async () => {
    s3.on(GetObjectCommand, { Key: EVALUATION_KEY }).rejects(awsError("NoSuchKey", "The specified key does not exist."));
    const { code, stdout } = await deploy();
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toContain(`sample ${MODEL.metric.name} ${SAMPLE_METRIC.toFixed(3)} (no evaluation found for this run)`);
  });
});

describe("workflow deploy --model-package", () => {
  const PROD_VERSION = versionArn("prod", 4);
  const pending = described("prod", 4, "PendingManualApproval", {
    CustomerMetadataProperties: {
      ...described("prod", 4, "Approved").CustomerMetadataProperties,
      RunId: RUN_ID,
      ModelName: MODEL_NAME,
    },
  });
  const deployVersion = (...flags: string[]) =>
    cli(["deploy", "--env", "prod", "--model-package", PROD_VERSION, ...flags], deployDeps());
  beforeEach(() => {
    sagemaker
      .on(DescribeEndpointCommand)
      .rejectsOnce(notFound(`endpoint "${ENDPOINT}"`))
      .resolves(endpoint("InService", CONFIG));
    sagemaker.on(DescribeModelPackageCommand).resolves(pending);
    sagemaker.on(UpdateModelPackageCommand).resolves({ ModelPackageArn: PROD_VERSION });
  });

  it("with --approve (the pipeline's deploy), marks the pending version Approved, then deploys its run's model", async () => {
    const { code, stdout } = await deployVersion("--approve");
    expect(code).toBe(ExitCode.Succeeded);
    expect(sagemaker.commandCalls(UpdateModelPackageCommand).map((c) => c.args[0].input)).toEqual([
      {
        ModelPackageArn: PROD_VERSION,
        ModelApprovalStatus: "Approved",
        ApprovalDescription: "Approved in the release pipeline's approval stage",
      },
    ]);
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand)[0].args[0].input).toMatchObject({
      EndpointConfigName: CONFIG,
      ProductionVariants: [expect.objectContaining({ ModelName: MODEL_NAME })],
    });
    expect(stdout).toContain(
      `Deploying version 4 of ${modelGroup("prod")} (Approved; run ${RUN_ID}, commit c0ffee4, ${MODEL.metric.computation} ${registeredMetric("prod", 4)}`,
    );
  });

  it("says an environment without approval stage approved the version automatically", async () => {
    const devVersion = versionArn("dev", 2);
    sagemaker.on(DescribeModelPackageCommand).resolves(described("dev", 2, "PendingManualApproval"));
    await cli(
      ["deploy", "--env", "dev", "--model-package", devVersion, "--approve"],
      fakeDeps({ env: { ARTIFACT_BUCKET: BUCKET } }),
    );
    expect(sagemaker.commandCalls(UpdateModelPackageCommand)[0].args[0].input.ApprovalDescription).toBe(
      "Approved automatically: dev has no approval stage",
    );
  });

  it.each(["PendingManualApproval", "Rejected"] as const)(
    "refuses a %s version without --approve, in one line (exit 2)",
    async (status) => {
      sagemaker.on(DescribeModelPackageCommand).resolves(described("prod", 4, status));
      const { code, stderr } = await deployVersion();
      expect(code).toBe(ExitCode.Usage);
      expect(stderr).toBe(
        `workflow deploy: version 4 of ${modelGroup("prod")} is ${status}, not Approved: only approved versions are deployed — run 'workflow models --env prod' for the approved ones\n`,
      );
      expect(sagemaker.commandCalls(UpdateModelPackageCommand)).toHaveLength(0);
      expect(sagemaker.commandCalls(CreateEndpointConfigCommand)).toHaveLength(0);
    },
  );

  it("never approves a rejected version, even with --approve", async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves(described("prod", 4, "Rejected"));
    const { code } = await deployVersion("--approve");
    expect(code).toBe(ExitCode.Usage);
    expect(sagemaker.commandCalls(UpdateModelPackageCommand)).toHaveLength(0);
  });

  it("refuses another environment's version before calling AWS (exit 2)", async () => {
    const { code, stderr } = await cli(["deploy", "--env", "prod", "--model-package", versionArn("dev", 4)], deployDeps());
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(`is a version of ${modelGroup("dev")}, not of prod's model group ${modelGroup("prod")}`);
    expect(sagemaker.calls()).toHaveLength(0);
  });

  it("reports a version that does not exist as SageMaker's not found (exit 3)", async () => {
    sagemaker.on(DescribeModelPackageCommand).rejects(sageMakerNotFound(`model package ${PROD_VERSION}`));
    const { code, stderr } = await deployVersion("--approve");
    expect(code).toBe(ExitCode.Aws);
    expect(stderr).toContain("not found calling DescribeModelPackage");
  });
});
