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
import { MODEL_NAME, runNamePrefix } from "../run-names";
import type { JobAccess } from "../iam/sagemaker-execution-role";
import type { WorkflowImageKind } from "./images";
import { RUN_OBJECTS_PATTERN, runKeys, S3_LAYOUT, TRAINING_PROGRAM } from "../s3-layout";
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
  readonly jobAccess?: JobAccess;
  build(context: StepContext): TaskBuilder;
}

/** What a step is built from: the workflow's parameters and the values steps share. */
export interface StepContext {
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
  jobAccess: { reads: [S3_LAYOUT.rawPrefix, S3_LAYOUT.codePrefix], writes: [RUN_OBJECTS_PATTERN], image: "processing" },
  build: ({ params, s3, runS3, runNamePrefix, sageMakerTask }): TaskBuilder =>
    new SageMakerCreateProcessingJob(preprocess.name, {
      scope: params.scope,
      ...sageMakerTask,
      processingJobName: runNameOf(preprocess),
      jobNamePrefix: runNamePrefix(preprocess),
      roleArn: params.sageMakerRoleArn,
      imageUri: params.images[preprocess.jobAccess.image],
      containerEntrypoint: ["python3", `${CONTAINER_PATHS.processingCode}/preprocessing.py`],
      instanceType: params.instanceTypes.processing,
      volumeSizeInGb: 30,
      maxRuntimeSeconds: 1200,
      inputs: [
        { name: "input", s3Uri: s3(S3_LAYOUT.rawData), localPath: CONTAINER_PATHS.processingInput },
        { name: "code", s3Uri: s3(S3_LAYOUT.preprocessingScript), localPath: CONTAINER_PATHS.processingCode },
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
  jobAccess: { reads: [RUN_OBJECTS_PATTERN, S3_LAYOUT.codePrefix], writes: [RUN_OBJECTS_PATTERN], image: "training" },
  build: ({ params, s3, runS3, runNamePrefix, sageMakerTask }): TaskBuilder =>
    new SageMakerCreateTrainingJob(training.name, {
      scope: params.scope,
      ...sageMakerTask,
      trainingJobName: runNameOf(training),
      jobNamePrefix: runNamePrefix(training),
      roleArn: params.sageMakerRoleArn,
      trainingImage: params.images[training.jobAccess.image],
      hyperParameters: {
        ...modelHyperParameters(params),
        // TensorFlow script mode: which script to run and where its packed source lives.
        sagemaker_program: TRAINING_PROGRAM,
        sagemaker_submit_directory: s3(S3_LAYOUT.trainingSourceDir),
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
  return { epochs: String(params.epochs), "batch-size": String(params.batchSize) };
}

/** The trained model's `model.tar.gz`, from Model Training's result. */
const modelArtifacts = JsonPath.at(`${training.resultPath}.S3ModelArtifacts`);

const registerModel = {
  name: "Register Trained Model",
  resultPath: "$.Model",
  runName: { field: "ModelName" },
  jobAccess: { reads: [RUN_OBJECTS_PATTERN], image: "inference" },
  build: ({ params, runNamePrefix, sageMakerTask }): TaskBuilder =>
    new SageMakerCreateModel(registerModel.name, {
      scope: params.scope,
      ...sageMakerTask,
      modelName: runNameOf(registerModel),
      modelNamePrefix: runNamePrefix(registerModel),
      executionRoleArn: params.sageMakerRoleArn,
      image: params.images[registerModel.jobAccess.image],
      modelDataUrl: modelArtifacts,
      tags: params.tags,
      resultSelector: { ModelArn: JsonPath.at("$.ModelArn") },
      resultPath: registerModel.resultPath,
    }),
} as const satisfies WorkflowStep;

const evaluation = {
  name: "Model Evaluation",
  resultPath: "$.EvaluationJob",
  runName: { field: "EvaluationProcessingJobName", kind: "EvaluationJob" },
  jobAccess: { reads: [RUN_OBJECTS_PATTERN, S3_LAYOUT.codePrefix], writes: [RUN_OBJECTS_PATTERN], image: "training" },
  build: ({ params, s3, runS3, runNamePrefix, sageMakerTask }): TaskBuilder =>
    new SageMakerCreateProcessingJob(evaluation.name, {
      scope: params.scope,
      ...sageMakerTask,
      processingJobName: runNameOf(evaluation),
      jobNamePrefix: runNamePrefix(evaluation),
      roleArn: params.sageMakerRoleArn,
      imageUri: params.images[evaluation.jobAccess.image],
      containerEntrypoint: ["python3", `${CONTAINER_PATHS.processingCode}/evaluate.py`],
      instanceType: params.instanceTypes.evaluation,
      volumeSizeInGb: 30,
      maxRuntimeSeconds: 1200,
      inputs: [
        { name: "testing", s3Uri: runS3(runKeys.testingData), localPath: CONTAINER_PATHS.testingInput },
        { name: "model", s3Uri: modelArtifacts, localPath: CONTAINER_PATHS.modelInput },
        { name: "code", s3Uri: s3(S3_LAYOUT.evaluationScript), localPath: CONTAINER_PATHS.processingCode },
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
      image: params.images[registerModel.jobAccess.image],
      modelDataUrl: modelArtifacts,
      contentTypes: [registry.contentType],
      statisticsS3Uri: runS3(runKeys.evaluation),
      customerMetadata: {
        [keys.runId]: JsonPath.executionName,
        [keys.commit]: JsonPath.at(`$.${COMMIT_FIELD}`),
        [keys.modelName]: runNameOf(registerModel),
        [keys.metric]: registry.metricName,
        [keys.metricValue]: JsonPath.format("{}", JsonPath.at(RMSE_PATH)),
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

/** What the workflow's SageMaker jobs and model need of their execution role, in step order. */
export const SAGEMAKER_JOB_ACCESS: readonly JobAccess[] = WORKFLOW_STEPS.flatMap((step: WorkflowStep) => step.jobAccess ?? []);

/** The state names: the tasks' from their steps, the rest of the template's. */
export const STATE_NAMES = {
  preprocess: preprocess.name,
  training: training.name,
  registerModel: registerModel.name,
  evaluation: evaluation.name,
  analyze: analyze.name,
  registerVersion: registerVersion.name,
  thresholdCheck: "Threshold Evaluation Check",
  belowThreshold: "Model Evaluation Below Threshold",
  exceedsThreshold: "Model Evaluation Exceeds Threshold",
  failed: "ML Workflow Failed",
} as const;

/** The states a run whose model passes the gate enters, in order: the tasks, the gate, its Pass, the registration. */
export const SUCCESS_PATH: readonly string[] = [
  ...GATED_STEPS.map((step) => step.name),
  STATE_NAMES.thresholdCheck,
  STATE_NAMES.belowThreshold,
  ...PASSED_STEPS.map((step) => step.name),
];

/** Where the failure a catcher caught (`{Error, Cause}`) is kept in the execution's data. */
export const FAILURE_PATH = "$.Failure";
/** The RMSE the analyze function returned: what the threshold Choice compares. */
export const RMSE_PATH = `${analyze.resultPath}.Result`;

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
/** Error name and cause of `Model Evaluation Exceeds Threshold`. */
export const THRESHOLD_EXCEEDED = {
  error: "ModelEvaluationExceedsThreshold",
  cause: "The model's RMSE is not below the environment's threshold",
} as const;

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
  /** Image URIs, by kind (`WORKFLOW_IMAGES`); each step names the kind it runs. */
  images: Record<WorkflowImageKind, string>;
  /** Instance types of the three jobs. */
  instanceTypes: Pick<InstanceTypes, "processing" | "training" | "evaluation">;
  /** Training epochs (a Terraform reference in the stack). */
  epochs: number | string;
  /** Training batch size (a Terraform reference in the stack). */
  batchSize: number | string;
  /** Highest acceptable RMSE; a RawNumber (`${var.threshold}`) in the stack so it stays a JSON number. */
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
  const context: StepContext = {
    params,
    s3: (key) => `s3://${params.artifactBucket}/${key}`,
    runS3: (key) =>
      JsonPath.format(`s3://{}/${key("{}", "{}")}`, params.artifactBucket, JsonPath.executionName, runNameOf(training)),
    runNamePrefix: (step) => runNamePrefix(params.environment, step.runName.kind),
    sageMakerTask: { retry: [SAGEMAKER_API_RETRY], catch: [CATCH_TASK_FAILED] },
  };
  const build = (steps: readonly WorkflowStep[]) => steps.map((step) => step.build(context));
  const gated = build(GATED_STEPS);
  const passed = build(PASSED_STEPS);
  const tasks = [...gated, ...passed];
  const definition = defineStateMachine({
    comment: `${MODEL_NAME} ML workflow: pre-process, train, register, evaluate, then register as a version only a model whose RMSE is below the threshold`,
    states: [
      ...sequence(gated, STATE_NAMES.thresholdCheck),
      [
        STATE_NAMES.thresholdCheck,
        choiceState({
          // A missing or non-numeric RMSE matches no rule and so fails the gate.
          choices: [
            when(
              Conditions.and(Conditions.isNumeric(RMSE_PATH), Conditions.numericLessThan(RMSE_PATH, params.threshold)),
              STATE_NAMES.belowThreshold,
            ),
          ],
          otherwise: STATE_NAMES.exceedsThreshold,
        }),
      ],
      [
        STATE_NAMES.belowThreshold,
        passState({ comment: "The model's RMSE is below the threshold: register it for approval", next: passed[0].stateName }),
      ],
      ...sequence(passed),
      [STATE_NAMES.exceedsThreshold, failState(THRESHOLD_EXCEEDED)],
      [STATE_NAMES.failed, failState(WORKFLOW_FAILED)],
    ],
  });
  return { definition, tasks, policyStatements: tasks.flatMap((task) => task.policyStatements) };
}

function validateParams(params: MlWorkflowParams): void {
  const integer = (field: string, value: number | string) => {
    if (typeof value === "number" && !(Number.isInteger(value) && value >= 1)) {
      throw new Error(`buildMlWorkflow: ${field} must be an integer >= 1 (got ${value})`);
    }
    if (typeof value === "string" && value.trim() === "") throw new Error(`buildMlWorkflow: ${field} must not be empty`);
  };
  integer("epochs", params.epochs);
  integer("batchSize", params.batchSize);
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
