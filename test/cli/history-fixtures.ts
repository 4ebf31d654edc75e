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
import { STATE_NAMES, THRESHOLD_EXCEEDED } from "../../modules/workflow/ml-workflow";
import { executionInput } from "../../modules/workflow/execution-input";
import { Clock } from "../../cli/deps";
import { T0 } from "./fake-deps";

const MINUTE = 60_000;

/** Appends events the way Step Functions records them: ids in order, each after the previous. */
export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  private t: number;
  private data: Record<string, unknown>;

  constructor(runId: string, start = T0) {
    this.t = start;
    this.data = { ...executionInput(runId) };
    this.add("ExecutionStarted", 0, { executionStartedEventDetails: { input: JSON.stringify(this.data) } });
  }

  private add(type: string, afterMs: number, details: Partial<HistoryEvent> = {}): this {
    this.t += afterMs;
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: id - 1, timestamp: new Date(this.t), type: type as HistoryEvent["type"], ...details });
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
    this.add("TaskFailed", durationMs, { taskFailedEventDetails: { resourceType: "sagemaker", resource: "createTrainingJob.sync", error, cause } });
    this.data = { ...this.data, Failure: { Error: error, Cause: cause } };
    this.enter("Fail", STATE_NAMES.failed);
    // `ML Workflow Failed` reports what the catcher kept at $.Failure.
    return this.add("ExecutionFailed", 10, { executionFailedEventDetails: { error, cause } });
  }

  /** The four SageMaker tasks and the analyze step, returning `rmse`. */
  throughAnalysis(rmse: number): this {
    return this.task(STATE_NAMES.preprocess, 4 * MINUTE, "Preprocessing", { ProcessingJobStatus: "Completed" })
      .task(STATE_NAMES.training, 8 * MINUTE, "Training", { S3ModelArtifacts: "s3://bucket/run/model.tar.gz" })
      .task(STATE_NAMES.registerModel, 2000, "Model", { ModelArn: "arn:aws:sagemaker:us-east-1:111122223333:model/abalone-run" })
      .task(STATE_NAMES.evaluation, 3 * MINUTE, "EvaluationJob", { ProcessingJobStatus: "Completed" })
      .task(STATE_NAMES.analyze, 1500, "Analysis", { Result: rmse });
  }

  /** The threshold gate and the branch it takes (a real gate decision is up to the definition; the fixture follows it). */
  gate(belowThreshold: boolean): this {
    this.enter("Choice", STATE_NAMES.thresholdCheck).add("ChoiceStateExited", 5, { stateExitedEventDetails: { name: STATE_NAMES.thresholdCheck, output: JSON.stringify(this.data) } });
    if (belowThreshold) {
      this.enter("Pass", STATE_NAMES.belowThreshold).add("PassStateExited", 5, { stateExitedEventDetails: { name: STATE_NAMES.belowThreshold, output: JSON.stringify(this.data) } });
      return this.add("ExecutionSucceeded", 10, { executionSucceededEventDetails: { output: JSON.stringify(this.data) } });
    }
    this.enter("Fail", STATE_NAMES.exceedsThreshold);
    return this.add("ExecutionFailed", 10, { executionFailedEventDetails: { error: THRESHOLD_EXCEEDED.error, cause: THRESHOLD_EXCEEDED.cause } });
  }
}

export const succeededHistory = (runId: string, rmse: number) => new HistoryBuilder(runId).throughAnalysis(rmse).gate(true).events;
export const thresholdFailedHistory = (runId: string, rmse: number) => new HistoryBuilder(runId).throughAnalysis(rmse).gate(false).events;
export const trainingFailedHistory = (runId: string) =>
  new HistoryBuilder(runId)
    .task(STATE_NAMES.preprocess, 4 * MINUTE, "Preprocessing", { ProcessingJobStatus: "Completed" })
    .taskFailsAndIsCaught(STATE_NAMES.training, 6 * MINUTE, "SageMaker.AmazonSageMakerException", "ClientError: Please ensure the training data has the label in the first column").events;

/**
 * Answers GetExecutionHistory like Step Functions: only events that happened by the clock's now,
 * at most `pageSize` per page (so one poll spans pages), oldest or newest first, with nextToken.
 */
export type SfnMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, SFNClientResolvedConfig>;

export function serveHistory(sfn: SfnMock, events: HistoryEvent[], clock: Clock, pageSize = 3): GetExecutionHistoryCommandInput[] {
  const requests: GetExecutionHistoryCommandInput[] = [];
  sfn.on(GetExecutionHistoryCommand).callsFake((input: GetExecutionHistoryCommandInput) => {
    requests.push(input);
    const visible = events.filter((e) => (e.timestamp as Date).getTime() <= clock.now());
    const ordered = input.reverseOrder ? [...visible].reverse() : visible;
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const size = Math.min(pageSize, input.maxResults ?? 100);
    const end = start + size;
    return { events: ordered.slice(start, end), nextToken: end < ordered.length ? String(end) : undefined };
  });
  return requests;
}
