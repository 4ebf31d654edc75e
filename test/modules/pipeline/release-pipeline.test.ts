import { tunableHyperparameters } from "../../../modules/model/declaration";
import { parse } from "yaml";
import { createHash } from "crypto";
import {
  ARTIFACT_BUCKET_VARIABLE,
  ENDPOINT_ROLLBACK_ALARMS_VARIABLE,
  ENVIRONMENT_CONFIG_VARIABLE,
  KMS_KEY_ARN_VARIABLE,
  STATE_MACHINE_ARN_VARIABLE,
  WORKFLOW_CLI_URI_VARIABLE,
} from "../../../modules/build-variables";
import { stackEnvironment } from "../../../cli/stack-environment";
import { getEnvironment } from "../../../environments";
import { EnvironmentConfig } from "../../../environments/schema";
import { BUILD_IMAGE } from "../../../modules/pipeline/build-project";
import { BUILDSPECS, fromTerraformLiteral, readBuildspec } from "../../../modules/pipeline/buildspec";
import { ResourceNames } from "../../../modules/naming";
import { APPROVAL_MESSAGE, hyperparameterSummary } from "../../../modules/pipeline/release-pipeline";
import { maxRunIdLength } from "../../../modules/pipeline/run-id";
import { sourceStatements } from "../../../modules/pipeline/source";
import { workflowCliBundle } from "../../../modules/pipeline/workflow-cli";
import { S3_LAYOUT } from "../../../modules/s3-layout";
import {
  Block,
  ENVIRONMENT_NAMES,
  inlinePolicyOf,
  namedResource,
  onlyResource,
  resourcesOfType,
  synthEnvironment,
  terraformRef,
} from "../../helpers/synth";
import { allows } from "../workflow/iam-evaluator";
import { MODEL, namePrefix, RAW_DATA_KEY, resourceName, runName } from "../../helpers/chosen-model";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Terraform = any;

/** The inline policy document of the role named `roleName`. */
const rolePolicy = (tf: Terraform, roleName: string) => JSON.parse(inlinePolicyOf(tf, roleName).policy);

const actionsOf = (policy: { Statement: Block[] }) => policy.Statement.flatMap((s) => [s.Action].flat());
const variables = (action: Block) =>
  JSON.parse(action.configuration.EnvironmentVariables) as Array<{ name: string; value: string; type: string }>;
const buildVariables = (project: Block) =>
  Object.fromEntries((project.environment.environment_variable as Block[]).map((v) => [v.name, v.value]));

const exportedByBuildModel = (parse(readBuildspec(BUILDSPECS.buildModel)) as Block).env["exported-variables"] as string[];

