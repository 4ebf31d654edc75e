/** `workflow models`, `rollback` and `teardown` against mocked SageMaker answers of the real shapes. */
import {
  CreateEndpointConfigCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DeleteModelPackageCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageOutput,
  ListEndpointConfigsCommand,
  ListModelPackagesCommand,
  ListModelPackagesCommandInput,
  ListModelPackagesOutput,
  ListModelsCommand,
  ListTagsCommand,
  SageMakerClient,
  SageMakerServiceException,
  UpdateEndpointCommand,
} from "@aws-sdk/client-sagemaker";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { GetObjectCommand, GetObjectCommandOutput, S3Client } from "@aws-sdk/client-s3";
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { mockClient } from "aws-sdk-client-mock";
import { ExitCode } from "../../cli/errors";
import { listVersions } from "../../cli/model-registry";
import { cli, fakeDeps } from "./fake-deps";
import {
  evaluationScoring,
  hyperparameterArguments,
  MODEL,
  modelGroup,
  namePrefix,
  passingValue,
  resourceName,
  runName,
  servingAnswer,
  thresholdOf,
} from "../helpers/chosen-model";
import { ACCOUNT, described, groupOf, registeredMetric, sageMakerNotFound, summaryOf, versionArn } from "./registry-fixtures";

const sagemaker = mockClient(SageMakerClient);
const s3 = mockClient(S3Client);
const runtime = mockClient(SageMakerRuntimeClient);
const cloudwatch = mockClient(CloudWatchClient);
const BUCKET = resourceName("prod", `artifacts-${ACCOUNT}`);
const ENDPOINT = resourceName("prod", "endpoint");
const prodDeps = () => fakeDeps({ env: { ARTIFACT_BUCKET: BUCKET } });

/** Versions 1 to 4 of prod: 1 and 2 and 4 approved, 3 rejected; the endpoint serves `served`'s model. */
function registry(versions: DescribeModelPackageOutput[], served?: number) {
  sagemaker.on(ListModelPackagesCommand).callsFake((input) => ({
    ModelPackageSummaryList: [...versions]
      .reverse()
      .filter((v) => !input.ModelApprovalStatus || v.ModelApprovalStatus === input.ModelApprovalStatus)
      .map(summaryOf),
  }));
  for (const version of versions)
    sagemaker.on(DescribeModelPackageCommand, { ModelPackageName: version.ModelPackageArn }).resolves(version);
  const servedModel = versions.find((v) => v.ModelPackageVersion === served)?.CustomerMetadataProperties?.ModelName;
  if (servedModel) {
    const config = resourceName("prod", `config-run-${served}`);
    sagemaker.on(DescribeEndpointCommand).resolves({
      EndpointName: ENDPOINT,
      EndpointArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/${ENDPOINT}`,
      EndpointConfigName: config,
      EndpointStatus: "InService",
      CreationTime: new Date(),
      LastModifiedTime: new Date(),
    });
    sagemaker.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: config,
      EndpointConfigArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint-config/${config}`,
      CreationTime: new Date(),
      ProductionVariants: [
        { VariantName: "AllTraffic", ModelName: servedModel, InstanceType: "ml.m5.large", InitialInstanceCount: 2 },
      ],
    });
  } else sagemaker.on(DescribeEndpointCommand).rejects(sageMakerNotFound(`endpoint "${ENDPOINT}"`));
}

const FOUR = [
  described("prod", 1, "Approved"),
  described("prod", 2, "Approved"),
  described("prod", 3, "Rejected"),
  described("prod", 4, "Approved"),
];

beforeEach(() => {
  sagemaker.reset();
  s3.reset();
  runtime.reset();
  cloudwatch.reset();
});

