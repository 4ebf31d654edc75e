/**
 * The ML workflow (ml-workflow-spec.md, "States, in order") as a pure, typed template:
 * parameters in, an Amazon States Language definition and the IAM statements its tasks need out.
 * It reads no files, no environment and no clock, so the stack (with Terraform references),
 * the CLI and the tests (with concrete values) all render the same workflow.
 */
import { InstanceTypes } from "../../environments/schema";
import { PolicyStatement } from "../iam/policy";
import { AwsScope } from "../asl/arn";
import { Conditions, when } from "../asl/conditions";
import { JsonPath } from "../asl/json-path";
import { LambdaInvoke } from "../asl/lambda-invoke";
import { RawNumber } from "../asl/raw-number";
import { SageMakerCreateModel } from "../asl/sagemaker-create-model";
import { SageMakerCreateProcessingJob } from "../asl/sagemaker-create-processing-job";
import { SageMakerCreateTrainingJob } from "../asl/sagemaker-create-training-job";
import { choiceState, defineStateMachine, failState, passState } from "../asl/states";
import { TaskBuilder } from "../asl/task";
import { Catcher, Retrier, State, StateMachineDefinition } from "../asl/types";
import { isDeferred } from "../asl/validation";
import { EVALUATION_JOB_PREFIX, MODEL_PREFIX, PROCESSING_JOB_PREFIX, TRAINING_JOB_PREFIX } from "../run-names";
import { runKeys, S3_LAYOUT } from "../s3-layout";
import { TRAINING_PROGRAM } from "../sagemaker-code";

/** The state names of the spec, exact. */
export const STATE_NAMES = {
  preprocess: "Pre-process Data",
  training: "Model Training",
  registerModel: "Register Trained Model",
  evaluation: "Model Evaluation",
  analyze: "Analyze Evaluation Results",
  thresholdCheck: "Threshold Evaluation Check",
  belowThreshold: "Model Evaluation Below Threshold",
  exceedsThreshold: "Model Evaluation Exceeds Threshold",
  failed: "ML Workflow Failed",
} as const;

export type StateName = (typeof STATE_NAMES)[keyof typeof STATE_NAMES];

/** Every state, in the order of the spec. */
export const STATE_ORDER: readonly StateName[] = Object.values(STATE_NAMES);

/** The Task states, in the order they run. */
export const TASK_STATE_NAMES = [
  STATE_NAMES.preprocess,
  STATE_NAMES.training,
  STATE_NAMES.registerModel,
  STATE_NAMES.evaluation,
  STATE_NAMES.analyze,
] as const;
export type TaskStateName = (typeof TASK_STATE_NAMES)[number];

/** Where each task puts its (selected) result in the execution's data, and what the Choice reads. */
export const RESULT_PATHS = {
  preprocess: "$.Preprocessing",
  training: "$.Training",
  registerModel: "$.Model",
  evaluation: "$.EvaluationJob",
  analyze: "$.Analysis",
  failure: "$.Failure",
  /** The RMSE the analyze function returned. */
  rmse: "$.Analysis.Result",
} as const;

/** Container paths of the spec. */
export const CONTAINER_PATHS = {
  processingInput: "/opt/ml/processing/input",
  processingCode: "/opt/ml/processing/input/code",
  trainingOutput: "/opt/ml/processing/output/training",
  testingOutput: "/opt/ml/processing/output/testing",
  testingInput: "/opt/ml/processing/testing",
  modelInput: "/opt/ml/processing/model",
  evaluationOutput: "/opt/ml/processing/evaluation",
} as const;

/** Error name and cause of `ML Workflow Failed` (the cause is the reference's). */
export const WORKFLOW_FAILED = { error: "MLWorkflowFailed", cause: "SageMakerProcessingJobFailed" } as const;
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
export const CATCH_TASK_FAILED: Catcher = { ErrorEquals: ["States.TaskFailed"], Next: STATE_NAMES.failed, ResultPath: RESULT_PATHS.failure };

/** Everything the workflow depends on. Strings may be Terraform references; numbers may be RawNumbers. */
export interface MlWorkflowParams {
  /** Partition, region and account: the tasks' integration ARNs and their IAM resources. */
  scope: AwsScope;
  /** Artifact bucket name (the S3 layout of ml-workflow-spec.md lives in it). */
  artifactBucket: string;
  /** SageMaker execution role every job and the model run as. */
  sageMakerRoleArn: string;
  /** ARN of the analyze-results function. */
  analyzeFunctionArn: string;
  /** Image URIs. */
  images: {
    /** Pre-process Data (scikit-learn). */
    processing: string;
    /** Model Training (TensorFlow); also Model Evaluation unless `evaluation` is given. */
    training: string;
    /** Register Trained Model (TensorFlow inference). */
    inference: string;
    /** Model Evaluation. Default: the training image (it has TensorFlow to load the model). */
    evaluation?: string;
  };
  /** Instance types of the three jobs. */
  instanceTypes: Pick<InstanceTypes, "processing" | "training" | "evaluation">;
  /** Training epochs (a Terraform reference in the stack). */
  epochs: number | string;
  /** Training batch size (a Terraform reference in the stack). */
  batchSize: number | string;
  /** Highest acceptable RMSE; a RawNumber (`${var.threshold}`) in the stack so it stays a JSON number. */
  threshold: number | RawNumber;
  /** KMS key for the jobs' S3 outputs. Default: the bucket's default encryption. */
  kmsKeyArn?: string;
  /** Tags of every job and model the workflow creates. Default: none. */
  tags?: Record<string, string>;
}

