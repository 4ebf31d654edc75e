/**
 * Runs a rendered ML workflow definition on this machine with aws-local-stepfunctions: the real
 * definition (paths, intrinsic functions, retries, catches, the Choice), with stand-ins for SageMaker
 * and Lambda that answer the way those services do. Used by the tests and by the CLI's `simulate`.
 */
import { findThresholdGate } from "../asl";
import { MODEL } from "../../models";
import { ExecutionInput, executionInput } from "../../modules/workflow/execution-input";
import { StateMachineDefinition } from "../../modules/asl/types";
import { installPromiseWithResolvers } from "./promise-with-resolvers";

installPromiseWithResolvers();
// Loaded after the polyfill, which it needs on Node 20.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require("aws-local-stepfunctions") as typeof import("aws-local-stepfunctions");

type LocalOverrides = NonNullable<import("aws-local-stepfunctions").RunOptions["overrides"]>;

/** An event of the local execution (state entered/exited/failed/retried/caught, execution ended). */
export type SimulationEvent = {
  type: string;
  timestamp: number;
  state?: { name: string; type: string };
  Error?: string;
  Cause?: unknown;
};

/** What the analyze-results function receives. */
export interface AnalyzePayload {
  Bucket: string;
  Key: string;
}

/** A stand-in for one task: gets the task's rendered Parameters, returns what the service would. */
export type TaskHandler = (parameters: Record<string, unknown>, attempt: number) => Promise<unknown> | unknown;

export interface SimulationOptions {
  /** Run id; the execution is named after it (`$$.Execution.Name`). Default: `20240101000000`. */
  runId?: string;
  /** Environment whose per-run names the default input holds. Default: `dev`. */
  environment?: string;
  /** Execution input. Default: the per-run names of `runId` in `environment` (`executionInput`). */
  input?: ExecutionInput;
  /** The metric the stand-in analyze function returns. Default: a value that passes the definition's gate (`passingMetric`). */
  metric?: number;
  /** Replaces the stand-in analyze function, e.g. the real handler over a mocked S3. Its value is the Lambda's Payload. */
  analyze?: (payload: AnalyzePayload) => Promise<unknown>;
  /** A Task state that fails the way its service reports it (a job that ends Failed, a function that throws). Default: none. */
  failState?: string;
  /** A Task state whose first call is throttled by its service, then succeeds. Default: none. */
  throttleState?: string;
  /** Replaces the stand-in of an integration, e.g. `sagemaker:createProcessingJob.sync` (see `integrationOf`). Default: none. */
  handlers?: Partial<Record<string, TaskHandler>>;
  /** Called for every execution event, as it happens. */
  onEvent?: (event: SimulationEvent) => void;
  /** Region and account in the stand-ins' ARNs. Default: us-east-1, 123456789012. */
  region?: string;
  accountId?: string;
  /** Clock of the stand-ins' timestamps. Default: the system clock. */
  now?: () => Date;
}

/** One call of a task, as the service received it. */
export interface TaskCall {
  state: string;
  /** The task's Parameters after paths and intrinsic functions were evaluated. */
  parameters: Record<string, unknown>;
  /** 1 for the first call, 2 for the first retry, ... */
  attempt: number;
}

export interface SimulationResult {
  status: "SUCCEEDED" | "FAILED";
  /** The state the execution ended in. */
  endState: string;
  /** Every state entered, in order (retries do not repeat a state). */
  path: string[];
  /** The execution's output, when it succeeded. */
  output?: unknown;
  /** Error name and cause, when it failed. */
  error?: string;
  cause?: string;
  /** Every task call, in order, including throttled and failed ones. */
  calls: TaskCall[];
  /** Every event, in order. */
  events: SimulationEvent[];
}

/** A metric that passes a gate: half a lower-is-better threshold; halfway to 1 (a perfect score) above a higher-is-better one below 1, else twice it. */
export function passingMetric(definition: StateMachineDefinition): number {
  const gate = findThresholdGate(definition);
  if (!gate) return 1;
  if (gate.direction === "lower") return gate.threshold / 2;
  return gate.threshold < 1 ? (gate.threshold + 1) / 2 : gate.threshold * 2;
}
export const DEFAULT_RUN_ID = "20240101000000";