describe.each(ENVIRONMENT_NAMES)("the %s release pipeline", (name) => {
  const env = getEnvironment(name);
  let tf: Terraform;
  let pipeline: Block;
  let keyArn: string;
  let bucket: { id: string };
  let stages: Block[];
  const stage = (stageName: string) => stages.find((s) => s.name === stageName)!;
  const project = (projectName: string) => namedResource(tf, "aws_codebuild_project", projectName);

  beforeAll(() => {
    tf = synthEnvironment(env).tf;
    pipeline = onlyResource(tf, "aws_codepipeline")[1];
    stages = pipeline.stage;
    keyArn = terraformRef("aws_kms_key", onlyResource(tf, "aws_kms_key")[0], "arn");
    bucket = { id: onlyResource(tf, "aws_s3_bucket")[0] };
  });

  it(`is a CodePipeline V2 named ${resourceName(name, "pipeline")}, its artifacts in the artifact bucket encrypted with the environment's key`, () => {
    expect(pipeline).toMatchObject({ name: resourceName(name, "pipeline"), pipeline_type: "V2" });
    expect(pipeline.artifact_store).toEqual([
      { type: "S3", location: terraformRef("aws_s3_bucket", bucket.id, "bucket"), encryption_key: { type: "KMS", id: keyArn } },
    ]);
  });

  it(`runs Source, Build, ${env.requireApproval ? "Approval, " : ""}Deploy in that order, one action each`, () => {
    expect(stages.map((s) => s.name)).toEqual(["Source", "Build", ...(env.requireApproval ? ["Approval"] : []), "Deploy"]);
    expect(stages.map((s) => s.action.map((a: Block) => a.name))).toEqual([
      ["Source"],
      ["BuildModel"],
      ...(env.requireApproval ? [["EvaluationApproval"]] : []),
      ["DeployEndpoint"],
    ]);
  });

  it(
    env.requireApproval
      ? `asks '${APPROVAL_MESSAGE}' in a manual approval before deploying, notifying the alarm topic`
      : "deploys without a manual approval, as the environment configures",
    () => {
      const approvals = stages.flatMap((s) => s.action).filter((a: Block) => a.category === "Approval");
      if (!env.requireApproval) return expect(approvals).toEqual([]);
      expect(approvals).toHaveLength(1);
      const [approval] = approvals;
      expect(approval).toMatchObject({
        name: "EvaluationApproval",
        category: "Approval",
        owner: "AWS",
        provider: "Manual",
        version: "1",
      });
      const { CustomData, ExternalEntityLink, NotificationArn } = approval.configuration;
      expect(CustomData.startsWith(APPROVAL_MESSAGE)).toBe(true);
      // The approver is told, on the environment's topic.
      expect(NotificationArn).toMatch(new RegExp(`^arn:aws:sns:${env.region}:.+:${onlyResource(tf, "aws_sns_topic")[1].name}$`));
      expect(ExternalEntityLink).toBe("#{BuildVariables.EXECUTION_URL}");
    },
  );

  if (env.requireApproval) {
    it("gives the approver the run's evidence: run id, commit, the metric against the threshold, hyperparameters, model and report", () => {
      const approval = stages.flatMap((s) => s.action).find((a: Block) => a.category === "Approval");
      const { CustomData } = approval.configuration;
      for (const variable of ["RUN_ID", "METRIC", "THRESHOLD", "HYPERPARAMETERS", "REPORT_URI"])
        expect(CustomData).toContain(`#{BuildVariables.${variable}}`);
      // The comparison a passing model makes: the metric's direction.
      expect(CustomData).toContain(
        `${MODEL.metric.name} #{BuildVariables.METRIC} ${MODEL.metric.direction === "lower" ? "<" : ">"} threshold #{BuildVariables.THRESHOLD}`,
      );
      expect(CustomData).toContain("#{SourceVariables.CommitId}");
      // Every variable it names exists: BuildModel exports it, or the Source action's namespace has it.
      for (const [, namespace, variable] of `${CustomData} ${approval.configuration.ExternalEntityLink}`.matchAll(
        /#\{(\w+)\.(\w+)\}/g,
      ) as Iterable<string[]>) {
        if (namespace === "BuildVariables") expect(exportedByBuildModel).toContain(variable);
        else expect([namespace, variable]).toEqual(["SourceVariables", "CommitId"]);
      }
      expect(stage("Source").action[0].namespace).toBe("SourceVariables");
      // CodePipeline takes at most 500 characters, also once the variables are resolved to their longest values.
      const runId = "r".repeat(maxRunIdLength(new ResourceNames(name, MODEL.name)));
      const longest: Record<string, string> = {
        RUN_ID: runId,
        CommitId: "f".repeat(40),
        METRIC: String(1 / 3 + 1),
        THRESHOLD: String(2 / 3 + 1),
        HYPERPARAMETERS: hyperparameterSummary(
          MODEL,
          Object.fromEntries(Object.keys(MODEL.hyperparameters).map((name) => [name, "100000"])),
        ),
        REPORT_URI: `s3://${resourceName(name, "artifacts-123456789012")}/${runId}/${runName(name, runId, "TrainingJob")}/evaluation/report.md`,
      };
      const resolved = CustomData.replace(/#\{\w+\.(\w+)\}/g, (_reference: string, variable: string) => longest[variable]);
      expect(resolved.length).toBeLessThanOrEqual(500);
    });
  }

  it(`takes its source from CodeCommit ${env.source.repository}@${env.source.branch}, started on each push by an EventBridge rule`, () => {
    const [action] = stage("Source").action;
    expect(action).toMatchObject({
      category: "Source",
      owner: "AWS",
      provider: "CodeCommit",
      version: "1",
      output_artifacts: ["SourceOutput"],
    });
    expect(action.configuration).toEqual({
      RepositoryName: env.source.repository,
      BranchName: env.source.branch,
      PollForSourceChanges: "false",
      OutputArtifactFormat: "CODE_ZIP",
    });
    const [ruleId, rule] = namedResource(tf, "aws_cloudwatch_event_rule", resourceName(name, "source-changed"));
    expect(JSON.parse(rule.event_pattern)).toMatchObject({
      source: ["aws.codecommit"],
      detail: { referenceType: ["branch"], referenceName: [env.source.branch] },
    });
    const [, target] = Object.entries(resourcesOfType(tf, "aws_cloudwatch_event_target")).find(
      ([, t]) => (t as Block).rule === terraformRef("aws_cloudwatch_event_rule", ruleId, "name"),
    )!;
    expect((target as Block).arn).toBe(terraformRef("aws_codepipeline", onlyResource(tf, "aws_codepipeline")[0], "arn"));
    expect(rolePolicy(tf, resourceName(name, "source-trigger-role")).Statement).toEqual([
      {
        Sid: "StartThePipeline",
        Effect: "Allow",
        Action: "codepipeline:StartPipelineExecution",
        Resource: (target as Block).arn,
      },
    ]);
  });

  it("hands BuildModel the pipeline execution id, and DeployEndpoint the run id, model and model version BuildModel exports", () => {
    const [buildModel] = stage("Build").action;
    expect(buildModel).toMatchObject({ provider: "CodeBuild", namespace: "BuildVariables", input_artifacts: ["SourceOutput"] });
    expect(buildModel.configuration.ProjectName).toBe(
      terraformRef("aws_codebuild_project", project(resourceName(name, "build-model"))[0], "name"),
    );
    expect(variables(buildModel)).toEqual([
      { name: "PIPELINE_EXECUTION_ID", value: "#{codepipeline.PipelineExecutionId}", type: "PLAINTEXT" },
    ]);

    const [deploy] = stage("Deploy").action;
    expect(deploy).toMatchObject({ provider: "CodeBuild", input_artifacts: ["SourceOutput"] });
    expect(deploy.configuration.ProjectName).toBe(
      terraformRef("aws_codebuild_project", project(resourceName(name, "deploy-endpoint"))[0], "name"),
    );
    const handedOver = ["RUN_ID", "MODEL_NAME", "MODEL_PACKAGE_ARN"];
    expect(exportedByBuildModel).toEqual(expect.arrayContaining(handedOver));
    expect(variables(deploy)).toEqual(
      handedOver.map((variable) => ({ name: variable, value: `#{BuildVariables.${variable}}`, type: "PLAINTEXT" })),
    );
  });

  it("runs both builds unprivileged on the Amazon Linux standard image, encrypted with the key, logging to their own encrypted log groups", () => {
    for (const step of ["build-model", "deploy-endpoint"]) {
      const [, build] = project(resourceName(name, step));
      expect(build.environment).toMatchObject({ type: "LINUX_CONTAINER", image: BUILD_IMAGE, privileged_mode: false });
      expect(build.encryption_key).toBe(keyArn);
      expect(build.artifacts).toEqual({ type: "CODEPIPELINE" });
      const [logGroupId, logGroup] = namedResource(tf, "aws_cloudwatch_log_group", `/aws/codebuild/${resourceName(name, step)}`);
      expect(logGroup).toMatchObject({ retention_in_days: env.logRetentionDays, kms_key_id: keyArn });
      expect(build.logs_config).toEqual({
        cloudwatch_logs: { status: "ENABLED", group_name: terraformRef("aws_cloudwatch_log_group", logGroupId, "name") },
        s3_logs: { status: "DISABLED" },
      });
      expect(build.service_role).toBe(
        terraformRef("aws_iam_role", namedResource(tf, "aws_iam_role", resourceName(name, `${step}-role`))[0], "arn"),
      );
    }
  });

  it("gives BuildModel the state machine, bucket, data prefix and Terraform variables, under the names the CLI reads", () => {
    const values = buildVariables(project(resourceName(name, "build-model"))[1]);
    expect(values).toMatchObject({
      ENVIRONMENT: name,
      [STATE_MACHINE_ARN_VARIABLE]: terraformRef("aws_sfn_state_machine", onlyResource(tf, "aws_sfn_state_machine")[0], "arn"),
      ARTIFACT_BUCKET: terraformRef("aws_s3_bucket", bucket.id, "bucket"),
      DATA_PREFIX: `${MODEL.name}_data`,
      METRIC_NAME: MODEL.metric.name,
      HYPERPARAMETERS: hyperparameterSummary(
        MODEL,
        Object.fromEntries(tunableHyperparameters(MODEL).map(([name, h]) => [name, `\${var.${h.terraformVariable}}`])),
      ),
      THRESHOLD: "${var.threshold}",
      MODEL_PREFIX: `${namePrefix(name)}-`,
    });
    const deploy = buildVariables(project(resourceName(name, "deploy-endpoint"))[1]);
    expect(deploy).toEqual({
      ENVIRONMENT: name,
      [ARTIFACT_BUCKET_VARIABLE]: terraformRef("aws_s3_bucket", bucket.id, "bucket"),
      [KMS_KEY_ARN_VARIABLE]: keyArn,
      // The alarms SageMaker rolls an update back on, as the plan shows them.
      [ENDPOINT_ROLLBACK_ALARMS_VARIABLE]: `${resourceName(name, "endpoint-invocation-errors")},${resourceName(name, "endpoint-model-latency")}`,
      [ENVIRONMENT_CONFIG_VARIABLE]: expect.any(String),
      [WORKFLOW_CLI_URI_VARIABLE]: expect.any(String),
    });
  });

  it("gives both builds their own environment, which the bundled CLI reads back as the environment file defines it", () => {
    for (const step of ["build-model", "deploy-endpoint"]) {
      // What deploy puts behind the endpoint is in the plan, not read from the repository at run time.
      const value = fromTerraformLiteral(buildVariables(project(resourceName(name, step))[1])[ENVIRONMENT_CONFIG_VARIABLE]);
      expect(stackEnvironment({ [ENVIRONMENT_CONFIG_VARIABLE]: value }).load(name)).toEqual(env);
    }
  });

  it("ships the bundled CLI as an encrypted object named by its content; both builds get its URI and may read exactly it", () => {
    const sha = createHash("sha256").update(workflowCliBundle()).digest("hex");
    const cli = Object.values(resourcesOfType(tf, "aws_s3_object")).find((o) => o.key === S3_LAYOUT.workflowCli(sha));
    expect(cli).toMatchObject({
      bucket: terraformRef("aws_s3_bucket", bucket.id, "bucket"),
      source_hash: sha,
      server_side_encryption: "aws:kms",
      kms_key_id: keyArn,
    });
    const objectArn = `${terraformRef("aws_s3_bucket", bucket.id, "arn")}/${cli!.key}`;
    for (const step of ["build-model", "deploy-endpoint"]) {
      expect(buildVariables(project(resourceName(name, step))[1])[WORKFLOW_CLI_URI_VARIABLE]).toBe(
        `s3://${cli!.bucket}/${cli!.key}`,
      );
      const policy = rolePolicy(tf, resourceName(name, `${step}-role`));
      expect(allows(policy, "s3:GetObject", objectArn)).toBe(true);
      expect(
        allows(
          policy,
          "s3:GetObject",
          `${terraformRef("aws_s3_bucket", bucket.id, "arn")}/${S3_LAYOUT.workflowCli("0".repeat(64))}`,
        ),
      ).toBe(false);
    }
  });

  it("inlines each buildspec exactly as written in assets/buildspecs, so a plan shows it", () => {
    expect(fromTerraformLiteral(project(resourceName(name, "build-model"))[1].source.buildspec)).toBe(
      readBuildspec(BUILDSPECS.buildModel),
    );
    expect(fromTerraformLiteral(project(resourceName(name, "deploy-endpoint"))[1].source.buildspec)).toBe(
      readBuildspec(BUILDSPECS.deployEndpoint),
    );
    expect(project(resourceName(name, "build-model"))[1].source.type).toBe("CODEPIPELINE");
  });

  it("alarms on failed and timed-out executions of the workflow to the KMS-encrypted alarm topic", () => {
    const [topicId, topic] = onlyResource(tf, "aws_sns_topic");
    expect(topic).toMatchObject({ name: resourceName(name, "alarms"), kms_master_key_id: keyArn });
    const stateMachineArn = terraformRef("aws_sfn_state_machine", onlyResource(tf, "aws_sfn_state_machine")[0], "arn");
    const alarms = (Object.values(resourcesOfType(tf, "aws_cloudwatch_metric_alarm")) as Block[]).filter(
      (a) => a.namespace === "AWS/States",
    );
    expect(alarms.map((a) => a.metric_name).sort()).toEqual(["ExecutionsFailed", "ExecutionsTimedOut"]);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        namespace: "AWS/States",
        dimensions: { StateMachineArn: stateMachineArn },
        statistic: "Sum",
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
        alarm_actions: [terraformRef("aws_sns_topic", topicId, "arn")],
      });
    }
  });

  it("alarms on the endpoint's 5xx errors and model latency, the alarms a deployment rolls back on", () => {
    const [topicId] = onlyResource(tf, "aws_sns_topic");
    const alarm = (condition: string) => namedResource(tf, "aws_cloudwatch_metric_alarm", resourceName(name, condition))[1];
    const shared = {
      namespace: "AWS/SageMaker",
      dimensions: { EndpointName: resourceName(name, "endpoint"), VariantName: "AllTraffic" },
      period: 60,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      treat_missing_data: "notBreaching",
      alarm_actions: [terraformRef("aws_sns_topic", topicId, "arn")],
    };
    expect(alarm("endpoint-invocation-errors")).toMatchObject({
      ...shared,
      metric_name: "Invocation5XXErrors",
      statistic: "Sum",
      threshold: 1,
      evaluation_periods: 1,
    });
    // ModelLatency is reported in microseconds.
    expect(alarm("endpoint-model-latency")).toMatchObject({
      ...shared,
      metric_name: "ModelLatency",
      statistic: "Average",
      threshold: env.endpointMaxLatencyMs * 1000,
      evaluation_periods: 2,
    });
  });

  it("reports every failed execution of this pipeline to the alarm topic (EventBridge: CodePipeline has no failure metric)", () => {
    const [ruleId, rule] = namedResource(tf, "aws_cloudwatch_event_rule", resourceName(name, "pipeline-failed"));
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ["aws.codepipeline"],
      "detail-type": ["CodePipeline Pipeline Execution State Change"],
      detail: { pipeline: [resourceName(name, "pipeline")], state: ["FAILED"] },
    });
    const target = (Object.values(resourcesOfType(tf, "aws_cloudwatch_event_target")) as Block[]).find(
      (t) => t.rule === terraformRef("aws_cloudwatch_event_rule", ruleId, "name"),
    )!;
    expect(target.arn).toBe(terraformRef("aws_sns_topic", onlyResource(tf, "aws_sns_topic")[0], "arn"));
    expect(JSON.parse(target.input_transformer.input_template)).toContain(
      "Release pipeline <pipeline> execution <execution> FAILED",
    );
  });

  it("lets only these alarms and this rule publish to the topic, and CloudWatch and EventBridge use the key for this topic only", () => {
    const [topicId] = onlyResource(tf, "aws_sns_topic");
    const topicPolicy = JSON.parse(onlyResource(tf, "aws_sns_topic_policy")[1].policy);
    expect(topicPolicy.Statement.map((s: Block) => [s.Principal.Service, s.Action, Object.keys(s.Condition)[0]])).toEqual([
      ["cloudwatch.amazonaws.com", "sns:Publish", "ArnLike"],
      ["events.amazonaws.com", "sns:Publish", "ArnEquals"],
    ]);
    expect(topicPolicy.Statement[0].Condition.ArnLike["aws:SourceArn"]).toEqual([
      expect.stringMatching(new RegExp(`:alarm:${resourceName(name, "workflow-executions-failed")}$`)),
      expect.stringMatching(new RegExp(`:alarm:${resourceName(name, "workflow-executions-timed-out")}$`)),
      expect.stringMatching(new RegExp(`:alarm:${resourceName(name, "endpoint-invocation-errors")}$`)),
      expect.stringMatching(new RegExp(`:alarm:${resourceName(name, "endpoint-model-latency")}$`)),
    ]);
    expect(topicPolicy.Statement[1].Condition.ArnEquals["aws:SourceArn"]).toBe(
      terraformRef(
        "aws_cloudwatch_event_rule",
        namedResource(tf, "aws_cloudwatch_event_rule", resourceName(name, "pipeline-failed"))[0],
        "arn",
      ),
    );
    const keyStatement = JSON.parse(onlyResource(tf, "aws_kms_key")[1].policy).Statement.find(
      (s: Block) => s.Sid === "AlarmSourcesPublishToTheEncryptedAlarmTopic",
    );
    expect(keyStatement).toMatchObject({
      Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
    });
    expect(keyStatement.Condition.StringEquals["kms:EncryptionContext:aws:sns:topicArn"]).toMatch(
      new RegExp(`:sns:${env.region}:.+:${resourceName(name, "alarms")}$`),
    );
    expect(resourcesOfType(tf, "aws_sns_topic_subscription")).toEqual({});
    expect(onlyResource(tf, "aws_sns_topic_policy")[1].arn).toBe(terraformRef("aws_sns_topic", topicId, "arn"));
  });

  it("outputs the pipeline name, the build project names, the endpoint name and the topic ARN", () => {
    expect(tf.output).toMatchObject({
      pipeline_name: { value: terraformRef("aws_codepipeline", onlyResource(tf, "aws_codepipeline")[0], "name") },
      build_model_project_name: {
        value: terraformRef("aws_codebuild_project", project(resourceName(name, "build-model"))[0], "name"),
      },
      deploy_endpoint_project_name: {
        value: terraformRef("aws_codebuild_project", project(resourceName(name, "deploy-endpoint"))[0], "name"),
      },
      endpoint_name: { value: resourceName(name, "endpoint") },
      alarm_topic_arn: { value: terraformRef("aws_sns_topic", onlyResource(tf, "aws_sns_topic")[0], "arn") },
    });
  });
});