describe("workflow models", () => {
  it("lists the versions newest first with status, metric against threshold, run, commit and time, and marks the served one", async () => {
    registry(FOUR, 2);
    const { code, stdout } = await cli(["models", "--env", "prod"], prodDeps());
    expect(code).toBe(ExitCode.Succeeded);
    const metric = (version: number) =>
      `${MODEL.metric.computation} ${registeredMetric("prod", version)} (threshold ${thresholdOf("prod")})`;
    const lines = stdout.split("\n");
    // Columns as wide as their longest value, two spaces apart.
    expect(lines.map((line) => line.replace(/ {2,}/g, "  "))).toEqual([
      `${modelGroup("prod")} (us-east-1): 4 version(s), newest first`,
      "  version  status  metric  run  commit  registered",
      `  4  Approved  ${metric(4)}  run-4  c0ffee4  2024-05-04T12:00:00Z`,
      `  3  Rejected  ${metric(3)}  run-3  c0ffee3  2024-05-03T12:00:00Z`,
      `*  2  Approved  ${metric(2)}  run-2  c0ffee2  2024-05-02T12:00:00Z`,
      `  1  Approved  ${metric(1)}  run-1  c0ffee1  2024-05-01T12:00:00Z`,
      `Endpoint ${resourceName("prod", "endpoint")}: InService, serving version 2 (model ${runName("prod", "run-2")})`,
      "",
    ]);
    const starts = ["version", "status", "metric", "run", "commit", "registered"].map(
      (column) => lines[1].indexOf(` ${column}`) + 1,
    );
    for (const row of lines.slice(2, 6)) for (const start of starts) expect(row.slice(start - 2, start + 1)).toMatch(/^ {2}\S$/);
    expect(sagemaker.commandCalls(ListModelPackagesCommand)[0].args[0].input).toMatchObject({
      ModelPackageGroupName: groupOf("prod"),
      SortBy: "CreationTime",
      SortOrder: "Descending",
    });
  });

  it("prints one JSON document with the versions, their hyperparameters and the endpoint", async () => {
    registry(FOUR.slice(0, 1));
    const { stdout } = await cli(["models", "--env", "prod", "--json"], prodDeps());
    const report = JSON.parse(stdout);
    expect(report.endpoint.status).toBe("NotDeployed");
    expect(report.versions).toEqual([
      expect.objectContaining({
        version: 1,
        status: "Approved",
        runId: "run-1",
        metric: { name: MODEL.metric.computation, value: registeredMetric("prod", 1), threshold: thresholdOf("prod") },
        hyperParameters: hyperparameterArguments("prod"),
        serving: false,
      }),
    ]);
  });

  it("says so when nothing is registered yet", async () => {
    registry([]);
    const { code, stdout } = await cli(["models", "--env", "dev"], fakeDeps());
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toContain(`${modelGroup("dev")} (us-east-1): no versions registered yet`);
  });
});

