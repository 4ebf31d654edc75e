import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { scopedArn } from "../asl/arn";
import { AwsTarget } from "../iam/aws-target";
import { policyDocument } from "../iam/policy";
import { ProjectKey } from "../kms-key";
import { ENDPOINT_ALARM_PERIOD_SECONDS, ENDPOINT_ALARMS, ENDPOINT_VARIANT } from "../endpoint-release";
import { ResourceNames } from "../naming";

/** The state machine metrics that page someone, with what each means. */
export const WORKFLOW_ALARMS = {
  ExecutionsFailed: {
    condition: "workflow-executions-failed",
    meaning: "a workflow execution failed (a task failed, or the model's metric did not pass the threshold)",
  },
  ExecutionsTimedOut: { condition: "workflow-executions-timed-out", meaning: "a workflow execution timed out" },
} as const;

/** The EventBridge event CodePipeline sends when an execution ends (it has no failure metric). */
export const PIPELINE_FAILED_PATTERN = (pipelineName: string) => ({
  source: ["aws.codepipeline"],
  "detail-type": ["CodePipeline Pipeline Execution State Change"],
  detail: { pipeline: [pipelineName], state: ["FAILED"] },
});

/** The alarm topic's ARN, built from its name: the key policy and the approval name it without a dependency cycle. */
export const alarmTopicArn = (target: AwsTarget, names: ResourceNames): string => scopedArn(target, "sns", names.alarmTopic);

export interface ReleaseAlarmsProps {
  names: ResourceNames;
  target: AwsTarget;
  /** The environment's key: encrypts the topic; CloudWatch and EventBridge are let in for this topic only. */
  key: ProjectKey;
  /** The ML workflow state machine whose executions are watched. */
  stateMachineArn: string;
  /** The release pipeline whose failed executions are reported. */
  pipelineName: string;
  /** Address subscribed to the topic (it must confirm the subscription). Default: none. */
  email?: string;
  /** The endpoint latency alarm's threshold: average model latency in milliseconds. */
  endpointMaxLatencyMs: number;
}

/**
 * Alarms of one environment, to one KMS-encrypted SNS topic: CloudWatch alarms on the workflow's
 * failed and timed-out executions and on the endpoint's errors and latency (the alarms SageMaker
 * rolls a deployment back on), and an EventBridge rule for failed pipeline executions.
 */
export class ReleaseAlarms extends Construct {
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[];
  /** The endpoint's rollback alarms (errors, latency). */
  readonly endpointAlarms: CloudwatchMetricAlarm[];
  readonly pipelineFailedRule: CloudwatchEventRule;
  readonly subscription?: SnsTopicSubscription;
  /** Topic ARN (a Terraform reference). */
  readonly topicArn: string;

  constructor(scope: Construct, id: string, props: ReleaseAlarmsProps) {
    super(scope, id);
    const { names, target } = props;
    const topicArn = alarmTopicArn(target, names);
    const conditions = [...Object.values(WORKFLOW_ALARMS).map(({ condition }) => condition), ...Object.keys(ENDPOINT_ALARMS)];
    const alarmArns = conditions.map((condition) => scopedArn(target, "cloudwatch", `alarm:${names.alarm(condition)}`));

    this.topic = new SnsTopic(this, "topic", {
      name: names.alarmTopic,
      displayName: `${names.prefix} alarms`,
      kmsMasterKeyId: props.key.arn,
    });
    this.topicArn = this.topic.arn;

    // SNS encrypts with the publisher's rights: the two publishing services may use the key for this topic only.
    props.key.addToKeyPolicy({
      sid: "AlarmSourcesPublishToTheEncryptedAlarmTopic",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: ["*"],
      principals: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
      conditions: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": topicArn } },
    });

    this.alarms = Object.entries(WORKFLOW_ALARMS).map(
      ([metric, { condition, meaning }]) =>
        new CloudwatchMetricAlarm(this, condition, {
          alarmName: names.alarm(condition),
          alarmDescription: `${names.stateMachine}: ${meaning}. See the execution's failing state with 'npm run workflow -- list --env ${names.environment} --status FAILED'.`,
          namespace: "AWS/States",
          metricName: metric,
          dimensions: { StateMachineArn: props.stateMachineArn },
          statistic: "Sum",
          period: 300,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          // No executions means nothing went wrong.
          treatMissingData: "notBreaching",
          alarmActions: [this.topic.arn],
        }),
    );

    this.endpointAlarms = Object.entries(ENDPOINT_ALARMS).map(
      ([condition, { metricName, statistic, meaning, threshold, evaluationPeriods }]) =>
        new CloudwatchMetricAlarm(this, condition, {
          alarmName: names.alarm(condition),
          alarmDescription: `${names.endpoint}: ${meaning}. During a deployment SageMaker rolls the update back when this alarm fires.`,
          namespace: "AWS/SageMaker",
          metricName,
          dimensions: { EndpointName: names.endpoint, VariantName: ENDPOINT_VARIANT },
          statistic,
          period: ENDPOINT_ALARM_PERIOD_SECONDS,
          threshold: threshold(props.endpointMaxLatencyMs),
          evaluationPeriods,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          // No invocations (or no endpoint yet) means nothing went wrong.
          treatMissingData: "notBreaching",
          alarmActions: [this.topic.arn],
        }),
    );

    this.pipelineFailedRule = new CloudwatchEventRule(this, "pipeline-failed", {
      name: names.alarm("pipeline-failed"),
      description: `A ${props.pipelineName} execution failed`,
      eventPattern: JSON.stringify(PIPELINE_FAILED_PATTERN(props.pipelineName)),
    });
    new CloudwatchEventTarget(this, "pipeline-failed-target", {
      rule: this.pipelineFailedRule.name,
      arn: this.topic.arn,
      inputTransformer: {
        inputPaths: { pipeline: "$.detail.pipeline", execution: "$.detail.execution-id", time: "$.time" },
        inputTemplate: JSON.stringify(
          `Release pipeline <pipeline> execution <execution> FAILED at <time>: https://${target.region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/<pipeline>/executions/<execution>/timeline?region=${target.region}`,
        ),
      },
    });

    new SnsTopicPolicy(this, "topic-policy", {
      arn: this.topic.arn,
      policy: policyDocument([
        {
          sid: "ThisEnvironmentsAlarmsPublish",
          actions: ["sns:Publish"],
          resources: [topicArn],
          principals: { Service: "cloudwatch.amazonaws.com" },
          conditions: { ArnLike: { "aws:SourceArn": alarmArns } },
        },
        {
          sid: "ThePipelineFailureRulePublishes",
          actions: ["sns:Publish"],
          resources: [topicArn],
          principals: { Service: "events.amazonaws.com" },
          conditions: { ArnEquals: { "aws:SourceArn": this.pipelineFailedRule.arn } },
        },
      ]),
    });

    if (props.email) {
      this.subscription = new SnsTopicSubscription(this, "email", {
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: props.email,
      });
    }
  }
}
