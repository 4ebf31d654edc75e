/**
 * How an approved model reaches the endpoint: SageMaker's deployment guardrails (blue/green with
 * all-at-once or canary traffic shifting), rolled back by SageMaker when one of the endpoint's
 * alarms fires. The stack defines the alarms; the deploy command asks for the rollout.
 */
import type { DeploymentConfig } from "@aws-sdk/client-sagemaker";
import type { EnvironmentConfig } from "../environments/schema";
import { ResourceNames } from "./naming";

/** The endpoint's only production variant: all traffic goes to the newly approved model. */
export const ENDPOINT_VARIANT = "AllTraffic";

export type Rollout = EnvironmentConfig["rollout"];

/**
 * The endpoint metrics SageMaker watches during a rollout (and that page the alarm topic at any
 * time), each at or above its threshold for `evaluationPeriods` minutes.
 */
export const ENDPOINT_ALARMS = {
  "endpoint-invocation-errors": {
    metricName: "Invocation5XXErrors",
    statistic: "Sum",
    meaning: "the endpoint's model answered invocations with 5xx errors",
    // One 5xx answer in a minute: a model that fails requests is rolled back.
    threshold: () => 1,
    evaluationPeriods: 1,
  },
  "endpoint-model-latency": {
    metricName: "ModelLatency",
    statistic: "Average",
    meaning: "the endpoint's model took longer than endpointMaxLatencyMs on average",
    // ModelLatency is in microseconds; two slow minutes in a row.
    threshold: (maxLatencyMs: number) => maxLatencyMs * 1000,
    evaluationPeriods: 2,
  },
} as const;

/** The period of the endpoint alarms' metrics. */
export const ENDPOINT_ALARM_PERIOD_SECONDS = 60;

/**
 * How long the rollback alarms need to fire: their longest evaluation window. SageMaker watches them only
 * while a blue/green update bakes, so a rollout that rolls back must bake at least this long.
 */
export const ROLLBACK_ALARM_MINUTES =
  (Math.max(...Object.values(ENDPOINT_ALARMS).map((alarm) => alarm.evaluationPeriods)) * ENDPOINT_ALARM_PERIOD_SECONDS) / 60;

/** Names of the endpoint's rollback alarms, `<project>-<env>-endpoint-…`. */
export const endpointAlarmNames = (names: ResourceNames): string[] =>
  Object.keys(ENDPOINT_ALARMS).map((condition) => names.alarm(condition));

/** Whether SageMaker can roll the rollout back: only while it bakes (a 0-minute all-at-once bake does not). */
export const rollsBack = (rollout: Rollout): boolean => rollout.bakeMinutes > 0;

/**
 * UpdateEndpoint's DeploymentConfig for a rollout: blue/green, rolled back automatically on `alarmNames`
 * when it bakes (the schema makes any bake at least ROLLBACK_ALARM_MINUTES).
 */
export function deploymentConfig(rollout: Rollout, alarmNames: string[]): DeploymentConfig {
  const bakeSeconds = rollout.bakeMinutes * 60;
  const routing =
    rollout.kind === "canary"
      ? {
          Type: "CANARY" as const,
          CanarySize: { Type: "INSTANCE_COUNT" as const, Value: rollout.canaryInstances },
          WaitIntervalInSeconds: bakeSeconds,
        }
      : { Type: "ALL_AT_ONCE" as const, WaitIntervalInSeconds: 0 };
  return {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: routing,
      // The old fleet stays ready for a rollback while the alarms watch the new one.
      TerminationWaitInSeconds: bakeSeconds,
    },
    ...(rollsBack(rollout) ? { AutoRollbackConfiguration: { Alarms: alarmNames.map((AlarmName) => ({ AlarmName })) } } : {}),
  };
}

/** One line for logs: `canary of 1 instance(s) for 10 min, then all traffic; rolls back on <alarms>`, or that nothing rolls it back. */
export function describeRollout(rollout: Rollout, alarmNames: string[]): string {
  const shift =
    rollout.kind === "canary"
      ? `canary of ${rollout.canaryInstances} instance(s) for ${rollout.bakeMinutes} min, then all traffic`
      : "all traffic at once";
  if (!rollsBack(rollout)) {
    return `${shift}; no automatic rollback (rollout.bakeMinutes is 0: the alarms ${alarmNames.join(", ")} only notify)`;
  }
  const bake = rollout.kind === "all-at-once" ? `, old fleet kept ${rollout.bakeMinutes} min` : "";
  return `${shift}${bake}; rolls back on ${alarmNames.join(", ")}`;
}