describe("workflow rollback", () => {
  /** The run's testing split, its evaluation and the endpoint's answers: what the smoke test reads. */
  function servable(runId: string) {
    const rows = Array.from({ length: 30 }, (_, i) => [i % 3, 0.45, 0.35, 0.12, 0.5]);
    const body = (text: string) => ({ Body: { transformToString: async () => text } }) as unknown as GetObjectCommandOutput;
    s3.on(GetObjectCommand, { Key: `${runId}/${runName("prod", runId, "TrainingJob")}/data/testing/testing.csv` }).resolves(
      body(rows.map((row) => row.join(",")).join("\n") + "\n"),
    );
    s3.on(GetObjectCommand, { Key: `${runId}/${runName("prod", runId, "TrainingJob")}/evaluation/evaluation.json` }).resolves(
      body(JSON.stringify(evaluationScoring(passingValue(thresholdOf("prod"))))),
    );
    runtime.on(InvokeEndpointCommand).resolves({
      Body: new TextEncoder().encode(servingAnswer(rows.slice(0, 20).map(([label]) => label))) as never,
    });
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    sagemaker.on(DescribeModelCommand).resolves({ ModelName: runName("prod", runId) });
    sagemaker.on(CreateEndpointConfigCommand).resolves({ EndpointConfigArn: "arn" });
    sagemaker.on(UpdateEndpointCommand).resolves({ EndpointArn: "arn" });
  }

  it("puts the previous approved version back through the guarded rollout and the smoke test, skipping a rejected one", async () => {
    registry(FOUR, 4);
    servable("run-2");
    // After the update the endpoint settles on version 2's config.
    const settled = {
      EndpointName: ENDPOINT,
      EndpointConfigName: resourceName("prod", "config-run-2"),
      EndpointStatus: "InService" as const,
      CreationTime: new Date(),
      LastModifiedTime: new Date(),
    };
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce({ ...settled, EndpointConfigName: resourceName("prod", "config-run-4") })
      .resolvesOnce({ ...settled, EndpointConfigName: resourceName("prod", "config-run-4") })
      .resolves(settled);
    const { code, stdout, stderr } = await cli(["rollback", "--env", "prod"], prodDeps());
    expect(stderr).toBe("");
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toContain(
      `Rolling ${resourceName("prod", "endpoint")} back from ${runName("prod", "run-4")} to version 2 of ${modelGroup("prod")} (run run-2, commit c0ffee2, ${MODEL.metric.computation} ${registeredMetric("prod", 2)} (threshold ${thresholdOf("prod")})): model ${runName("prod", "run-2")}`,
    );
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand)[0].args[0].input).toMatchObject({
      EndpointConfigName: resourceName("prod", "config-run-2"),
      ProductionVariants: [expect.objectContaining({ ModelName: runName("prod", "run-2") })],
    });
    // The same guardrails as a release: prod's canary with its rollback alarms.
    const update = sagemaker.commandCalls(UpdateEndpointCommand)[0].args[0].input;
    expect(update.DeploymentConfig?.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration?.Type).toBe("CANARY");
    expect(update.DeploymentConfig?.AutoRollbackConfiguration?.Alarms).toHaveLength(2);
    expect(stdout).toContain("Smoke test passed");
  });

  it.each([
    [["--to", "3"], `version 3 of ${modelGroup("prod")} is Rejected, not Approved: only approved versions are deployed`],
    [
      ["--to", versionArn("staging", 2)],
      `is a version of ${modelGroup("staging")}, not of prod's model group ${modelGroup("prod")}`,
    ],
    [["--to", "9"], `${modelGroup("prod")} has no version 9`],
    [["--to", "4"], `endpoint ${resourceName("prod", "endpoint")} already serves version 4 (${runName("prod", "run-4")})`],
  ])("refuses %j in one line before changing anything (exit 2)", async (flags, message) => {
    registry(FOUR, 4);
    const { code, stderr } = await cli(["rollback", "--env", "prod", ...flags], prodDeps());
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(message);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand)).toHaveLength(0);
    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
  });

  it("refuses when no approved version is older than the served one", async () => {
    registry(FOUR, 1);
    const { code, stderr } = await cli(["rollback", "--env", "prod"], prodDeps());
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(`no approved version of ${modelGroup("prod")} is older than the served version 1`);
  });
});

