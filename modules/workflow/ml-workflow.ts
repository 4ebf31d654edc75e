/**
 * The ML workflow (docs/workflow.md, "States, in order"; docs/adding-a-step.md) as a pure, typed template:
 * parameters in, an Amazon States Language definition and the IAM statements its tasks need out.
 * It reads no files, no environment and no clock, so the stack (with Terraform references),
 * the CLI and the tests (with concrete values) all render the same workflow.
 */
import { ENVIRONMENT_NAME_PATTERN, InstanceTypes } from "../../environments/schema";
import { PolicyStatement } from "../iam/policy";
import { AwsScope } from "../asl/arn";
import { Conditions, when } from "../asl/conditions";
import { JsonPath } from "../asl/json-path";
import { LambdaInvoke } from "../asl/lambda-invoke";
import { RawNumber } from "../asl/raw-number";
import { SageMakerCreateModel } from "../asl/sagemaker-create-model";
import { SageMakerCreateModelPackage } from "../asl/sagemaker-create-model-package";
import { SageMakerCreateProcessingJob } from "../asl/sagemaker-create-processing-job";
import { SageMakerCreateTrainingJob } from "../asl/sagemaker-create-training-job";
import { choiceState, defineStateMachine, failState, passState, sequence } from "../asl/states";
import { TaskBuilder, TaskStateProps } from "../asl/task";
import { Catcher, Retrier, StateMachineDefinition } from "../asl/types";
import { isDeferred } from "../asl/validation";
import { runNamePrefix } from "../run-names";
import type { JobAccess } from "../iam/sagemaker-execution-role";
import { ModelDeclaration, valueProblem } from "../model/declaration";
import type { WorkflowImageKind } from "./images";
import { GATE_COMPARISON, MetricDirection, passingSide } from "./gate";
import { ModelLayout, modelLayout, runKeys, runObjectsPattern } from "../s3-layout";
import { HYPERPARAMETER_METADATA_PREFIX, MODEL_VERSION_METADATA } from "./model-version";

/**
 * One Task state of the workflow, declared once: its name, where its result goes in the execution's
 * data, the per-run SageMaker name it reads from the execution input (if any), and how it is built.
 * The template lists the steps in the order they run; each goes on to the next.
 */
export interface WorkflowStep {
  readonly name: string;
  /** Where the task's (selected) result goes in the execution's data. */
  readonly resultPath: `$.${string}`;
  /** The name this step's job (of `kind`) or model (no kind) gets per run: a field of the execution input, `runNamePrefix(env, kind)<run id>`. */
  readonly runName?: { readonly field: string; readonly kind?: string };
  /** What the step's SageMaker job or model needs of the execution role: its share of that role (none for a Lambda). */
  readonly jobAccess?: (where: ModelObjects) => JobAccess;
  build(context: StepContext): TaskBuilder;
}

/** Where a model's objects are in the artifact bucket: its shared data and scripts, and its runs' own objects. */
export interface ModelObjects {
  layout: ModelLayout;
  /** Key pattern of every per-run object (`runObjectsPattern`). */
  runObjects: string;
}

const modelObjects = (model: ModelDeclaration): ModelObjects => ({
  layout: modelLayout(model),
  runObjects: runObjectsPattern(model.name),
});

/** What a step is built from: the workflow's parameters and the values steps share. */
export interface StepContext extends ModelObjects {
  params: MlWorkflowParams;
  /** `s3://<artifact bucket>/<key>`. */
  s3(key: string): string;
  /** `s3://<artifact bucket>/<key of this run>`, read at run time: `key` of the run id (execution name) and its training job name. */
  runS3(key: (runId: string, trainingJobName: string) => string): JsonPath;
  /** A step's per-run name prefix in this environment. */
  runNamePrefix(step: Required<Pick<WorkflowStep, "runName">>): string;
  /** Retry and catch of every SageMaker task. */
  sageMakerTask: Pick<TaskStateProps, "retry" | "catch">;
}

/** A step's per-run name as the task reads it: from the execution input. */
function runNameOf(step: Required<Pick<WorkflowStep, "runName">>): JsonPath {
  return JsonPath.at(`$.${step.runName.field}`);
}

const processingResult = {
  ProcessingJobArn: JsonPath.at("$.ProcessingJobArn"),
  ProcessingJobStatus: JsonPath.at("$.ProcessingJobStatus"),
};

