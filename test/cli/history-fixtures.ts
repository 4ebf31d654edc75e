/** Realistic Step Functions histories of the ML workflow, and a GetExecutionHistory fake that pages and grows with the clock. */
import {
  GetExecutionHistoryCommand,
  GetExecutionHistoryCommandInput,
  HistoryEvent,
  ServiceInputTypes,
  ServiceOutputTypes,
  SFNClientResolvedConfig,
} from "@aws-sdk/client-sfn";
import { AwsStub } from "aws-sdk-client-mock";
import { STATE_NAMES } from "../../modules/workflow/ml-workflow";
import { executionInput } from "../../modules/workflow/execution-input";
import { Clock } from "../../cli/deps";
import { GATE, hyperparameterArguments, MODEL, resourceName } from "../helpers/chosen-model";
import { T0 } from "./fake-deps";

const MINUTE = 60_000;

/** Appends events the way Step Functions records them: ids in order, each after the previous. */
export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  private t: number;
  private data: Record<string, unknown>;

  constructor(runId: string, start = T0) {
    this.t = start;
    this.data = { ...executionInput(MODEL.name, "dev", runId) };
    this.add("ExecutionStarted", 0, { executionStartedEventDetails: { input: JSON.stringify(this.data) } });
  }

  private add(type: string, afterMs: number, details: Partial<HistoryEvent> = {}): this {
    this.t += afterMs;
    const id = this.events.length + 1;
    this.events.push({
      id,
      previousEventId: id - 1,
      timestamp: new Date(this.t),
      type: type as HistoryEvent["type"],
      ...details,
    });
    return this;
  }

  private enter(type: string, name: string, afterMs = 100) {
    return this.add(`${type}StateEntered`, afterMs, { stateEnteredEventDetails: { name, input: JSON.stringify(this.data) } });
  }

  /** A task that succeeds after `durationMs`, adding `result` to the execution data at `resultKey`. */
  task(name: string, durationMs: number, resultKey: string, result: unknown): this {
    this.enter("Task", name).add("TaskScheduled", 10).add("TaskStarted", 50).add("TaskSucceeded", durationMs);
    this.data = { ...this.data, [resultKey]: result };
    return this.add("TaskStateExited", 10, { stateExitedEventDetails: { name, output: JSON.stringify(this.data) } });
  }

  /** A task that fails after `durationMs`; the Catch sends the execution to `ML Workflow Failed`. */
  taskFailsAndIsCaught(name: string, durationMs: number, error: string, cause: string): this {
    this.enter("Task", name).add("TaskScheduled", 10).add("TaskStarted", 50);
    this.add("TaskFailed", durationMs, {
      taskFailedEventDetails: { resourceType: "sagemaker", resource: "createTrainingJob.sync", error, cause },
    });
    this.data = { ...this.data, Failure: { Error: error, Cause: cause } };
    this.enter("Fail", STATE_NAMES.failed);
    // `ML Workflow Failed` reports what the catcher kept at $.Failure.
    return this.add("ExecutionFailed", 10, { executionFailedEventDetails: { error, cause } });
  }

  /** The four SageMaker tasks and the analyze step, returning `metric`. */
  throughAnalysis(metric: number): this {
    return this.task(STATE_NAMES.preprocess, 4 * MINUTE, "Preprocessing", { ProcessingJobStatus: "Completed" })
      .task(STATE_NAMES.training, 8 * MINUTE, "Training", { S3ModelArtifacts: "s3://bucket/run/model.tar.gz" })
      .task(STATE_NAMES.registerModel, 2000, "Model", {
        ModelArn: `arn:aws:sagemaker:us-east-1:111122223333:model/${String(this.data.ModelName).toLowerCase()}`,
      })
      .task(STATE_NAMES.evaluation, 3 * MINUTE, "EvaluationJob", { ProcessingJobStatus: "Completed" })
      .task(STATE_NAMES.analyze, 1500, "Analysis", { Result: metric });
  }

  /** The threshold gate and the branch it takes (a real gate decision is up to the definition; the fixture follows it). */
  gate(passes: boolean): this {
    this.enter("Choice", STATE_NAMES.thresholdCheck).add("ChoiceStateExited", 5, {
      stateExitedEventDetails: { name: STATE_NAMES.thresholdCheck, output: JSON.stringify(this.data) },
    });
    if (passes) {
      this.enter("Pass", GATE.pass).add("PassStateExited", 5, {
        stateExitedEventDetails: { name: GATE.pass, output: JSON.stringify(this.data) },
      });
      return this.add("ExecutionSucceeded", 10, { executionSucceededEventDetails: { output: JSON.stringify(this.data) } });
    }
    this.enter("Fail", GATE.fail);
    return this.add("ExecutionFailed", 10, {
      executionFailedEventDetails: { error: GATE.error, cause: GATE.cause },
    });
  }
}

/**
 * The cause Step Functions records when a `.sync` training job fails: the job's whole
 * DescribeTrainingJob document (about 1.4 KB), with SageMaker's FailureReason near its end.
 */
