import { HistoryEvent, SFNClient } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { followHistory, SfnHistoryTranslator } from "../../cli/sfn-history";
import { WorkflowProgress } from "../../cli/workflow-events";
import { fakeDeps, T0 } from "./fake-deps";
import { serveHistory, succeededHistory } from "./history-fixtures";

const sfn = mockClient(SFNClient);
const ARN = "arn:aws:states:us-east-1:111122223333:execution:abalone-dev-ml-workflow:r1";

beforeEach(() => sfn.reset());

describe("followHistory", () => {
  it.each([1, 2, 5, 1000])("yields every event exactly once, in order, with pages of %i events", async (pageSize) => {
    const events = succeededHistory("r1", 2.0);
    const deps = fakeDeps();
    const requests = serveHistory(sfn, events, deps.clock, pageSize);
    const seen: number[] = [];
    for await (const event of followHistory(new SFNClient({ region: "us-east-1" }), ARN, { clock: deps.clock, pollMs: 20_000 }))
      seen.push(event.id!);
    expect(seen).toEqual(events.map((e) => e.id));
    // Each poll reads only pages with new events (plus the one reaching back to an event already seen).
    const polls = requests.filter((r) => !r.nextToken).length;
    expect(requests.length).toBeLessThanOrEqual(polls + Math.ceil(events.length / pageSize) + polls);
  });

  it("stops at the closing event without sleeping again", async () => {
    const events = succeededHistory("r1", 2.0);
    const deps = fakeDeps({ now: T0 + 24 * 3600_000 });
    serveHistory(sfn, events, deps.clock);
    let count = 0;
    for await (const _ of followHistory(new SFNClient({ region: "us-east-1" }), ARN, { clock: deps.clock, pollMs: 5000 }))
      count++;
    expect(count).toBe(events.length);
    expect(deps.slept()).toBe(0);
  });
});

describe("SfnHistoryTranslator", () => {
  const at = (seconds: number) => new Date(T0 + seconds * 1000);
  const fold = (events: HistoryEvent[]) => {
    const translator = new SfnHistoryTranslator();
    const progress = new WorkflowProgress();
    events.flatMap((e) => translator.translate(e)).forEach((e) => progress.apply(e));
    return progress;
  };

  it("shows a task that failed, was retried and then succeeded as succeeded", () => {
    const progress = fold([
      { id: 1, type: "ExecutionStarted", timestamp: at(0) },
      { id: 2, type: "TaskStateEntered", timestamp: at(1), stateEnteredEventDetails: { name: "Model Training" } },
      { id: 3, type: "TaskScheduled", timestamp: at(1) } as HistoryEvent,
      {
        id: 4,
        type: "TaskFailed",
        timestamp: at(2),
        taskFailedEventDetails: {
          resourceType: "sagemaker",
          resource: "createTrainingJob.sync",
          error: "SageMaker.AmazonSageMakerException",
          cause: "Rate exceeded",
        },
      },
      { id: 5, type: "TaskScheduled", timestamp: at(7) } as HistoryEvent,
      { id: 6, type: "TaskSucceeded", timestamp: at(60) } as HistoryEvent,
      { id: 7, type: "TaskStateExited", timestamp: at(60), stateExitedEventDetails: { name: "Model Training", output: "{}" } },
    ]);
    expect(progress.states).toEqual([
      expect.objectContaining({
        name: "Model Training",
        status: "succeeded",
        enteredAt: at(1).getTime(),
        endedAt: at(60).getTime(),
      }),
    ]);
  });

  it("keeps a caught task failure as the failure even when an exit event follows", () => {
    const progress = fold([
      { id: 1, type: "TaskStateEntered", timestamp: at(0), stateEnteredEventDetails: { name: "Model Evaluation" } },
      {
        id: 2,
        type: "TaskFailed",
        timestamp: at(5),
        taskFailedEventDetails: {
          resourceType: "sagemaker",
          resource: "createProcessingJob.sync",
          error: "States.TaskFailed",
          cause: "AlgorithmError",
        },
      },
      { id: 3, type: "TaskStateExited", timestamp: at(5), stateExitedEventDetails: { name: "Model Evaluation" } },
      { id: 4, type: "FailStateEntered", timestamp: at(5), stateEnteredEventDetails: { name: "ML Workflow Failed" } },
      {
        id: 5,
        type: "ExecutionFailed",
        timestamp: at(5),
        executionFailedEventDetails: { error: "MLWorkflowFailed", cause: "SageMakerProcessingJobFailed" },
      },
    ]);
    expect(progress.firstFailure).toMatchObject({
      name: "Model Evaluation",
      error: "States.TaskFailed",
      cause: "AlgorithmError",
    });
    expect(progress.latest("ML Workflow Failed")).toMatchObject({ status: "failed", error: "MLWorkflowFailed" });
    expect(progress.status).toBe("FAILED");
  });

  it("marks the running state failed when the execution is aborted", () => {
    const progress = fold([
      { id: 1, type: "TaskStateEntered", timestamp: at(0), stateEnteredEventDetails: { name: "Model Training" } },
      {
        id: 2,
        type: "ExecutionAborted",
        timestamp: at(30),
        executionAbortedEventDetails: { cause: "stopped with the workflow CLI" },
      },
    ]);
    expect(progress.status).toBe("ABORTED");
    expect(progress.latest("Model Training")).toMatchObject({ status: "failed", cause: "stopped with the workflow CLI" });
  });
});