describe("a production pipeline in a pinned account, from GitHub, with an alarm e-mail", () => {
  const ACCOUNT = "123456789012";
  const CONNECTION = `arn:aws:codeconnections:us-east-1:${ACCOUNT}:connection/0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e`;
  const env: EnvironmentConfig = {
    ...getEnvironment("prod"),
    accountId: ACCOUNT,
    source: { kind: "github", connectionArn: CONNECTION, repository: "acme/abalone", branch: "release" },
    alarmEmail: "ml-oncall@example.com",
  };
  const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;
  let tf: Terraform;
  let stateMachineArn: string;
  let projectArns: string[];
  beforeAll(() => {
    tf = synthEnvironment(env).tf;
    stateMachineArn = terraformRef("aws_sfn_state_machine", onlyResource(tf, "aws_sfn_state_machine")[0], "arn");
    projectArns = ["build-model", "deploy-endpoint"].map((step) =>
      terraformRef("aws_codebuild_project", namedResource(tf, "aws_codebuild_project", resourceName("prod", step))[0], "arn"),
    );
  });

  it("takes the source through the CodeStar connection, and needs no CodeCommit trigger", () => {
    const [action] = onlyResource(tf, "aws_codepipeline")[1].stage[0].action;
    expect(action).toMatchObject({ provider: "CodeStarSourceConnection", output_artifacts: ["SourceOutput"] });
    expect(action.configuration).toEqual({
      ConnectionArn: CONNECTION,
      FullRepositoryId: "acme/abalone",
      BranchName: "release",
      DetectChanges: "true",
      OutputArtifactFormat: "CODE_ZIP",
    });
    expect(Object.values(resourcesOfType(tf, "aws_cloudwatch_event_rule")).map((r) => (r as Block).name)).toEqual([
      resourceName("prod", "pipeline-failed"),
    ]);
  });

  it("lets the pipeline use only that connection, start only its two builds, and pass no role", () => {
    const policy = rolePolicy(tf, resourceName("prod", "codepipeline-role"));
    expect(allows(policy, "codeconnections:UseConnection", CONNECTION)).toBe(true);
    expect(allows(policy, "codeconnections:UseConnection", CONNECTION.replace("0b9c", "ffff"))).toBe(false);
    for (const project of projectArns) expect(allows(policy, "codebuild:StartBuild", project)).toBe(true);
    expect(allows(policy, "codebuild:StartBuild", arn("codebuild", "project/someone-elses"))).toBe(false);
    expect(actionsOf(policy)).not.toContain("iam:PassRole");
    expect(actionsOf(policy).filter((a) => a.startsWith("codecommit:"))).toEqual([]);
  });

  it("lets the pipeline and the builds touch only the pipeline's own artifacts in the bucket", () => {
    const bucketArn = terraformRef("aws_s3_bucket", onlyResource(tf, "aws_s3_bucket")[0], "arn");
    // CodePipeline keys artifacts by the first 20 characters of the pipeline name.
    const artifact = `${bucketArn}/${resourceName("prod", "pipeline").slice(0, 20)}/SourceOutp/a1b2c3`;
    const pipeline = rolePolicy(tf, resourceName("prod", "codepipeline-role"));
    expect(allows(pipeline, "s3:PutObject", artifact)).toBe(true);
    expect(allows(pipeline, "s3:PutObject", `${bucketArn}/${RAW_DATA_KEY}`)).toBe(false);
    for (const step of ["build-model", "deploy-endpoint"]) {
      const build = rolePolicy(tf, resourceName("prod", `${step}-role`));
      expect(allows(build, "s3:GetObject", artifact)).toBe(true);
      expect(allows(build, "s3:GetObject", `${bucketArn}/${RAW_DATA_KEY}`)).toBe(false);
      expect(allows(build, "s3:PutObject", artifact)).toBe(false);
    }
  });

  it("lets BuildModel start and follow this environment's workflow, and nothing in SageMaker", () => {
    const policy = rolePolicy(tf, resourceName("prod", "build-model-role"));
    expect(allows(policy, "states:StartExecution", stateMachineArn)).toBe(true);
    expect(
      allows(policy, "states:GetExecutionHistory", arn("states", `execution:${resourceName("prod", "ml-workflow")}:3f2c9e1a-7`)),
    ).toBe(true);
    expect(
      allows(policy, "states:DescribeExecution", arn("states", `execution:${resourceName("staging", "ml-workflow")}:3f2c9e1a-7`)),
    ).toBe(false);
    expect(
      allows(policy, "states:StopExecution", arn("states", `execution:${resourceName("prod", "ml-workflow")}:3f2c9e1a-7`)),
    ).toBe(false);
    expect(actionsOf(policy).filter((a) => a.startsWith("sagemaker:") || a === "iam:PassRole")).toEqual([]);
    // The run's evaluation report, beside its evaluation, and nothing else in the bucket.
    const bucketArn = terraformRef("aws_s3_bucket", onlyResource(tf, "aws_s3_bucket")[0], "arn");
    expect(allows(policy, "s3:PutObject", `${bucketArn}/r-1/${runName("prod", "r-1", "TrainingJob")}/evaluation/report.md`)).toBe(
      true,
    );
    expect(
      allows(policy, "s3:PutObject", `${bucketArn}/r-1/${runName("prod", "r-1", "TrainingJob")}/evaluation/evaluation.json`),
    ).toBe(false);
    expect(allows(policy, "s3:PutObject", `${bucketArn}/${RAW_DATA_KEY}`)).toBe(false);
  });

  it("lets the pipeline notify the approver on this environment's topic only", () => {
    const policy = rolePolicy(tf, resourceName("prod", "codepipeline-role"));
    expect(allows(policy, "sns:Publish", arn("sns", resourceName("prod", "alarms")))).toBe(true);
    expect(allows(policy, "sns:Publish", arn("sns", resourceName("staging", "alarms")))).toBe(false);
  });

  it("lets DeployEndpoint create or update only this environment's endpoint and configs, and read only this project's models", () => {
    const policy = rolePolicy(tf, resourceName("prod", "deploy-endpoint-role"));
    const endpoint = arn("sagemaker", `endpoint/${resourceName("prod", "endpoint")}`);
    const config = arn("sagemaker", `endpoint-config/${resourceName("prod", "config-3f2c9e1a-7")}`);
    const prod = (where: string) => ({ [`aws:${where}/Environment`]: "prod" });
    expect(allows(policy, "sagemaker:CreateEndpoint", endpoint, prod("RequestTag"))).toBe(true);
    for (const action of ["sagemaker:UpdateEndpoint", "sagemaker:DescribeEndpoint"])
      expect(allows(policy, action, endpoint, prod("ResourceTag"))).toBe(true);
    expect(allows(policy, "sagemaker:CreateEndpointConfig", config, prod("RequestTag"))).toBe(true);
    expect(allows(policy, "sagemaker:CreateEndpointConfig", config, { "aws:RequestTag/Environment": "dev" })).toBe(false);
    const prodModel = { "aws:ResourceTag/Environment": "prod" };
    expect(allows(policy, "sagemaker:DescribeModel", arn("sagemaker", `model/${runName("prod", "3f2c9e1a-7")}`), prodModel)).toBe(
      true,
    );
    expect(
      allows(policy, "sagemaker:DescribeModel", arn("sagemaker", `model/${runName("prod", "3f2c9e1a-7")}`), {
        "aws:ResourceTag/Environment": "dev",
      }),
    ).toBe(false);
    expect(allows(policy, "sagemaker:DescribeModel", arn("sagemaker", `model/${runName("dev", "3f2c9e1a-7")}`), prodModel)).toBe(
      false,
    );
    expect(allows(policy, "sagemaker:UpdateEndpoint", arn("sagemaker", `endpoint/${resourceName("staging", "endpoint")}`))).toBe(
      false,
    );
    expect(
      allows(
        policy,
        "sagemaker:CreateEndpointConfig",
        arn("sagemaker", `endpoint-config/${resourceName("staging", "config-3f2c9e1a-7")}`),
      ),
    ).toBe(false);
    expect(allows(policy, "sagemaker:DescribeModel", arn("sagemaker", "model/someone-elses-model"), prodModel)).toBe(false);
    // ...which works because the workflow tags the model it registers with its environment.
    const registerModel = onlyResource(tf, "aws_sfn_state_machine")[1].definition.match(
      /"Register Trained Model":\{.*?"Next"/,
    )[0];
    expect(registerModel).toContain('{"Key":"Environment","Value":"prod"}');
    expect(allows(policy, "sagemaker:DeleteEndpoint", endpoint)).toBe(false);
    // The smoke test: invoke this endpoint only, read the testing split and the run's evaluation, nothing else.
    const bucketArn = terraformRef("aws_s3_bucket", onlyResource(tf, "aws_s3_bucket")[0], "arn");
    expect(allows(policy, "sagemaker:InvokeEndpoint", endpoint, prod("ResourceTag"))).toBe(true);
    expect(allows(policy, "sagemaker:InvokeEndpoint", arn("sagemaker", `endpoint/${resourceName("staging", "endpoint")}`))).toBe(
      false,
    );
    const run = `${bucketArn}/3f2c9e1a-7/${runName("prod", "3f2c9e1a-7", "TrainingJob")}`;
    expect(allows(policy, "s3:GetObject", `${run}/data/testing/testing.csv`)).toBe(true);
    expect(allows(policy, "s3:GetObject", `${run}/evaluation/evaluation.json`)).toBe(true);
    expect(allows(policy, "s3:GetObject", `${run}/data/training/training.csv`)).toBe(false);
    expect(allows(policy, "s3:GetObject", `${run}/output/model.tar.gz`)).toBe(false);
    // Which rollback alarm fired: this endpoint's alarms only.
    expect(
      allows(policy, "cloudwatch:DescribeAlarms", arn("cloudwatch", `alarm:${resourceName("prod", "endpoint-model-latency")}`)),
    ).toBe(true);
    expect(
      allows(
        policy,
        "cloudwatch:DescribeAlarms",
        arn("cloudwatch", `alarm:${resourceName("staging", "endpoint-model-latency")}`),
      ),
    ).toBe(false);
    expect(allows(policy, "states:StartExecution", stateMachineArn)).toBe(false);
    expect(actionsOf(policy)).not.toContain("iam:PassRole");
  });

  it("lets the build and pipeline roles be assumed only by their service, for this account", () => {
    for (const [role, service] of [
      [resourceName("prod", "build-model-role"), "codebuild.amazonaws.com"],
      [resourceName("prod", "deploy-endpoint-role"), "codebuild.amazonaws.com"],
      [resourceName("prod", "codepipeline-role"), "codepipeline.amazonaws.com"],
    ]) {
      expect(JSON.parse(namedResource(tf, "aws_iam_role", role)[1].assume_role_policy).Statement).toEqual([
        {
          Sid: "TrustedService",
          Effect: "Allow",
          Principal: { Service: service },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        },
      ]);
    }
  });

  it("subscribes the configured e-mail address to the alarm topic", () => {
    expect(onlyResource(tf, "aws_sns_topic_subscription")[1]).toEqual({
      topic_arn: terraformRef("aws_sns_topic", onlyResource(tf, "aws_sns_topic")[0], "arn"),
      protocol: "email",
      endpoint: "ml-oncall@example.com",
    });
  });
});

describe("the GitHub connection", () => {
  const target = { partition: "aws", region: "us-east-1", accountId: "111122223333" };
  it.each(["codestar-connections", "codeconnections"])(
    "is used through the action of the service its ARN names (%s)",
    (service) => {
      const connectionArn = `arn:aws:${service}:us-east-1:111122223333:connection/0b9c`;
      const [statement] = sourceStatements(
        { kind: "github", connectionArn, repository: "org/repo", branch: "main" } as EnvironmentConfig["source"],
        target,
      );
      expect(statement).toMatchObject({ actions: [`${service}:UseConnection`], resources: [connectionArn] });
    },
  );
});

describe("retraining on new data (retrainOnNewData)", () => {
  it("is off unless an environment asks for it", () => {
    for (const name of ENVIRONMENT_NAMES.filter((n) => !getEnvironment(n).retrainOnNewData)) {
      const { tf } = synthEnvironment(name);
      expect(resourcesOfType(tf, "aws_s3_bucket_notification")).toEqual({});
      expect(Object.values(resourcesOfType(tf, "aws_cloudwatch_event_rule")).map((r) => (r as Block).name)).not.toContain(
        resourceName(name, "raw-data-landed"),
      );
    }
  });

  it("starts the pipeline when a new raw dataset lands in the bucket, and nothing else", () => {
    const { tf } = synthEnvironment({ ...getEnvironment("staging"), accountId: "123456789012", retrainOnNewData: true });
    const [bucketId] = onlyResource(tf, "aws_s3_bucket");
    const bucketName = terraformRef("aws_s3_bucket", bucketId, "bucket");
    expect(onlyResource(tf, "aws_s3_bucket_notification")[1]).toEqual({ bucket: bucketName, eventbridge: true });
    const [ruleId, rule] = namedResource(tf, "aws_cloudwatch_event_rule", resourceName("staging", "raw-data-landed"));
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ["aws.s3"],
      "detail-type": ["Object Created"],
      detail: { bucket: { name: [bucketName] }, object: { key: [RAW_DATA_KEY] } },
    });
    const pipelineArn = terraformRef("aws_codepipeline", onlyResource(tf, "aws_codepipeline")[0], "arn");
    const target = (Object.values(resourcesOfType(tf, "aws_cloudwatch_event_target")) as Block[]).find(
      (t) => t.rule === terraformRef("aws_cloudwatch_event_rule", ruleId, "name"),
    )!;
    expect(target.arn).toBe(pipelineArn);
    const policy = JSON.parse(inlinePolicyOf(tf, resourceName("staging", "raw-data-trigger-role")).policy);
    expect(allows(policy, "codepipeline:StartPipelineExecution", pipelineArn)).toBe(true);
    expect(
      allows(
        policy,
        "codepipeline:StartPipelineExecution",
        `arn:aws:codepipeline:us-east-1:123456789012:${resourceName("prod", "pipeline")}`,
      ),
    ).toBe(false);
    expect(
      JSON.parse(namedResource(tf, "aws_iam_role", resourceName("staging", "raw-data-trigger-role"))[1].assume_role_policy)
        .Statement[0].Principal,
    ).toEqual({ Service: "events.amazonaws.com" });
  });
});