/** Errors the stand-ins raise, named as Step Functions names them. */
export const SIMULATED_ERRORS = {
  sageMakerThrottled: {
    name: "SageMaker.AmazonSageMakerException",
    message: "Rate exceeded (Service: AmazonSageMaker; Status Code: 400; Error Code: ThrottlingException)",
  },
  /** Through the AWS SDK integration, SageMaker's throttling is named after the SDK's generic exception. */
  sageMakerSdkThrottled: {
    name: "SageMaker.SageMakerException",
    message: "Rate exceeded (Service: SageMaker, Status Code: 400, Error Code: ThrottlingException)",
  },
  lambdaThrottled: { name: "Lambda.TooManyRequestsException", message: "Rate Exceeded. (Service: Lambda, Status Code: 429)" },
  jobFailed: { name: "States.TaskFailed" },
  functionFailed: { name: "Error" },
} as const;

/** Runs the definition locally and reports the path it took and what each task received. */
export async function simulateWorkflow(
  definition: StateMachineDefinition,
  options: SimulationOptions = {},
): Promise<SimulationResult> {
  const runId = options.runId ?? DEFAULT_RUN_ID;
  const input = options.input ?? executionInput(MODEL.name, options.environment ?? "dev", runId);
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "123456789012";
  const now = options.now ?? (() => new Date());
  const standIns = standInHandlers({
    region,
    accountId,
    now,
    metric: options.metric ?? passingMetric(definition),
    analyze: options.analyze,
  });

  const calls: TaskCall[] = [];
  const attempts = new Map<string, number>();
  const taskResourceLocalHandlers: NonNullable<LocalOverrides["taskResourceLocalHandlers"]> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [state, { Type, ...fields }] of Object.entries(definition.States)) {
    if (Type !== "Task") continue;
    const integration = integrationOf((fields as { Resource: string }).Resource);
    const standIn = options.handlers?.[integration] ?? standIns[integration];
    if (!standIn)
      throw new Error(
        `simulateWorkflow: no stand-in for ${JSON.stringify(integration)} (state ${JSON.stringify(state)}); stand-ins: ${Object.keys(standIns).join(", ")}`,
      );
    retryIntervalOverrides[state] = 0; // retry at once: the backoff is AWS's business, not the simulation's
    taskResourceLocalHandlers[state] = async (input) => {
      const parameters = input as Record<string, unknown>;
      const attempt = (attempts.get(state) ?? 0) + 1;
      attempts.set(state, attempt);
      calls.push({ state, parameters, attempt });
      const lambda = integration.startsWith("lambda:");
      if (options.throttleState === state && attempt === 1)
        throw namedError(
          lambda
            ? SIMULATED_ERRORS.lambdaThrottled
            : integration.startsWith("aws-sdk:")
              ? SIMULATED_ERRORS.sageMakerSdkThrottled
              : SIMULATED_ERRORS.sageMakerThrottled,
        );
      if (options.failState === state) throw simulatedFailure(state, lambda, parameters);
      return (await standIn(parameters, attempt)) as never;
    };
  }

  const machine = localStateMachine(definition);
  const startTime = now().toISOString();
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers, retryIntervalOverrides },
    context: {
      Execution: {
        Id: `arn:aws:states:${region}:${accountId}:execution:ml-workflow:${runId}`,
        Name: runId,
        Input: input as never,
        StartTime: startTime,
      },
    },
  });

  const events: SimulationEvent[] = [];
  const path: string[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs as AsyncGenerator<SimulationEvent>) {
      events.push(event);
      if (event.type === "StateEntered" && event.state) path.push(event.state.name);
      options.onEvent?.(event);
    }
  })();

  let output: unknown;
  let failure: { error?: string; cause?: string } | undefined;
  try {
    output = await execution.result;
  } catch {
    failure = {}; // the error name and cause are in the ExecutionFailed event
  }
  await collecting;
  if (failure) {
    const failed = events.find((e) => e.type === "ExecutionFailed");
    failure = { error: failed?.Error, cause: typeof failed?.Cause === "string" ? failed.Cause : JSON.stringify(failed?.Cause) };
  }
  return {
    status: failure ? "FAILED" : "SUCCEEDED",
    endState: path[path.length - 1],
    path,
    ...(failure ? failure : { output }),
    calls,
    events,
  };
}