const preprocess = {
  name: "Pre-process Data",
  resultPath: "$.Preprocessing",
  runName: { field: "PreprocessingJobName", kind: "ProcessingJob" },
  jobAccess: ({ layout, runObjects }) => ({
    reads: [layout.rawPrefix, layout.codePrefix],
    writes: [runObjects],
    image: "processing",
  }),
  build: ({ params, layout, s3, runS3, runNamePrefix, sageMakerTask }): TaskBuilder =>
    new SageMakerCreateProcessingJob(preprocess.name, {
      scope: params.scope,
      ...sageMakerTask,
      processingJobName: runNameOf(preprocess),
      jobNamePrefix: runNamePrefix(preprocess),
      roleArn: params.sageMakerRoleArn,
      imageUri: params.images.processing,
      containerEntrypoint: ["python3", `${CONTAINER_PATHS.processingCode}/${params.model.scripts.preprocessing}`],
      instanceType: params.instanceTypes.processing,
      volumeSizeInGb: 30,
      maxRuntimeSeconds: 1200,
      inputs: [
        { name: "input", s3Uri: s3(layout.rawData), localPath: CONTAINER_PATHS.processingInput },
        { name: "code", s3Uri: s3(layout.preprocessingScript), localPath: CONTAINER_PATHS.processingCode },
      ],
      outputs: [
        { name: "training", s3Uri: runS3(runKeys.trainingData), localPath: CONTAINER_PATHS.trainingOutput },
        { name: "testing", s3Uri: runS3(runKeys.testingData), localPath: CONTAINER_PATHS.testingOutput },
      ],
      outputKmsKeyId: params.kmsKeyArn,
      volumeKmsKeyId: params.kmsKeyArn,
      tags: params.tags,
      resultSelector: processingResult,
      resultPath: preprocess.resultPath,
    }),
} as const satisfies WorkflowStep;

const training = {
  name: "Model Training",
  resultPath: "$.Training",
  runName: { field: "TrainingJobName", kind: "TrainingJob" },
  jobAccess: ({ layout, runObjects }) => ({ reads: [runObjects, layout.codePrefix], writes: [runObjects], image: "training" }),
  build: ({ params, layout, s3, runS3, runNamePrefix, sageMakerTask }): TaskBuilder =>
    new SageMakerCreateTrainingJob(training.name, {
      scope: params.scope,
      ...sageMakerTask,
      trainingJobName: runNameOf(training),
      jobNamePrefix: runNamePrefix(training),
      roleArn: params.sageMakerRoleArn,
      trainingImage: params.images.training,
      hyperParameters: {
        ...modelHyperParameters(params),
        // Script mode: which script to run and where its packed source lives.
        sagemaker_program: params.model.scripts.training,
        sagemaker_submit_directory: s3(layout.trainingSourceDir),
        sagemaker_region: params.scope.region,
      },
      inputChannels: [{ channelName: "training", s3Uri: runS3(runKeys.trainingData), contentType: "csv" }],
      // SageMaker appends <TrainingJobName>/output/model.tar.gz: runKeys.modelArtifact.
      outputS3Path: JsonPath.format(`s3://{}/${runKeys.outputPrefix("{}")}`, params.artifactBucket, JsonPath.executionName),
      outputKmsKeyId: params.kmsKeyArn,
      volumeKmsKeyId: params.kmsKeyArn,
      instanceType: params.instanceTypes.training,
      volumeSizeInGb: 30,
      maxRuntimeSeconds: 3600,
      disableProfiler: true,
      tags: params.tags,
      resultSelector: {
        TrainingJobArn: JsonPath.at("$.TrainingJobArn"),
        S3ModelArtifacts: JsonPath.at("$.ModelArtifacts.S3ModelArtifacts"),
      },
      resultPath: training.resultPath,
    }),
} as const satisfies WorkflowStep;

/** The hyperparameters the model is trained with (SageMaker takes them as strings); the registered version records them too. */
function modelHyperParameters(params: MlWorkflowParams): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params.model.hyperparameters).map(([name, h]) => [
      h.argument,
      String(params.hyperparameters[name] ?? h.default),
    ]),
  );
}

/** The trained model's `model.tar.gz`, from Model Training's result. */
const modelArtifacts = JsonPath.at(`${training.resultPath}.S3ModelArtifacts`);

