import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { Construct } from "constructs";
import { AwsTarget } from "../iam/aws-target";
import { ServiceRole } from "../iam/service-role";
import { ResourceNames } from "../naming";

export interface RawDataTriggerProps {
  names: ResourceNames;
  target: AwsTarget;
  /** The artifact bucket the raw dataset is uploaded to. */
  bucketName: string;
  /** The pipeline to start. */
  pipelineArn: string;
  /** The raw dataset's key (`modelLayout(model).rawData`). */
  rawDataKey: string;
}

/**
 * Retrains on new data: a new raw dataset object (`<model>_data/raw/<dataset file>`) starts the
 * release pipeline, which trains, gates and (after any approval) deploys as for a commit.
 */
export class RawDataTrigger extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly role: ServiceRole;

  constructor(scope: Construct, id: string, { names, target, bucketName, pipelineArn, rawDataKey }: RawDataTriggerProps) {
    super(scope, id);
    // The bucket sends its object events to EventBridge (free for AWS service events on the default bus).
    new S3BucketNotification(this, "to-eventbridge", { bucket: bucketName, eventbridge: true });
    this.role = new ServiceRole(this, "role", {
      name: names.role("raw-data-trigger"),
      description: `Starts ${names.pipeline} when a new raw dataset lands`,
      servicePrincipal: "events.amazonaws.com",
      sourceAccount: target.accountId,
      statements: [{ sid: "StartThePipeline", actions: ["codepipeline:StartPipelineExecution"], resources: [pipelineArn] }],
    });
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: names.resource("raw-data-landed"),
      description: `A new s3://<artifact bucket>/${rawDataKey} starts ${names.pipeline}`,
      eventPattern: JSON.stringify({
        source: ["aws.s3"],
        "detail-type": ["Object Created"],
        detail: { bucket: { name: [bucketName] }, object: { key: [rawDataKey] } },
      }),
    });
    new CloudwatchEventTarget(this, "target", { rule: this.rule.name, arn: pipelineArn, roleArn: this.role.arn });
  }
}
