import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  SageMakerClient,
  UpdateEndpointCommand,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { ExitCode } from "../../cli/errors";
import { awsError, cli, fakeDeps } from "./fake-deps";

const sagemaker = mockClient(SageMakerClient);
const RUN_ID = "20240501120000";
const MODEL = `abalone-${RUN_ID}`;
const BUCKET = "abalone-prod-artifacts-111122223333";
const KMS = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ENDPOINT = "abalone-prod-endpoint";
const CONFIG = `abalone-prod-config-${RUN_ID}`;
const deployDeps = () => fakeDeps({ env: { ARTIFACT_BUCKET: BUCKET, KMS_KEY_ARN: KMS } });
const deploy = (...flags: string[]) => cli(["deploy", "--env", "prod", "--model-name", MODEL, ...flags], deployDeps());

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

beforeEach(() => {
  sagemaker.reset();
  sagemaker.on(DescribeModelCommand).resolves({ ModelName: MODEL });
  sagemaker.on(CreateEndpointConfigCommand).resolves({ EndpointConfigArn: `arn:aws:sagemaker:us-east-1:111122223333:endpoint-config/${CONFIG}` });
  sagemaker.on(CreateEndpointCommand).resolves({ EndpointArn: "arn" });
  sagemaker.on(UpdateEndpointCommand).resolves({ EndpointArn: "arn" });
});

