import { Testing, TerraformStack, TerraformVariable } from "cdktf";
import { getEnvironment } from "../../environments";
import { StateMachineDefinition } from "../../modules/asl/types";
import { ResourceNames } from "../../modules/naming";
import { WorkflowStateMachine } from "../../modules/workflow-state-machine";
import { ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS } from "../../modules/iam/policy";
import { simulateWorkflow, SimulationResult } from "../../cli/simulate/local-run";
import { tunableHyperparameters } from "../../modules/model/declaration";
import { STATE_NAMES, successPath } from "../../modules/workflow/ml-workflow";
import { renderEnvironmentDefinition } from "../../modules/workflow/render-environment";
import {
  DISTINCT_IMAGES,
  GATE,
  hyperparameterVariables,
  MODEL,
  passingValue,
  resourceName,
  thresholdOf,
} from "../helpers/chosen-model";
import {
  ENVIRONMENT_NAMES,
  inlinePolicyOf,
  onlyResource,
  resourcesOfType,
  synthEnvironment,
  SynthesizedStack,
} from "../helpers/synth";
import { allows } from "./workflow/iam-evaluator";
import { resolveReferences, TEST_ACCOUNT, TEST_REGION } from "./workflow/terraform-references";
import { validateAsl } from "./workflow/asl-validation";

/** The states a passing run enters. */
const SUCCESS_PATH = successPath(MODEL.metric.direction);

/** The tunable hyperparameters' Terraform variables, in declaration order. */
const TUNABLE_VARIABLES = tunableHyperparameters(MODEL).map(([, h]) => h);

/* eslint-disable @typescript-eslint/no-explicit-any */

/** What AWS's Step Functions policy templates require for one task call, on the resources of that call. */
function requiredPermissions(
  resource: string,
  parameters: Record<string, any>,
): Array<[string, string, Record<string, string>?]> {
  const sagemaker = (type: string, name: string) =>
    `arn:aws:sagemaker:${TEST_REGION}:${TEST_ACCOUNT}:${type}/${name.toLowerCase()}`;
  const rule = (kind: string) =>
    `arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:rule/StepFunctionsGetEventsForSageMaker${kind}JobsRule`;
  const passRole = (role: string): [string, string, Record<string, string>] => [
    "iam:PassRole",
    role,
    { "iam:PassedToService": "sagemaker.amazonaws.com" },
  ];
  // The task creates and tags with its tags in the request; the job it follows then carries them.
  const tags = (where: "RequestTag" | "ResourceTag") =>
    Object.fromEntries((parameters.Tags ?? []).map((t: any) => [`aws:${where}/${t.Key}`, t.Value]));
  const tagging = (arn: string) =>
    parameters.Tags ? [["sagemaker:AddTags", arn, tags("RequestTag")] as [string, string, Record<string, string>]] : [];
  const events = (kind: string) =>
    ["events:PutTargets", "events:PutRule", "events:DescribeRule"].map((a) => [a, rule(kind)] as [string, string]);
  const job = (kind: "Processing" | "Training", arn: string): Array<[string, string, Record<string, string>?]> => [
    [`sagemaker:Create${kind}Job`, arn, tags("RequestTag")],
    ...[`Describe${kind}Job`, `Stop${kind}Job`, "ListTags"].map(
      (a) => [`sagemaker:${a}`, arn, tags("ResourceTag")] as [string, string, Record<string, string>],
    ),
    ...tagging(arn),
    ...events(kind),
  ];
  switch (resource) {
    case "arn:aws:states:::sagemaker:createProcessingJob.sync":
      return [...job("Processing", sagemaker("processing-job", parameters.ProcessingJobName)), passRole(parameters.RoleArn)];
    case "arn:aws:states:::sagemaker:createTrainingJob.sync":
      return [...job("Training", sagemaker("training-job", parameters.TrainingJobName)), passRole(parameters.RoleArn)];
    case "arn:aws:states:::sagemaker:createModel": {
      const model = sagemaker("model", parameters.ModelName);
      return [["sagemaker:CreateModel", model, tags("RequestTag")], ...tagging(model), passRole(parameters.ExecutionRoleArn)];
    }
    case "arn:aws:states:::aws-sdk:sagemaker:createModelPackage":
      // A version's ARN is model-package/<group>/<version>; the first version is 1.
      return [
        [
          "sagemaker:CreateModelPackage",
          sagemaker("model-package", `${parameters.ModelPackageGroupName}/1`),
          { "sagemaker:ModelApprovalStatus": parameters.ModelApprovalStatus },
        ],
      ];
    case "arn:aws:states:::lambda:invoke":
      return [["lambda:InvokeFunction", parameters.FunctionName]];
    default:
      throw new Error(`requiredPermissions: no policy template for ${resource}`);
  }
}