const registerModel = {
  name: "Register Trained Model",
  resultPath: "$.Model",
  runName: { field: "ModelName" },
  jobAccess: ({ runObjects }) => ({ reads: [runObjects], image: "inference" }),
  build: ({ params, layout, s3, runNamePrefix, sageMakerTask }): TaskBuilder =>
    new SageMakerCreateModel(registerModel.name, {
      scope: params.scope,
      ...sageMakerTask,
      modelName: runNameOf(registerModel),
      modelNamePrefix: runNamePrefix(registerModel),
      executionRoleArn: params.sageMakerRoleArn,
      image: params.images.inference,
      modelDataUrl: modelArtifacts,
      environment: params.model.serving.scriptMode
        ? { SAGEMAKER_PROGRAM: params.model.scripts.training, SAGEMAKER_SUBMIT_DIRECTORY: s3(layout.trainingSourceDir) }
        : undefined,
      tags: params.tags,
      resultSelector: { ModelArn: JsonPath.at("$.ModelArn") },
      resultPath: registerModel.resultPath,
    }),
} as const satisfies WorkflowStep;

const evaluation = {
  name: "Model Evaluation",
  resultPath: "$.EvaluationJob",
  runName: { field: "EvaluationProcessingJobName", kind: "EvaluationJob" },
  jobAccess: ({ layout, runObjects }) => ({ reads: [runObjects, layout.codePrefix], writes: [runObjects], image: "evaluation" }),
  build: ({ params, layout, s3, runS3, runNamePrefix, sageMakerTask }): TaskBuilder =>
    new SageMakerCreateProcessingJob(evaluation.name, {
      scope: params.scope,
      ...sageMakerTask,
      processingJobName: runNameOf(evaluation),
      jobNamePrefix: runNamePrefix(evaluation),
      roleArn: params.sageMakerRoleArn,
      imageUri: params.images.evaluation,
      containerEntrypoint: ["python3", `${CONTAINER_PATHS.processingCode}/${params.model.scripts.evaluation}`],
      instanceType: params.instanceTypes.evaluation,
      volumeSizeInGb: 30,
      maxRuntimeSeconds: 1200,
      inputs: [
        { name: "testing", s3Uri: runS3(runKeys.testingData), localPath: CONTAINER_PATHS.testingInput },
        { name: "model", s3Uri: modelArtifacts, localPath: CONTAINER_PATHS.modelInput },
        { name: "code", s3Uri: s3(layout.evaluationScript), localPath: CONTAINER_PATHS.processingCode },
      ],
      outputs: [{ name: "evaluation", s3Uri: runS3(runKeys.evaluationPrefix), localPath: CONTAINER_PATHS.evaluationOutput }],
      outputKmsKeyId: params.kmsKeyArn,
      volumeKmsKeyId: params.kmsKeyArn,
      tags: params.tags,
      resultSelector: processingResult,
      resultPath: evaluation.resultPath,
    }),
} as const satisfies WorkflowStep;

const analyze = {
  name: "Analyze Evaluation Results",
  resultPath: "$.Analysis",
  build: ({ params }): TaskBuilder =>
    new LambdaInvoke(analyze.name, {
      scope: params.scope,
      retry: [LAMBDA_SERVICE_RETRY],
      catch: [CATCH_TASK_FAILED],
      functionArn: params.analyzeFunctionArn,
      payload: {
        Bucket: params.artifactBucket,
        Key: JsonPath.format(runKeys.evaluation("{}", "{}"), JsonPath.executionName, runNameOf(training)),
        // The model's metric: the function computes whichever the model declares.
        Metric: params.model.metric.computation,
      },
      resultSelector: { Result: JsonPath.at("$.Payload.Result") },
      resultPath: analyze.resultPath,
    }),
} as const satisfies WorkflowStep;