describe("workflow teardown", () => {
  const arn = (type: string, name: string) => `arn:aws:sagemaker:us-east-1:${ACCOUNT}:${type}/${name}`;
  const tagsOf: Record<string, string> = {};
  /** dev's endpoint, two configs and two models, and one model of dev-2 whose name dev's prefix matches. */
  function devResources() {
    const tagged = (name: string, env: string) => (tagsOf[name] = env);
    tagged(arn("endpoint", resourceName("dev", "endpoint")), "dev");
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce({
        EndpointName: resourceName("dev", "endpoint"),
        EndpointArn: arn("endpoint", resourceName("dev", "endpoint")),
        EndpointStatus: "InService",
        EndpointConfigName: "c",
        CreationTime: new Date(),
        LastModifiedTime: new Date(),
      })
      .resolvesOnce({
        EndpointName: resourceName("dev", "endpoint"),
        EndpointArn: arn("endpoint", resourceName("dev", "endpoint")),
        EndpointStatus: "Deleting",
        EndpointConfigName: "c",
        CreationTime: new Date(),
        LastModifiedTime: new Date(),
      })
      .rejects(sageMakerNotFound(`endpoint "${resourceName("dev", "endpoint")}"`));
    const configs = [resourceName("dev", "config-r1"), resourceName("dev", "config-r2")];
    configs.forEach((c) => tagged(arn("endpoint-config", c), "dev"));
    sagemaker
      .on(ListEndpointConfigsCommand)
      .resolvesOnce({
        EndpointConfigs: configs.map((c) => ({
          EndpointConfigName: c,
          EndpointConfigArn: arn("endpoint-config", c),
          CreationTime: new Date(),
        })),
      })
      .resolves({ EndpointConfigs: [] });
    const models = [runName("dev", "r1"), runName("dev", "r2"), runName("dev-2", "r1")];
    tagged(arn("model", models[0]), "dev");
    tagged(arn("model", models[1]), "dev");
    tagged(arn("model", models[2]), "dev-2");
    sagemaker
      .on(ListModelsCommand)
      .resolvesOnce({
        Models: models.map((m) => ({ ModelName: m, ModelArn: arn("model", m), CreationTime: new Date() })),
      })
      .resolves({ Models: [{ ModelName: models[2], ModelArn: arn("model", models[2]), CreationTime: new Date() }] });
    sagemaker.on(ListTagsCommand).callsFake(({ ResourceArn }) => ({
      Tags: [
        { Key: "Project", Value: MODEL.name },
        { Key: "Environment", Value: tagsOf[ResourceArn] },
      ],
    }));
    sagemaker.on(DeleteEndpointCommand).resolves({});
    sagemaker.on(DeleteEndpointConfigCommand).resolves({});
    sagemaker.on(DeleteModelCommand).resolves({});
  }
  const quickDeps = () => Object.assign(fakeDeps(), { endpointPollSeconds: 0.01 });

  it("deletes the endpoint and waits until it is gone, then its configs and models, selected by tag; exits 0 when none is left", async () => {
    devResources();
    const { code, stdout, stderr } = await cli(["teardown", "--env", "dev"], quickDeps());
    expect(stderr).toBe("");
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toBe(
      [
        `Deleted endpoint ${resourceName("dev", "endpoint")}`,
        `Deleted endpoint config ${resourceName("dev", "config-r1")}`,
        `Deleted endpoint config ${resourceName("dev", "config-r2")}`,
        `Deleted model ${runName("dev", "r1")}`,
        `Deleted model ${runName("dev", "r2")}`,
        "Nothing of dev that the pipeline created at run time is left in us-east-1 (model versions kept: --include-registry deletes them). Next: npx cdktf destroy dev",
        "",
      ].join("\n"),
    );
    // The waiter asked until SageMaker no longer knew the endpoint; dev-2's model was never touched.
    expect(sagemaker.commandCalls(DescribeEndpointCommand).length).toBeGreaterThanOrEqual(3);
    expect(sagemaker.commandCalls(DeleteModelCommand).map((c) => c.args[0].input.ModelName)).toEqual([
      runName("dev", "r1"),
      runName("dev", "r2"),
    ]);
    expect(sagemaker.commandCalls(ListModelsCommand)[0].args[0].input.NameContains).toBe(`${namePrefix("dev")}-`);
  });

  it("--dry-run lists what it would delete and deletes nothing", async () => {
    devResources();
    const { code, stdout } = await cli(["teardown", "--env", "dev", "--dry-run"], quickDeps());
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toContain(
      `Would delete in us-east-1, for dev:\n  endpoint ${resourceName("dev", "endpoint")}\n  endpoint config ${resourceName("dev", "config-r1")}`,
    );
    expect(stdout).not.toContain(runName("dev-2", "r1"));
    expect(sagemaker.commandCalls(DeleteEndpointCommand)).toHaveLength(0);
    expect(sagemaker.commandCalls(DeleteEndpointConfigCommand)).toHaveLength(0);
    expect(sagemaker.commandCalls(DeleteModelCommand)).toHaveLength(0);
  });

  it("--include-registry also deletes the group's versions, waiting until each is gone", async () => {
    sagemaker.on(DescribeEndpointCommand).rejects(sageMakerNotFound(`endpoint "${resourceName("dev", "endpoint")}"`));
    sagemaker.on(ListEndpointConfigsCommand).resolves({ EndpointConfigs: [] });
    sagemaker.on(ListModelsCommand).resolves({ Models: [] });
    const version = described("dev", 1, "Approved");
    sagemaker
      .on(ListModelPackagesCommand)
      .resolvesOnce({ ModelPackageSummaryList: [summaryOf(version)] })
      .resolves({ ModelPackageSummaryList: [] });
    sagemaker.on(DeleteModelPackageCommand).resolves({});
    sagemaker
      .on(DescribeModelPackageCommand)
      .resolvesOnce({ ...version, ModelPackageStatus: "Deleting" })
      .rejects(sageMakerNotFound(`model package ${version.ModelPackageArn}`));
    const { code, stdout } = await cli(["teardown", "--env", "dev", "--include-registry"], quickDeps());
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toContain(`Deleted model version ${modelGroup("dev")}/1\n`);
    expect(sagemaker.commandCalls(DeleteModelPackageCommand)[0].args[0].input.ModelPackageName).toBe(versionArn("dev", 1));
  });

  it("exits 1 naming what is still there after it deleted everything it found", async () => {
    devResources();
    sagemaker.on(ListModelsCommand).resolves({
      Models: [{ ModelName: runName("dev", "r3"), ModelArn: arn("model", runName("dev", "r3")), CreationTime: new Date() }],
    });
    tagsOf[arn("model", runName("dev", "r3"))] = "dev";
    const { code, stderr } = await cli(["teardown", "--env", "dev"], quickDeps());
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(stderr).toContain(`1 resource(s) of dev remain after teardown: model ${runName("dev", "r3")}`);
  });

  it("reports access denied on a delete as an AWS error (exit 3)", async () => {
    devResources();
    sagemaker.on(DeleteEndpointCommand).rejects(
      new SageMakerServiceException({
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
        message: "User is not authorized to perform: sagemaker:DeleteEndpoint",
      }),
    );
    const { code, stderr } = await cli(["teardown", "--env", "dev"], quickDeps());
    expect(code).toBe(ExitCode.Aws);
    expect(stderr).toContain("access denied calling DeleteEndpoint");
  });
});