describe.each(ENVIRONMENT_NAMES)("the %s workflow state machine, synthesized", (name) => {
  const env = getEnvironment(name);
  const defaults = { threshold: thresholdOf(name), ...hyperparameterVariables(name) };
  let synth: SynthesizedStack;
  let machine: any;
  let definition: StateMachineDefinition;
  let policy: any;
  let run: SimulationResult;

  beforeAll(async () => {
    synth = synthEnvironment(env);
    machine = onlyResource(synth.tf, "aws_sfn_state_machine")[1];
    definition = JSON.parse(resolveReferences(machine.definition, defaults));
    const rolePolicy = inlinePolicyOf(synth.tf, resourceName(name, "workflow-role"));
    policy = JSON.parse(resolveReferences(rolePolicy.policy, defaults));
    run = await simulateWorkflow(definition, {
      environment: env.name,
      runId: "20250101000000",
      region: TEST_REGION,
      accountId: TEST_ACCOUNT,
      metric: passingValue(thresholdOf(name)),
    });
  });

  it("is a STANDARD state machine named after the environment, run by its own role", () => {
    expect(machine).toMatchObject({ name: resourceName(name, "ml-workflow"), type: "STANDARD" });
    expect(machine.role_arn).toMatch(/^\$\{aws_iam_role\.ml-workflow_role_\w+\.arn\}$/);
  });

  it(`logs every event to its own log group, ${name === "prod" ? "without" : "with"} execution data, and traces with X-Ray`, () => {
    const [logGroupId, logGroup] = onlyResource(synth.tf, "aws_cloudwatch_log_group", (g) => g.name.includes("/states/"));
    expect(machine.logging_configuration).toEqual({
      level: "ALL",
      include_execution_data: name !== "prod",
      log_destination: `\${aws_cloudwatch_log_group.${logGroupId}.arn}:*`,
    });
    expect(machine.tracing_configuration).toEqual({ enabled: true });
    expect(logGroup).toMatchObject({
      name: `/aws/vendedlogs/states/${resourceName(name, "ml-workflow")}`,
      retention_in_days: env.logRetentionDays,
    });
    expect(logGroup.kms_key_id).toMatch(/^\$\{aws_kms_key\.\S+\.arn\}$/);
  });

  it("resolves each of the model's images per region with aws_sagemaker_prebuilt_ecr_image, never a hard-coded registry", () => {
    const images = Object.values(synth.tf.data.aws_sagemaker_prebuilt_ecr_image)
      .map((d: any) => d.repository_name)
      .sort();
    expect(images).toEqual(DISTINCT_IMAGES.map((image) => image.repositoryName).sort());
    // Every image the rendered workflow names, resolved by the provider.
    const imageUses = JSON.stringify(renderEnvironmentDefinition(env, MODEL)).match(/<image:/g)!.length;
    expect(machine.definition.match(/registry_path/g)).toHaveLength(imageUses);
    expect(machine.definition).not.toMatch(/\d{12}\.dkr\.ecr/);
  });

  it("references the hyperparameters' variables as strings and var.threshold as a number", () => {
    expect(machine.definition).toContain(
      TUNABLE_VARIABLES.map((h) => `"${h.argument}":"\${var.${h.terraformVariable}}"`).join(","),
    );
    expect(machine.definition).toContain(`"${GATE.comparison}":\${var.threshold}}`);
    const choice = JSON.stringify(definition.States[STATE_NAMES.thresholdCheck]);
    expect(choice).toContain(`"${GATE.comparison}":${thresholdOf(name)}}`);
  });

  it("is valid Amazon States Language once Terraform has filled in its references", () => {
    const { isValid, errors } = validateAsl(definition);
    expect(errors).toBe("");
    expect(isValid).toBe(true);
    expect(run.path).toEqual(SUCCESS_PATH);
  });

  it("takes a plan-time override of threshold in its Choice", async () => {
    // A stricter threshold: a metric between it and the default passes the default only.
    const stricter = passingValue(thresholdOf(name));
    const overridden = JSON.parse(resolveReferences(machine.definition, { ...defaults, threshold: stricter }));
    expect(JSON.stringify(overridden.States[STATE_NAMES.thresholdCheck])).toContain(`"${GATE.comparison}":${stricter}}`);
    const metric = (thresholdOf(name) + stricter) / 2;
    expect((await simulateWorkflow(definition, { metric })).path).toEqual(SUCCESS_PATH);
    expect((await simulateWorkflow(overridden, { metric })).endState).toBe(GATE.fail);
  });

  it("trusts only Step Functions acting for this account", () => {
    const role = Object.values(resourcesOfType(synth.tf, "aws_iam_role")).find(
      (r: any) => r.name === resourceName(name, "workflow-role"),
    );
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Principal: { Service: "states.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": expect.stringMatching(/^\$\{data\.aws_caller_identity\.\S+\.account_id\}$/) },
        },
      }),
    ]);
    expect(resourcesOfType(synth.tf, "aws_iam_policy_attachment")).toEqual({});
  });

  it("allows every action each task of a run needs, on that run's resources", () => {
    const needed = run.calls.flatMap((call) =>
      requiredPermissions(
        definition.States[call.state].Type === "Task" ? (definition.States[call.state] as any).Resource : "",
        call.parameters,
      ),
    );
    expect(needed.length).toBeGreaterThan(20);
    const denied = needed.filter(([action, resource, context]) => !allows(policy, action, resource, context));
    expect(denied).toEqual([]);
  });

  it("allows the task actions on nothing beyond this project's names, roles and function", () => {
    const otherJob = `arn:aws:sagemaker:${TEST_REGION}:${TEST_ACCOUNT}:training-job/other-trainingjob-1`;
    expect(allows(policy, "sagemaker:CreateTrainingJob", otherJob)).toBe(false);
    expect(
      allows(
        policy,
        "sagemaker:CreateProcessingJob",
        `arn:aws:sagemaker:${TEST_REGION}:${TEST_ACCOUNT}:processing-job/${MODEL.name}-trainingjob-1`,
      ),
    ).toBe(false);
    expect(allows(policy, "sagemaker:CreateModel", `arn:aws:sagemaker:${TEST_REGION}:${TEST_ACCOUNT}:model/other-model`)).toBe(
      false,
    );
    const sageMakerRole = (run.calls[0].parameters as any).RoleArn;
    expect(allows(policy, "iam:PassRole", sageMakerRole, { "iam:PassedToService": "sagemaker.amazonaws.com" })).toBe(true);
    expect(allows(policy, "iam:PassRole", sageMakerRole, { "iam:PassedToService": "lambda.amazonaws.com" })).toBe(false);
    expect(allows(policy, "iam:PassRole", sageMakerRole)).toBe(false);
    expect(
      allows(policy, "iam:PassRole", `arn:aws:iam::${TEST_ACCOUNT}:role/admin`, {
        "iam:PassedToService": "sagemaker.amazonaws.com",
      }),
    ).toBe(false);
    expect(allows(policy, "lambda:InvokeFunction", `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:other`)).toBe(false);
    expect(allows(policy, "s3:GetObject", `arn:aws:s3:::${resourceName("test", `artifacts-${TEST_ACCOUNT}`)}/x`)).toBe(false);
  });

  it("has no '*' action and uses a '*' resource only for actions without resource-level permissions", () => {
    for (const statement of policy.Statement) {
      const actions: string[] = [statement.Action].flat();
      const resources: string[] = [statement.Resource].flat();
      for (const action of actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      if (resources.includes("*")) {
        expect(actions.filter((a) => !(a in ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS))).toEqual([]);
      }
    }
  });

  it("allows log delivery and X-Ray tracing, which Step Functions needs for logging and tracing", () => {
    for (const action of [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
    ]) {
      expect([action, allows(policy, action, "*")]).toEqual([action, true]);
    }
  });

  it("conditions every PassRole statement on iam:PassedToService", () => {
    const passRole = policy.Statement.filter((s: any) => [s.Action].flat().includes("iam:PassRole"));
    expect(passRole).toHaveLength(1);
    expect(passRole[0].Condition).toEqual({ StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } });
    expect([passRole[0].Resource].flat()).toHaveLength(1);
  });

  it("exposes the state machine, its role and log group as outputs", () => {
    expect(Object.keys(synth.tf.output)).toEqual(
      expect.arrayContaining(["state_machine_arn", "state_machine_name", "workflow_role_arn", "workflow_log_group_name"]),
    );
    expect(synth.tf.output.state_machine_name.value).toBe(resourceName(name, "ml-workflow"));
  });
});

