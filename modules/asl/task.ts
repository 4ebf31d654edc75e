import { PolicyStatement } from "../iam/policy";
import { AwsScope, IntegrationPattern, sageMakerNamePrefixArns, scopedArn } from "./arn";
import { Payload, renderPayload } from "./json-path";
import { Catcher, Retrier, TaskState } from "./types";

/** What every task builder accepts besides its service's own parameters. */
export interface TaskStateProps {
  /** State to go to when the task succeeds. Default: none, the task ends the execution (`End: true`). */
  next?: string;
  /** One-line description shown in the console. Default: none. */
  comment?: string;
  /** Retriers, tried in order. Default: none. */
  retry?: Retrier[];
  /** Catchers, tried in order after the retriers give up. Default: none (an error fails the execution). */
  catch?: Catcher[];
  /** Picks fields of the raw result, e.g. `{ ModelArn: JsonPath.at("$.ModelArn") }`. Default: the whole result. */
  resultSelector?: Payload;
  /** Where the (selected) result goes in the state's input. Default (AWS): `$`, replacing the input. */
  resultPath?: string | null;
  /** Seconds before the task times out with `States.Timeout`. Default (AWS): none for `.sync`, 60 s otherwise. */
  timeoutSeconds?: number;
}

/** A rendered task and the IAM statements the state machine's role needs to run it. */
export interface TaskBuilder {
  /** The state's name in the definition. */
  readonly stateName: string;
  /** The Task state, ready to put in a definition (`sequence` sets where it goes next). */
  readonly state: TaskState;
  /** Least-privilege statements this task needs (AWS's Step Functions IAM policy templates). */
  readonly policyStatements: PolicyStatement[];
}

/** Assembles a Task state from its resource, its parameters and the common props. */
export function taskState(resource: string, parameters: Payload, props: TaskStateProps, where: string): TaskState {
  if (props.timeoutSeconds !== undefined && !(Number.isInteger(props.timeoutSeconds) && props.timeoutSeconds >= 1)) {
    throw new Error(`${where}: timeoutSeconds must be an integer >= 1 (got ${props.timeoutSeconds})`);
  }
  for (const retrier of props.retry ?? []) validateRetrier(retrier, where);
  const state: TaskState = {
    Type: "Task",
    ...(props.comment ? { Comment: props.comment } : {}),
    Resource: resource,
    Parameters: renderPayload(parameters, `${where}.Parameters`),
    ...(props.resultSelector ? { ResultSelector: renderPayload(props.resultSelector, `${where}.ResultSelector`) } : {}),
    ...(props.resultPath !== undefined ? { ResultPath: props.resultPath } : {}),
    ...(props.timeoutSeconds !== undefined ? { TimeoutSeconds: props.timeoutSeconds } : {}),
    ...(props.retry?.length ? { Retry: props.retry } : {}),
    ...(props.catch?.length ? { Catch: props.catch } : {}),
  };
  return props.next ? { ...state, Next: props.next } : { ...state, End: true };
}

function validateRetrier(retrier: Retrier, where: string): void {
  const errors = retrier.ErrorEquals.join(", ");
  if (retrier.ErrorEquals.length === 0) throw new Error(`${where}: a retrier must name at least one error`);
  if (retrier.MaxAttempts !== undefined && !(Number.isInteger(retrier.MaxAttempts) && retrier.MaxAttempts >= 0)) {
    throw new Error(`${where}: retrier for ${errors}: MaxAttempts must be an integer >= 0 (got ${retrier.MaxAttempts})`);
  }
  if (retrier.BackoffRate !== undefined && !(retrier.BackoffRate >= 1)) {
    throw new Error(`${where}: retrier for ${errors}: BackoffRate must be >= 1 (got ${retrier.BackoffRate})`);
  }
  if (
    retrier.MaxDelaySeconds !== undefined &&
    retrier.IntervalSeconds !== undefined &&
    retrier.MaxDelaySeconds < retrier.IntervalSeconds
  ) {
    throw new Error(
      `${where}: retrier for ${errors}: MaxDelaySeconds must be >= IntervalSeconds (got ${retrier.MaxDelaySeconds} < ${retrier.IntervalSeconds})`,
    );
  }
}

/** Tags as the SageMaker API takes them: `[{Key, Value}]`; undefined when there are none. */
export function sageMakerTags(tags: Record<string, string> | undefined): Array<{ Key: string; Value: string }> | undefined {
  const entries = Object.entries(tags ?? {});
  return entries.length ? entries.map(([Key, Value]) => ({ Key, Value })) : undefined;
}

/** `iam:PassRole` on exactly one role, and only to SageMaker. */
export function passRoleToSageMaker(roleArn: string): PolicyStatement {
  return {
    actions: ["iam:PassRole"],
    resources: [roleArn],
    conditions: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
  };
}

/**
 * Conditions that every tag of `tags` is in the request (`RequestTag`: creating and tagging) or on
 * the resource (`ResourceTag`: describing, stopping, reading), so a task creates only what carries
 * its tags (the environment's) and touches nothing of another environment; undefined without tags.
 */
export function tagConditions(
  where: "RequestTag" | "ResourceTag",
  tags: Record<string, string> | undefined,
): PolicyStatement["conditions"] {
  const entries = Object.entries(tags ?? {});
  return entries.length
    ? { StringEquals: Object.fromEntries(entries.map(([key, value]) => [`aws:${where}/${key}`, value])) }
    : undefined;
}

/** A statement with the conditions left out when there are none. */
function withConditions(statement: PolicyStatement, conditions: PolicyStatement["conditions"]): PolicyStatement {
  return conditions ? { ...statement, conditions } : statement;
}

/**
 * What a SageMaker job task needs (AWS's policy templates): create the job (and add its tags) on job
 * names with the prefix only and only with the task's tags; for `.sync`, describe and stop it and
 * manage the EventBridge rule Step Functions follows it with; list its tags (the templates' ListTags);
 * pass the execution role to SageMaker. Describe, stop and list only what carries the task's tags.
 */
export function sageMakerJobStatements(props: {
  scope: AwsScope;
  job: "ProcessingJob" | "TrainingJob";
  jobNamePrefix: string;
  pattern: IntegrationPattern;
  tags: Record<string, string> | undefined;
  roleArn: string;
}): PolicyStatement[] {
  const { job, pattern } = props;
  const createActions = [`sagemaker:Create${job}`];
  if (props.tags && Object.keys(props.tags).length) createActions.push("sagemaker:AddTags");
  const followActions = [
    ...(pattern === "RUN_JOB" ? [`sagemaker:Describe${job}`, `sagemaker:Stop${job}`] : []),
    "sagemaker:ListTags",
  ];
  const resourceType = job === "ProcessingJob" ? "processing-job" : "training-job";
  const resources = sageMakerNamePrefixArns(props.scope, resourceType, props.jobNamePrefix);
  const create = withConditions({ actions: createActions, resources }, tagConditions("RequestTag", props.tags));
  const follow = withConditions({ actions: followActions, resources }, tagConditions("ResourceTag", props.tags));
  return [
    // Without tags there is nothing to tell the two apart: one statement, as AWS's templates have it.
    ...(create.conditions ? [create, follow] : [{ actions: [...createActions, ...followActions], resources }]),
    ...(pattern === "RUN_JOB"
      ? [
          {
            // `.sync` follows the job through a managed EventBridge rule.
            actions: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
            resources: [scopedArn(props.scope, "events", `rule/StepFunctionsGetEventsForSageMaker${job}sRule`)],
          },
        ]
      : []),
    passRoleToSageMaker(props.roleArn),
  ];
}