/** Runs after the gate passed: the model becomes a version of the environment's Model Registry group, pending approval. */
const registerVersion = {
  name: "Register Model Version",
  resultPath: "$.ModelVersion",
  build: ({ params, runS3, sageMakerTask }): TaskBuilder => {
    const { modelRegistry: registry } = params;
    const keys = MODEL_VERSION_METADATA;
    return new SageMakerCreateModelPackage(registerVersion.name, {
      scope: params.scope,
      retry: [SAGEMAKER_SDK_RETRY],
      catch: sageMakerTask.catch,
      modelPackageGroupName: registry.groupName,
      description: JsonPath.format("Run {} (commit {})", JsonPath.executionName, JsonPath.at(`$.${COMMIT_FIELD}`)),
      image: params.images.inference,
      modelDataUrl: modelArtifacts,
      contentTypes: [registry.contentType],
      statisticsS3Uri: runS3(runKeys.evaluation),
      customerMetadata: {
        [keys.runId]: JsonPath.executionName,
        [keys.commit]: JsonPath.at(`$.${COMMIT_FIELD}`),
        [keys.modelName]: runNameOf(registerModel),
        [keys.metric]: registry.metricName,
        [keys.metricValue]: JsonPath.format("{}", JsonPath.at(METRIC_PATH)),
        [keys.threshold]: thresholdText(params.threshold),
        ...Object.fromEntries(
          Object.entries(modelHyperParameters(params)).map(([name, value]) => [
            `${HYPERPARAMETER_METADATA_PREFIX}${name}`,
            value,
          ]),
        ),
      },
      resultSelector: { ModelPackageArn: JsonPath.at("$.ModelPackageArn") },
      resultPath: registerVersion.resultPath,
    });
  },
} as const satisfies WorkflowStep;

/** Where a passing execution's output holds the version it registered. */
export const MODEL_VERSION_ARN_PATH = `${registerVersion.resultPath}.ModelPackageArn`;

/** The execution input's field holding the commit the run was built from. */
export const COMMIT_FIELD = "Commit";

/** The threshold as text (a Terraform reference is interpolated into the string). */
function thresholdText(threshold: number | RawNumber): string {
  return threshold instanceof RawNumber ? threshold.expression : String(threshold);
}

/** The tasks up to the gate, in the order they run (docs/workflow.md). */
const GATED_STEPS = [preprocess, training, registerModel, evaluation, analyze] as const;
/** The tasks once the gate passed. */
const PASSED_STEPS = [registerVersion] as const;
/** Every task of the workflow, in the order they run. */
export const WORKFLOW_STEPS = [...GATED_STEPS, ...PASSED_STEPS] as const;

export type TaskStateName = (typeof WORKFLOW_STEPS)[number]["name"];
/** The Task states, in the order they run. */
export const TASK_STATE_NAMES: readonly TaskStateName[] = WORKFLOW_STEPS.map((step) => step.name);

/** What a model's workflow's SageMaker jobs and model need of their execution role, in step order. */
export function sageMakerJobAccess(model: ModelDeclaration): JobAccess[] {
  const where = modelObjects(model);
  return WORKFLOW_STEPS.flatMap((step: WorkflowStep) => step.jobAccess?.(where) ?? []);
}

/** The state names: the tasks' from their steps, the rest of the template's (the gate's outcomes: `gateStates`). */
export const STATE_NAMES = {
  preprocess: preprocess.name,
  training: training.name,
  registerModel: registerModel.name,
  evaluation: evaluation.name,
  analyze: analyze.name,
  registerVersion: registerVersion.name,
  thresholdCheck: "Threshold Evaluation Check",
  failed: "ML Workflow Failed",
} as const;

/** The gate's two outcomes, named for the metric's direction: where a passing and a failing model go, and the failure's error. */
export function gateStates(direction: MetricDirection, metricName: string) {
  return direction === "lower"
    ? {
        pass: "Model Evaluation Below Threshold",
        fail: "Model Evaluation Exceeds Threshold",
        error: {
          error: "ModelEvaluationExceedsThreshold",
          cause: `The model's ${metricName} is not below the environment's threshold`,
        },
      }
    : {
        pass: "Model Evaluation Above Threshold",
        fail: "Model Evaluation Not Above Threshold",
        error: {
          error: "ModelEvaluationNotAboveThreshold",
          cause: `The model's ${metricName} is not above the environment's threshold`,
        },
      };
}

/** The states a run whose model passes the gate enters, in order: the tasks, the gate, its Pass, the registration. */
export function successPath(direction: MetricDirection): string[] {
  return [
    ...GATED_STEPS.map((step) => step.name),
    STATE_NAMES.thresholdCheck,
    gateStates(direction, "").pass,
    ...PASSED_STEPS.map((step) => step.name),
  ];
}

