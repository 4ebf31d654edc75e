import { PolicyStatement } from "../iam/policy";
import { AwsScope, integrationArn, sageMakerNamePrefixArns } from "./arn";
import { JsonPath, Payload } from "./json-path";
import { passRoleToSageMaker, sageMakerTags, tagConditions, TaskBuilder, taskState, TaskStateProps } from "./task";
import { TaskState } from "./types";
import { requireNameWithinPrefix, requireNotEmpty, requireSageMakerNamePrefix, requireS3Uri } from "./validation";

export interface SageMakerCreateModelProps extends TaskStateProps {
  /** Partition, region and account of the model. */
  scope: AwsScope;
  /** Model name: unique per account and region, so usually read from the execution input. */
  modelName: string | JsonPath;
  /** Every name this task may use starts with it; the IAM statements are scoped to it. */
  modelNamePrefix: string;
  /** Role SageMaker assumes to pull the image and read the model data (the only role this task may pass). */
  executionRoleArn: string;
  /** Inference image URI. */
  image: string;
  /** `s3://.../model.tar.gz`, usually read from the training job's result. */
  modelDataUrl: string | JsonPath;
  /** Environment variables of the inference container. Default: none. */
  environment?: Record<string, string>;
  /** Tags of the model; they add `sagemaker:AddTags` to the task's permissions, which create only models with them. Default: none. */
  tags?: Record<string, string>;
}

/** SageMaker `CreateModel` (request/response: the model exists when the call returns), with the IAM statements it needs. */
export class SageMakerCreateModel implements TaskBuilder {
  readonly state: TaskState;
  readonly policyStatements: PolicyStatement[];

  /** @param stateName the state's name, used in error messages. */
  constructor(
    readonly stateName: string,
    props: SageMakerCreateModelProps,
  ) {
    const where = stateName;
    requireSageMakerNamePrefix(where, "modelNamePrefix", props.modelNamePrefix);
    requireNameWithinPrefix(where, "modelName", props.modelName, props.modelNamePrefix);
    requireNotEmpty(where, "executionRoleArn", props.executionRoleArn);
    requireNotEmpty(where, "image", props.image);
    if (typeof props.modelDataUrl === "string") requireS3Uri(where, "modelDataUrl", props.modelDataUrl);

    const parameters: Payload = {
      ModelName: props.modelName,
      ExecutionRoleArn: props.executionRoleArn,
      PrimaryContainer: { Image: props.image, ModelDataUrl: props.modelDataUrl, Environment: props.environment },
      Tags: sageMakerTags(props.tags),
    };
    this.state = taskState(integrationArn(props.scope, "sagemaker", "createModel", "REQUEST_RESPONSE"), parameters, props, where);

    // CreateModel returns the model: nothing reads it or its tags afterwards.
    const actions = ["sagemaker:CreateModel"];
    if (props.tags && Object.keys(props.tags).length) actions.push("sagemaker:AddTags");
    const conditions = tagConditions("RequestTag", props.tags);
    this.policyStatements = [
      {
        actions,
        resources: sageMakerNamePrefixArns(props.scope, "model", props.modelNamePrefix),
        ...(conditions ? { conditions } : {}),
      },
      passRoleToSageMaker(props.executionRoleArn),
    ];
  }
}