export function failedTrainingJobCause(runId: string, failureReason: string): string {
  const name = executionInput(MODEL.name, "dev", runId).TrainingJobName;
  const at = (minutes: number) => new Date(T0 + minutes * MINUTE).getTime() / 1000;
  return JSON.stringify({
    AlgorithmSpecification: {
      EnableSageMakerMetricsTimeSeries: false,
      TrainingImage: `763104351884.dkr.ecr.us-east-1.amazonaws.com/${MODEL.images.training.repositoryName}:${MODEL.images.training.imageTag}`,
      TrainingInputMode: "File",
    },
    CreationTime: at(4),
    DebugHookConfig: {
      CollectionConfigurations: [],
      S3OutputPath: `s3://${resourceName("dev", "artifacts-111122223333")}/models`,
    },
    EnableInterContainerTrafficEncryption: false,
    EnableManagedSpotTraining: false,
    EnableNetworkIsolation: false,
    HyperParameters: {
      ...hyperparameterArguments("dev"),
      sagemaker_program: MODEL.scripts.training,
      sagemaker_submit_directory: `s3://${resourceName("dev", "artifacts-111122223333")}/code/sourcedir.tar.gz`,
    },
    InputDataConfig: [
      {
        ChannelName: "train",
        DataSource: {
          S3DataSource: {
            S3DataDistributionType: "FullyReplicated",
            S3DataType: "S3Prefix",
            S3Uri: `s3://${resourceName("dev", "artifacts-111122223333")}/runs/${runId}/training`,
          },
        },
      },
      {
        ChannelName: "test",
        DataSource: {
          S3DataSource: {
            S3DataDistributionType: "FullyReplicated",
            S3DataType: "S3Prefix",
            S3Uri: `s3://${resourceName("dev", "artifacts-111122223333")}/runs/${runId}/testing`,
          },
        },
      },
    ],
    LastModifiedTime: at(10),
    OutputDataConfig: {
      KmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/0f5e7c1a-1111-2222-3333-444455556666",
      S3OutputPath: `s3://${resourceName("dev", "artifacts-111122223333")}/models`,
    },
    ResourceConfig: { InstanceCount: 1, InstanceType: "ml.m5.xlarge", VolumeSizeInGB: 30 },
    RoleArn: `arn:aws:iam::111122223333:role/${resourceName("dev", "sagemaker-role")}`,
    SecondaryStatus: "Failed",
    SecondaryStatusTransitions: [
      { StartTime: at(4), EndTime: at(6), Status: "Starting", StatusMessage: "Preparing the instances for training" },
      {
        StartTime: at(6),
        EndTime: at(10),
        Status: "Training",
        StatusMessage: "Training image download completed. Training in progress.",
      },
      { StartTime: at(10), EndTime: at(10), Status: "Failed", StatusMessage: "Training job failed" },
    ],
    StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    TrainingEndTime: at(10),
    TrainingJobArn: `arn:aws:sagemaker:us-east-1:111122223333:training-job/${name.toLowerCase()}`,
    TrainingJobName: name,
    TrainingJobStatus: "Failed",
    TrainingStartTime: at(6),
    FailureReason: failureReason,
  });
}

export const succeededHistory = (runId: string, metric: number) =>
  new HistoryBuilder(runId).throughAnalysis(metric).gate(true).events;
export const thresholdFailedHistory = (runId: string, metric: number) =>
  new HistoryBuilder(runId).throughAnalysis(metric).gate(false).events;
export const trainingFailedHistory = (runId: string) =>
  new HistoryBuilder(runId)
    .task(STATE_NAMES.preprocess, 4 * MINUTE, "Preprocessing", { ProcessingJobStatus: "Completed" })
    .taskFailsAndIsCaught(
      STATE_NAMES.training,
      6 * MINUTE,
      "SageMaker.AmazonSageMakerException",
      "ClientError: Please ensure the training data has the label in the first column",
    ).events;

/**
 * Answers GetExecutionHistory like Step Functions: only events that happened by the clock's now,
 * at most `pageSize` per page (so one poll spans pages), oldest or newest first, with nextToken.
 */
export type SfnMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, SFNClientResolvedConfig>;

export function serveHistory(
  sfn: SfnMock,
  events: HistoryEvent[],
  clock: Clock,
  pageSize = 3,
): GetExecutionHistoryCommandInput[] {
  const requests: GetExecutionHistoryCommandInput[] = [];
  sfn.on(GetExecutionHistoryCommand).callsFake((input: GetExecutionHistoryCommandInput) => {
    // A copy: the SDK's paginator reuses one input object and sets its nextToken page after page.
    requests.push({ ...input });
    const visible = events.filter((e) => (e.timestamp as Date).getTime() <= clock.now());
    const ordered = input.reverseOrder ? [...visible].reverse() : visible;
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const size = Math.min(pageSize, input.maxResults ?? 100);
    const end = start + size;
    return { events: ordered.slice(start, end), nextToken: end < ordered.length ? String(end) : undefined };
  });
  return requests;
}