/** Where the failure a catcher caught (`{Error, Cause}`) is kept in the execution's data. */
export const FAILURE_PATH = "$.Failure";
/** The metric the analyze function returned: what the threshold Choice compares. */
export const METRIC_PATH = `${analyze.resultPath}.Result`;

/** Container paths of the jobs (docs/workflow.md). */
export const CONTAINER_PATHS = {
  processingInput: "/opt/ml/processing/input",
  processingCode: "/opt/ml/processing/input/code",
  trainingOutput: "/opt/ml/processing/output/training",
  testingOutput: "/opt/ml/processing/output/testing",
  testingInput: "/opt/ml/processing/testing",
  modelInput: "/opt/ml/processing/model",
  evaluationOutput: "/opt/ml/processing/evaluation",
} as const;

/** `ML Workflow Failed` reports what its catcher caught: the task's own error name and cause. */
export const WORKFLOW_FAILED = { errorPath: `${FAILURE_PATH}.Error`, causePath: `${FAILURE_PATH}.Cause` } as const;

/**
 * Errors of the SageMaker API call (throttling, transient faults; Step Functions also reports
 * validation errors under this name, which costs a few retries). They happen when a Create call is
 * refused, before a job exists; a job that ran and failed is never run twice, since SageMaker
 * refuses a second job under the same name.
 */
export const SAGEMAKER_API_RETRY: Retrier = {
  ErrorEquals: ["SageMaker.AmazonSageMakerException"],
  IntervalSeconds: 5,
  BackoffRate: 2,
  MaxAttempts: 5,
  MaxDelaySeconds: 60,
  JitterStrategy: "FULL",
};

/** The same for SageMaker calls through the AWS SDK integration, which names errors after the SDK's exceptions. */
export const SAGEMAKER_SDK_RETRY: Retrier = { ...SAGEMAKER_API_RETRY, ErrorEquals: ["SageMaker.SageMakerException"] };

/** Throttling and transient Lambda service errors (AWS's recommended set); the function only reads, so a retry is safe. */
export const LAMBDA_SERVICE_RETRY: Retrier = {
  ErrorEquals: [
    "Lambda.TooManyRequestsException",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.ClientExecutionTimeoutException",
  ],
  IntervalSeconds: 2,
  BackoffRate: 2,
  MaxAttempts: 6,
  MaxDelaySeconds: 30,
  JitterStrategy: "FULL",
};

/** Every task: a failure (after retries) goes to `ML Workflow Failed`, keeping the error at `$.Failure`. */
export const CATCH_TASK_FAILED: Catcher = {
  ErrorEquals: ["States.TaskFailed"],
  Next: STATE_NAMES.failed,
  ResultPath: FAILURE_PATH,
};

/** Everything the workflow depends on. Strings may be Terraform references; numbers may be RawNumbers. */
export interface MlWorkflowParams {
  /** Partition, region and account: the tasks' integration ARNs and their IAM resources. */
  scope: AwsScope;
  /** The environment: it names every job and model of a run (`runNamePrefix`). */
  environment: string;
  /** Artifact bucket name (the S3 layout of docs/workflow.md lives in it). */
  artifactBucket: string;
  /** SageMaker execution role every job and the model run as. */
  sageMakerRoleArn: string;
  /** ARN of the analyze-results function. */
  analyzeFunctionArn: string;
  /** The model the workflow trains: its scripts, images, hyperparameters, metric and S3 layout. */
  model: ModelDeclaration;
  /** Image URIs, by kind (the model's `images`); each step runs its kind. */
  images: Record<WorkflowImageKind, string>;
  /** Instance types of the three jobs. */
  instanceTypes: Pick<InstanceTypes, "processing" | "training" | "evaluation">;
  /** The tunable hyperparameters' values by name (Terraform references in the stack); the others keep their defaults. */
  hyperparameters: Record<string, number | string>;
  /** The gate's threshold of the model's metric; a RawNumber (`${var.threshold}`) in the stack so it stays a JSON number. */
  threshold: number | RawNumber;
  /** KMS key for the jobs' S3 outputs and storage volumes. Default: the bucket's default encryption, SageMaker's volume key. */
  kmsKeyArn?: string;
  /** Tags of every job and model the workflow creates; the tasks may create and touch only what carries them. Default: none. */
  tags?: Record<string, string>;
  /** Where a model that passed the gate is registered, and what its version records. */
  modelRegistry: {
    /** The environment's model package group. */
    groupName: string;
    /** Name of the quality metric the gate compares, as the version records it. */
    metricName: string;
    /** MIME type the model's endpoint accepts and answers with. */
    contentType: string;
  };
}