/** The rendered workflow: its definition, its tasks and the IAM statements they need. */
export interface MlWorkflow {
  definition: StateMachineDefinition;
  tasks: Record<TaskStateName, TaskBuilder>;
  /** Every task's statements, in task order (not merged). */
  policyStatements: PolicyStatement[];
}

/** The definition only (see `buildMlWorkflow`). */
export function renderMlWorkflow(params: MlWorkflowParams): StateMachineDefinition {
  return buildMlWorkflow(params).definition;
}

/** Renders the workflow's states in the spec's order, with the IAM statements each task needs. */
export function buildMlWorkflow(params: MlWorkflowParams): MlWorkflow {
  validateParams(params);
  const { scope, artifactBucket: bucket, sageMakerRoleArn: roleArn } = params;
  const s3 = (key: string) => `s3://${bucket}/${key}`;
  const runId = JsonPath.executionName;
  const trainingJobName = JsonPath.at("$.TrainingJobName");
  const sageMakerTask = { retry: [SAGEMAKER_API_RETRY], catch: [CATCH_TASK_FAILED] };
  const processingResult = {
    ProcessingJobArn: JsonPath.at("$.ProcessingJobArn"),
    ProcessingJobStatus: JsonPath.at("$.ProcessingJobStatus"),
  };

  const preprocess = new SageMakerCreateProcessingJob(STATE_NAMES.preprocess, {
    scope,
    ...sageMakerTask,
    next: STATE_NAMES.training,
    processingJobName: JsonPath.at("$.PreprocessingJobName"),
    jobNamePrefix: PROCESSING_JOB_PREFIX,
    roleArn,
    imageUri: params.images.processing,
    containerEntrypoint: ["python3", `${CONTAINER_PATHS.processingCode}/preprocessing.py`],
    instanceType: params.instanceTypes.processing,
    volumeSizeInGb: 30,
    maxRuntimeSeconds: 1200,
    inputs: [
      { name: "input", s3Uri: s3(S3_LAYOUT.rawData), localPath: CONTAINER_PATHS.processingInput },
      { name: "code", s3Uri: s3(S3_LAYOUT.preprocessingScript), localPath: CONTAINER_PATHS.processingCode },
    ],
    outputs: [
      { name: "training", s3Uri: s3(S3_LAYOUT.trainingPrefix), localPath: CONTAINER_PATHS.trainingOutput },
      { name: "testing", s3Uri: s3(S3_LAYOUT.testingPrefix), localPath: CONTAINER_PATHS.testingOutput },
    ],
    outputKmsKeyId: params.kmsKeyArn,
    tags: params.tags,
    resultSelector: processingResult,
    resultPath: RESULT_PATHS.preprocess,
  });

  const training = new SageMakerCreateTrainingJob(STATE_NAMES.training, {
    scope,
    ...sageMakerTask,
    next: STATE_NAMES.registerModel,
    trainingJobName,
    jobNamePrefix: TRAINING_JOB_PREFIX,
    roleArn,
    trainingImage: params.images.training,
    hyperParameters: {
      epochs: String(params.epochs),
      "batch-size": String(params.batchSize),
      // TensorFlow script mode: which script to run and where its packed source lives.
      sagemaker_program: TRAINING_PROGRAM,
      sagemaker_submit_directory: s3(S3_LAYOUT.trainingSourceDir),
      sagemaker_region: scope.region,
    },
    inputChannels: [{ channelName: "training", s3Uri: s3(S3_LAYOUT.trainingPrefix), contentType: "csv" }],
    // SageMaker appends <TrainingJobName>/output/model.tar.gz: runKeys.modelArtifact.
    outputS3Path: JsonPath.format(`s3://{}/${runKeys.outputPrefix("{}")}`, bucket, runId),
    outputKmsKeyId: params.kmsKeyArn,
    instanceType: params.instanceTypes.training,
    volumeSizeInGb: 30,
    maxRuntimeSeconds: 3600,
    disableProfiler: true,
    tags: params.tags,
    resultSelector: {
      TrainingJobArn: JsonPath.at("$.TrainingJobArn"),
      S3ModelArtifacts: JsonPath.at("$.ModelArtifacts.S3ModelArtifacts"),
    },
    resultPath: RESULT_PATHS.training,
  });

  const modelArtifacts = JsonPath.at(`${RESULT_PATHS.training}.S3ModelArtifacts`);
  const registerModel = new SageMakerCreateModel(STATE_NAMES.registerModel, {
    scope,
    ...sageMakerTask,
    next: STATE_NAMES.evaluation,
    modelName: JsonPath.at("$.ModelName"),
    modelNamePrefix: MODEL_PREFIX,
    executionRoleArn: roleArn,
    image: params.images.inference,
    modelDataUrl: modelArtifacts,
    tags: params.tags,
    resultSelector: { ModelArn: JsonPath.at("$.ModelArn") },
    resultPath: RESULT_PATHS.registerModel,
  });

  const evaluation = new SageMakerCreateProcessingJob(STATE_NAMES.evaluation, {
    scope,
    ...sageMakerTask,
    next: STATE_NAMES.analyze,
    processingJobName: JsonPath.at("$.EvaluationProcessingJobName"),
    jobNamePrefix: EVALUATION_JOB_PREFIX,
    roleArn,
    imageUri: params.images.evaluation ?? params.images.training,
    containerEntrypoint: ["python3", `${CONTAINER_PATHS.processingCode}/evaluate.py`],
    instanceType: params.instanceTypes.evaluation,
    volumeSizeInGb: 30,
    maxRuntimeSeconds: 1200,
    inputs: [
      { name: "testing", s3Uri: s3(S3_LAYOUT.testingPrefix), localPath: CONTAINER_PATHS.testingInput },
      { name: "model", s3Uri: modelArtifacts, localPath: CONTAINER_PATHS.modelInput },
      { name: "code", s3Uri: s3(S3_LAYOUT.evaluationScript), localPath: CONTAINER_PATHS.processingCode },
    ],
    outputs: [
      {
        name: "evaluation",
        s3Uri: JsonPath.format(`s3://{}/${runKeys.evaluationPrefix("{}", "{}")}`, bucket, runId, trainingJobName),
        localPath: CONTAINER_PATHS.evaluationOutput,
      },
    ],
    outputKmsKeyId: params.kmsKeyArn,
    tags: params.tags,
    resultSelector: processingResult,
    resultPath: RESULT_PATHS.evaluation,
  });

  const analyze = new LambdaInvoke(STATE_NAMES.analyze, {
    scope,
    retry: [LAMBDA_SERVICE_RETRY],
    catch: [CATCH_TASK_FAILED],
    next: STATE_NAMES.thresholdCheck,
    functionArn: params.analyzeFunctionArn,
    payload: { Bucket: bucket, Key: JsonPath.format(runKeys.evaluation("{}", "{}"), runId, trainingJobName) },
    resultSelector: { Result: JsonPath.at("$.Payload.Result") },
    resultPath: RESULT_PATHS.analyze,
  });

  const tasks = {
    [STATE_NAMES.preprocess]: preprocess,
    [STATE_NAMES.training]: training,
    [STATE_NAMES.registerModel]: registerModel,
    [STATE_NAMES.evaluation]: evaluation,
    [STATE_NAMES.analyze]: analyze,
  } as Record<TaskStateName, TaskBuilder>;

  const definition = defineStateMachine({
    comment: "abalone ML workflow: pre-process, train, register, evaluate, then pass only a model whose RMSE is below the threshold",
    states: [
      ...TASK_STATE_NAMES.map((name): [string, State] => [name, tasks[name].state]),
      [
        STATE_NAMES.thresholdCheck,
        choiceState({
          // A missing or non-numeric RMSE matches no rule and so fails the gate.
          choices: [
            when(
              Conditions.and(Conditions.isNumeric(RESULT_PATHS.rmse), Conditions.numericLessThan(RESULT_PATHS.rmse, params.threshold)),
              STATE_NAMES.belowThreshold,
            ),
          ],
          otherwise: STATE_NAMES.exceedsThreshold,
        }),
      ],
      [STATE_NAMES.belowThreshold, passState({ comment: "The model's RMSE is below the threshold: ready for approval" })],
      [STATE_NAMES.exceedsThreshold, failState(THRESHOLD_EXCEEDED)],
      [STATE_NAMES.failed, failState(WORKFLOW_FAILED)],
    ],
  });

  return { definition, tasks, policyStatements: TASK_STATE_NAMES.flatMap((name) => tasks[name].policyStatements) };
}

function validateParams(params: MlWorkflowParams): void {
  const integer = (field: string, value: number | string) => {
    if (typeof value === "number" && !(Number.isInteger(value) && value >= 1)) {
      throw new Error(`renderMlWorkflow: ${field} must be an integer >= 1 (got ${value})`);
    }
    if (typeof value === "string" && value.trim() === "") throw new Error(`renderMlWorkflow: ${field} must not be empty`);
  };
  integer("epochs", params.epochs);
  integer("batchSize", params.batchSize);
  if (typeof params.threshold === "number" && !(Number.isFinite(params.threshold) && params.threshold > 0)) {
    throw new Error(`renderMlWorkflow: threshold must be a positive number (got ${params.threshold})`);
  }
  if (!isDeferred(params.artifactBucket) && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(params.artifactBucket)) {
    throw new Error(`renderMlWorkflow: artifactBucket must be an S3 bucket name (got ${JSON.stringify(params.artifactBucket)})`);
  }
}