describe("listVersions", () => {
  const summary = (version: number) => summaryOf(described("prod", version, "Approved"));
  const pages: Record<string, ListModelPackagesOutput> = {
    first: { ModelPackageSummaryList: [summary(5), summary(4)], NextToken: "p2" },
    p2: { ModelPackageSummaryList: [summary(3), summary(2)], NextToken: "p3" },
    p3: { ModelPackageSummaryList: [summary(1)] },
  };
  /** Each request as sent: the SDK's paginator reuses one input object and sets its NextToken page after page. */
  const serve = () => {
    const tokens: (string | undefined)[] = [];
    sagemaker.on(ListModelPackagesCommand).callsFake((input: ListModelPackagesCommandInput) => {
      tokens.push(input.NextToken);
      return pages[input.NextToken ?? "first"];
    });
    return tokens;
  };

  it("reads every page, newest first", async () => {
    const tokens = serve();
    const versions = await listVersions(new SageMakerClient({ region: "us-east-1" }), groupOf("prod"));
    expect(versions.map((v) => v.ModelPackageVersion)).toEqual([5, 4, 3, 2, 1]);
    expect(tokens).toEqual([undefined, "p2", "p3"]);
  });

  it("stops at the page that reaches the limit", async () => {
    const tokens = serve();
    const versions = await listVersions(new SageMakerClient({ region: "us-east-1" }), groupOf("prod"), { limit: 3 });
    expect(versions.map((v) => v.ModelPackageVersion)).toEqual([5, 4, 3]);
    expect(tokens).toEqual([undefined, "p2"]);
  });
});