describe("workflow deploy", () => {
  it("creates the run's endpoint config: AllTraffic on the environment's instances, data capture of input and output at 100 % with the KMS key", async () => {
    sagemaker.on(DescribeEndpointCommand).rejectsOnce(notFound(`endpoint "${ENDPOINT}"`)).resolves(endpoint("InService", CONFIG));
    await deploy();
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand)[0].args[0].input).toEqual({
      EndpointConfigName: CONFIG,
      ProductionVariants: [{ VariantName: "AllTraffic", ModelName: MODEL, InstanceType: "ml.m5.large", InitialInstanceCount: 1, InitialVariantWeight: 1 }],
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 100,
        DestinationS3Uri: `s3://${BUCKET}/endpoint-data-capture`,
        KmsKeyId: KMS,
        CaptureOptions: [{ CaptureMode: "Input" }, { CaptureMode: "Output" }],
      },
      Tags: [
        { Key: "Project", Value: "abalone" },
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
    const { code, stdout, deps } = await cli(["deploy", "--env", "prod", "--model-name", MODEL], deployDeps());
    expect(code).toBe(ExitCode.Succeeded);
    expect(sagemaker.commandCalls(CreateEndpointCommand)[0].args[0].input).toMatchObject({ EndpointName: ENDPOINT, EndpointConfigName: CONFIG });
    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
    expect(stdout).toContain(`Creating endpoint ${ENDPOINT}`);
    expect(stdout).toContain(`endpoint ${ENDPOINT}: Creating (0 ms)`);
    expect(stdout).toContain(`endpoint ${ENDPOINT}: InService (1m 00s)`);
    expect(stdout).toContain(`Endpoint ${ENDPOINT} is InService with ${MODEL}`);
    expect(deps.slept()).toBe(60_000);
    expect(deps.regions.every((r) => r === "us-east-1")).toBe(true);
  });

  it("updates an existing endpoint to the new config and waits for it (exit 0)", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(endpoint("InService", "abalone-prod-config-older"))
      .resolvesOnce(endpoint("Updating", "abalone-prod-config-older"))
      .resolves(endpoint("InService", CONFIG));
    const { code, stdout } = await deploy("--json");
    expect(code).toBe(ExitCode.Succeeded);
    expect(sagemaker.commandCalls(UpdateEndpointCommand)[0].args[0].input).toEqual({ EndpointName: ENDPOINT, EndpointConfigName: CONFIG });
    expect(sagemaker.commandCalls(CreateEndpointCommand)).toHaveLength(0);
    expect(JSON.parse(stdout)).toEqual({ endpointName: ENDPOINT, endpointConfigName: CONFIG, modelName: MODEL, action: "updated", status: "InService" });
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
    expect(stderr).toBe(`workflow deploy: endpoint ${ENDPOINT} is Failed: ${reason} — fix the cause (model, instance type, quotas) and deploy again\n`);
  });

  it("fails when an update rolls back to the previous config (exit 1)", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(endpoint("InService", "abalone-prod-config-older"))
      .resolvesOnce(endpoint("Updating", "abalone-prod-config-older"))
      .resolvesOnce(endpoint("RollingBack", "abalone-prod-config-older"))
      .resolves(endpoint("InService", "abalone-prod-config-older", "Insufficient capacity for ml.m5.large"));
    const { code, stderr } = await deploy();
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(stderr).toContain(`update of endpoint ${ENDPOINT} rolled back to abalone-prod-config-older: Insufficient capacity for ml.m5.large`);
  });

  it("waits for an endpoint still updating from an earlier deploy before updating it", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(endpoint("Updating", "abalone-prod-config-older"))
      .resolvesOnce(endpoint("InService", "abalone-prod-config-older"))
      .resolves(endpoint("InService", CONFIG));
    const { code } = await deploy();
    expect(code).toBe(ExitCode.Succeeded);
    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(1);
  });

  it("is safe to repeat: reuses its endpoint config for the same model and leaves an endpoint already on it alone", async () => {
    sagemaker.on(CreateEndpointConfigCommand).rejects(awsError("ValidationException", `Cannot create already existing endpoint configuration "arn:aws:sagemaker:us-east-1:111122223333:endpoint-config/${CONFIG}".`));
    sagemaker.on(DescribeEndpointConfigCommand).resolves({ EndpointConfigName: CONFIG, ProductionVariants: [{ VariantName: "AllTraffic", ModelName: MODEL }] });
    sagemaker.on(DescribeEndpointCommand).resolves(endpoint("InService", CONFIG));
    const { code, stdout } = await deploy();
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toContain(`Reusing endpoint config ${CONFIG}`);
    expect(stdout).toContain(`Already serving endpoint ${ENDPOINT}`);
    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
    expect(sagemaker.commandCalls(CreateEndpointCommand)).toHaveLength(0);
  });

  it("refuses an existing endpoint config that serves another model (exit 2)", async () => {
    sagemaker.on(CreateEndpointConfigCommand).rejects(awsError("ValidationException", "Cannot create already existing endpoint configuration"));
    sagemaker.on(DescribeEndpointConfigCommand).resolves({ EndpointConfigName: CONFIG, ProductionVariants: [{ VariantName: "AllTraffic", ModelName: "abalone-other" }] });
    const { code, stderr } = await deploy();
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(`endpoint config ${CONFIG} already exists for model abalone-other, not ${MODEL}`);
  });

  it("says which model is missing before creating anything (exit 3)", async () => {
    sagemaker.on(DescribeModelCommand).rejects(notFound(`model "${MODEL}"`));
    const { code, stderr } = await deploy();
    expect(code).toBe(ExitCode.Aws);
    expect(stderr).toContain(`model ${MODEL} not found in us-east-1 — pass the ModelName of a run that succeeded`);
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand)).toHaveLength(0);
  });

  it("reports access denied on CreateEndpointConfig (exit 3)", async () => {
    sagemaker.on(CreateEndpointConfigCommand).rejects(awsError("AccessDeniedException", "not authorized to perform: sagemaker:CreateEndpointConfig"));
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
    [["--model-name", MODEL], { ARTIFACT_BUCKET: "" }, "no artifact bucket for data capture — pass --bucket or set ARTIFACT_BUCKET"],
    [["--model-name", MODEL, "--bucket", "Not_A_Bucket"], {}, '--bucket / $ARTIFACT_BUCKET is not an S3 bucket name (got "Not_A_Bucket")'],
    [["--model-name", "abalone_1"], { ARTIFACT_BUCKET: BUCKET }, `--model-name "abalone_1" breaks SageMaker's name rule`],
    [["--model-name", MODEL, "--run-id", "r".repeat(50)], { ARTIFACT_BUCKET: BUCKET }, "endpoint config name (from --run-id)"],
    [[], { ARTIFACT_BUCKET: BUCKET }, "--model-name is required"],
  ])("refuses %j before calling AWS (exit 2)", async (flags, env, message) => {
    const { code, stderr } = await cli(["deploy", "--env", "prod", ...flags], fakeDeps({ env }));
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(message);
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

describe("workflow deploy in the DeployEndpoint build", () => {
  const buildDeps = (variables: Record<string, string>) => fakeDeps({ env: { ARTIFACT_BUCKET: BUCKET, KMS_KEY_ARN: KMS, ...variables } });

  it("puts the model on the instance type and count the stack set as build variables (what the plan showed)", async () => {
    sagemaker.on(DescribeEndpointCommand).rejectsOnce(notFound(`endpoint "${ENDPOINT}"`)).resolves(endpoint("InService", CONFIG));
    const { code } = await cli(["deploy", "--env", "prod", "--model-name", MODEL], buildDeps({ ENDPOINT_INSTANCE_TYPE: "ml.c5.xlarge", ENDPOINT_INSTANCE_COUNT: "3" }));
    expect(code).toBe(ExitCode.Succeeded);
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand)[0].args[0].input.ProductionVariants).toEqual([
      { VariantName: "AllTraffic", ModelName: MODEL, InstanceType: "ml.c5.xlarge", InitialInstanceCount: 3, InitialVariantWeight: 1 },
    ]);
  });

  it.each([
    [{ ENDPOINT_INSTANCE_TYPE: "ml.t2.medum" }, '$ENDPOINT_INSTANCE_TYPE must be a SageMaker endpoint instance type (the SageMaker API\'s list), such as ml.m5.large (got "ml.t2.medum")'],
    [{ ENDPOINT_INSTANCE_COUNT: "0" }, '$ENDPOINT_INSTANCE_COUNT must be an integer >= 1 (got "0")'],
    [{ ENDPOINT_INSTANCE_COUNT: "" }, '$ENDPOINT_INSTANCE_COUNT must be an integer >= 1 (got "")'],
  ])("refuses %j before calling AWS (exit 2, one line)", async (variables, message) => {
    const { code, stderr } = await cli(["deploy", "--env", "prod", "--model-name", MODEL], buildDeps(variables));
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toBe(`workflow deploy: ${message} — run with --help for usage\n`);
    expect(sagemaker.calls()).toHaveLength(0);
  });
});