describe("the WorkflowStateMachine construct on its own", () => {
  let tf: any;
  beforeAll(() => {
    const stack = new TerraformStack(Testing.app(), "standalone");
    const env = { ...getEnvironment("prod"), includeExecutionData: true };
    const variable = (id: string, value: number) => new TerraformVariable(stack, id, { type: "number", default: value });
    new WorkflowStateMachine(stack, "workflow", {
      env,
      model: MODEL,
      names: new ResourceNames("prod", MODEL.name),
      variables: {
        hyperparameters: Object.fromEntries(
          tunableHyperparameters(MODEL).map(([name, h]) => [name, variable(h.terraformVariable, h.default)]),
        ),
        threshold: variable("threshold", MODEL.metric.threshold),
      },
      artifactBucketName: "stand-in-bucket",
      sageMakerRoleArn: "arn:aws:iam::111122223333:role/stand-in-sagemaker",
      analyzeFunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:stand-in",
      kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/stand-in",
    });
    tf = JSON.parse(Testing.synth(stack));
  });

  it("reads the account from the caller when no target is given, and honours includeExecutionData", () => {
    expect(Object.keys(tf.data.aws_caller_identity)).toHaveLength(1);
    const machine = onlyResource(tf, "aws_sfn_state_machine")[1];
    expect(machine.logging_configuration.include_execution_data).toBe(true);
    const definition = JSON.parse(
      resolveReferences(machine.definition, {
        threshold: MODEL.metric.threshold,
        ...Object.fromEntries(TUNABLE_VARIABLES.map((h) => [h.terraformVariable, h.default])),
      }),
    );
    expect(JSON.stringify(definition)).toContain("'stand-in-bucket'");
    expect(validateAsl(definition).errors).toBe("");
  });
});