/** The rendered workflow: its definition, its tasks and the IAM statements they need. */
export interface MlWorkflow {
  definition: StateMachineDefinition;
  /** The built tasks, in the order they run. */
  tasks: readonly TaskBuilder[];
  /** Every task's statements, in task order (not merged). */
  policyStatements: PolicyStatement[];
}

/** Renders the workflow's states in order, with the IAM statements each task needs. */
export function buildMlWorkflow(params: MlWorkflowParams): MlWorkflow {
  validateParams(params);
  const { model } = params;
  const { metric } = model;
  const gate = gateStates(metric.direction, metric.name);
  const side = passingSide(metric.direction);
  const context: StepContext = {
    ...modelObjects(model),
    params,
    s3: (key) => `s3://${params.artifactBucket}/${key}`,
    runS3: (key) =>
      JsonPath.format(`s3://{}/${key("{}", "{}")}`, params.artifactBucket, JsonPath.executionName, runNameOf(training)),
    runNamePrefix: (step) => runNamePrefix(model.name, params.environment, step.runName.kind),
    sageMakerTask: { retry: [SAGEMAKER_API_RETRY], catch: [CATCH_TASK_FAILED] },
  };
  const build = (steps: readonly WorkflowStep[]) => steps.map((step) => step.build(context));
  const gated = build(GATED_STEPS);
  const passed = build(PASSED_STEPS);
  const tasks = [...gated, ...passed];
  const definition = defineStateMachine({
    comment: `${model.name} ML workflow: pre-process, train, register, evaluate, then register as a version only a model whose ${metric.name} is ${side} the threshold`,
    states: [
      ...sequence(gated, STATE_NAMES.thresholdCheck),
      [
        STATE_NAMES.thresholdCheck,
        choiceState({
          // A missing or non-numeric metric matches no rule and so fails the gate; so does one equal to the threshold.
          choices: [
            when(
              Conditions.and(
                Conditions.isNumeric(METRIC_PATH),
                Conditions.numericCompare(GATE_COMPARISON[metric.direction], METRIC_PATH, params.threshold),
              ),
              gate.pass,
            ),
          ],
          otherwise: gate.fail,
        }),
      ],
      [
        gate.pass,
        passState({
          comment: `The model's ${metric.name} is ${side} the threshold: register it for approval`,
          next: passed[0].stateName,
        }),
      ],
      ...sequence(passed),
      [gate.fail, failState(gate.error)],
      [STATE_NAMES.failed, failState(WORKFLOW_FAILED)],
    ],
  });
  return { definition, tasks, policyStatements: tasks.flatMap((task) => task.policyStatements) };
}

function validateParams(params: MlWorkflowParams): void {
  for (const [name, value] of Object.entries(params.hyperparameters)) {
    const declared = params.model.hyperparameters[name];
    if (!declared) throw new Error(`buildMlWorkflow: ${params.model.name} has no hyperparameter ${JSON.stringify(name)}`);
    if (typeof value === "string" && value.trim() === "") throw new Error(`buildMlWorkflow: ${name} must not be empty`);
    const problem = typeof value === "number" ? valueProblem(declared, value) : undefined;
    if (problem) throw new Error(`buildMlWorkflow: ${name} ${problem} (got ${value})`);
  }
  if (typeof params.threshold === "number" && !(Number.isFinite(params.threshold) && params.threshold > 0)) {
    throw new Error(`buildMlWorkflow: threshold must be a positive number (got ${params.threshold})`);
  }
  if (!ENVIRONMENT_NAME_PATTERN.test(params.environment)) {
    throw new Error(
      `buildMlWorkflow: environment must match ${ENVIRONMENT_NAME_PATTERN} (got ${JSON.stringify(params.environment)})`,
    );
  }
  if (!isDeferred(params.artifactBucket) && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(params.artifactBucket)) {
    throw new Error(`buildMlWorkflow: artifactBucket must be an S3 bucket name (got ${JSON.stringify(params.artifactBucket)})`);
  }
}