// Validating a definition takes most of a second (the schema is compiled each time); runs of one
// definition are independent, so each distinct definition is validated and built once.
const machines = new Map<string, InstanceType<typeof StateMachine>>();
function localStateMachine(definition: StateMachineDefinition): InstanceType<typeof StateMachine> {
  const key = JSON.stringify(definition);
  let machine = machines.get(key);
  if (!machine) {
    machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
    machines.set(key, machine);
  }
  return machine;
}

interface StandInContext {
  region: string;
  accountId: string;
  now: () => Date;
  metric: number;
  analyze?: (payload: AnalyzePayload) => Promise<unknown>;
}

/** A task resource ARN without its partition, e.g. `sagemaker:createTrainingJob.sync`: what a stand-in answers for. */
export function integrationOf(resourceArn: string): string {
  return resourceArn.replace(/^arn:[\w-]+:states:::/, "");
}

/** SageMaker and Lambda stand-ins, by the integration they answer for: each answers with the fields the real service returns. */
export function standInHandlers(context: StandInContext): Record<string, TaskHandler> {
  const arn = (type: string, name: unknown) =>
    `arn:aws:sagemaker:${context.region}:${context.accountId}:${type}/${String(name).toLowerCase()}`;
  const processingJob = (parameters: Record<string, unknown>) => {
    const started = context.now();
    return {
      ...parameters,
      ProcessingJobArn: arn("processing-job", parameters.ProcessingJobName),
      ProcessingJobStatus: "Completed",
      CreationTime: started.toISOString(),
      ProcessingStartTime: started.toISOString(),
      ProcessingEndTime: context.now().toISOString(),
      LastModifiedTime: context.now().toISOString(),
    };
  };
  return {
    "sagemaker:createProcessingJob.sync": processingJob,
    "sagemaker:createTrainingJob.sync": (parameters) => {
      const output = parameters.OutputDataConfig as { S3OutputPath: string };
      return {
        ...parameters,
        TrainingJobArn: arn("training-job", parameters.TrainingJobName),
        TrainingJobStatus: "Completed",
        SecondaryStatus: "Completed",
        // Where SageMaker puts a training job's model: <S3OutputPath>/<TrainingJobName>/output/model.tar.gz.
        ModelArtifacts: {
          S3ModelArtifacts: `${output.S3OutputPath.replace(/\/$/, "")}/${parameters.TrainingJobName}/output/model.tar.gz`,
        },
        CreationTime: context.now().toISOString(),
        TrainingEndTime: context.now().toISOString(),
      };
    },
    "sagemaker:createModel": (parameters) => ({ ModelArn: arn("model", parameters.ModelName) }),
    // The first version of its group, as SageMaker numbers them.
    "aws-sdk:sagemaker:createModelPackage": (parameters) => ({
      ModelPackageArn: arn("model-package", `${String(parameters.ModelPackageGroupName)}/1`),
    }),
    "lambda:invoke": async (parameters) => {
      const payload = parameters.Payload as AnalyzePayload;
      const result = context.analyze ? await context.analyze(payload) : { statusCode: 200, Result: context.metric };
      return { ExecutedVersion: "$LATEST", Payload: result, StatusCode: 200 };
    },
  } satisfies Record<string, TaskHandler>;
}

function simulatedFailure(state: string, lambda: boolean, parameters: Record<string, unknown>): Error {
  if (lambda) {
    return namedError({
      name: SIMULATED_ERRORS.functionFailed.name,
      message: "analyze-results: evaluation.json has no Predictions array",
    });
  }
  const name =
    parameters.TrainingJobName ?? parameters.ProcessingJobName ?? parameters.ModelName ?? parameters.ModelPackageGroupName;
  return namedError({
    name: SIMULATED_ERRORS.jobFailed.name,
    message: `${state}: ${String(name)} ended with status Failed (simulated)`,
  });
}

function namedError({ name, message }: { name: string; message: string }): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
