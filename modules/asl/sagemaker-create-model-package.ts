import { PolicyStatement } from "../iam/policy";
import { AwsScope, integrationArn, sageMakerNamePrefixArns } from "./arn";
import { JsonPath, Payload } from "./json-path";
import { TaskBuilder, taskState, TaskStateProps } from "./task";
import { TaskState } from "./types";
import { requireNotEmpty, requireS3Uri, requireSageMakerNamePrefix } from "./validation";

/** The approval status a registered version starts with; only an approver moves it on. */
export const PENDING_APPROVAL = "PendingManualApproval";

export interface SageMakerCreateModelPackageProps extends TaskStateProps {
  /** Partition, region and account of the model package group. */
  scope: AwsScope;
  /** The model package group (Model Registry) the version is registered in; the IAM statement is scoped to it. */
  modelPackageGroupName: string;
  /** The version's description. Default: none. */
  description?: string | JsonPath;
  /** Inference image URI and the model's `model.tar.gz`: the version can be deployed from the registry. */
  image: string;
  modelDataUrl: string | JsonPath;
  /** MIME types the model's endpoint accepts and answers with. */
  contentTypes: string[];
  /** `s3://.../*.json` with the evaluation: the version's model quality statistics. */
  statisticsS3Uri: string | JsonPath;
  /** Up to 50 string properties (run id, commit, metric, hyperparameters). Default: none. */
  customerMetadata?: Record<string, string | JsonPath>;
}

/**
 * SageMaker `CreateModelPackage` through Step Functions' AWS SDK integration (there is no optimized
 * integration for it): registers a version, `PendingManualApproval`, in a model package group.
 * Versions carry their group's tags and take none of their own, so the IAM statement is scoped by the
 * group's name instead, and may create only pending versions (`sagemaker:ModelApprovalStatus`).
 */
export class SageMakerCreateModelPackage implements TaskBuilder {
  readonly state: TaskState;
  readonly policyStatements: PolicyStatement[];

  constructor(
    readonly stateName: string,
    props: SageMakerCreateModelPackageProps,
  ) {
    const where = stateName;
    requireSageMakerNamePrefix(where, "modelPackageGroupName", props.modelPackageGroupName);
    requireNotEmpty(where, "image", props.image);
    if (typeof props.modelDataUrl === "string") requireS3Uri(where, "modelDataUrl", props.modelDataUrl);
    if (typeof props.statisticsS3Uri === "string") requireS3Uri(where, "statisticsS3Uri", props.statisticsS3Uri);
    if (props.contentTypes.length === 0) throw new Error(`${where}: contentTypes must name at least one MIME type`);
    const metadata = Object.keys(props.customerMetadata ?? {});
    // SageMaker's limits on CustomerMetadataProperties (API reference, CreateModelPackage).
    if (metadata.length > 50)
      throw new Error(`${where}: customerMetadata holds ${metadata.length} properties; SageMaker allows 50`);
    const badKey = metadata.find((key) => !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(key));
    if (badKey !== undefined) {
      throw new Error(
        `${where}: customerMetadata key ${JSON.stringify(badKey)} must be 1 to 128 letters, digits, spaces or _.:/=+-@`,
      );
    }

    const parameters: Payload = {
      ModelPackageGroupName: props.modelPackageGroupName,
      ModelPackageDescription: props.description,
      ModelApprovalStatus: PENDING_APPROVAL,
      InferenceSpecification: {
        Containers: [{ Image: props.image, ModelDataUrl: props.modelDataUrl }],
        SupportedContentTypes: props.contentTypes,
        SupportedResponseMIMETypes: props.contentTypes,
      },
      ModelMetrics: { ModelQuality: { Statistics: { ContentType: "application/json", S3Uri: props.statisticsS3Uri } } },
      CustomerMetadataProperties: props.customerMetadata,
    };
    this.state = taskState(
      integrationArn(props.scope, "aws-sdk:sagemaker", "createModelPackage", "REQUEST_RESPONSE"),
      parameters,
      props,
      where,
    );
    // Service Authorization Reference, "Actions, resources, and condition keys for Amazon SageMaker AI":
    // CreateModelPackage acts on model-package (a version is `model-package/<group>/<version>`) and
    // takes the condition key sagemaker:ModelApprovalStatus.
    this.policyStatements = [
      {
        actions: ["sagemaker:CreateModelPackage"],
        resources: sageMakerNamePrefixArns(props.scope, "model-package", `${props.modelPackageGroupName}/`),
        conditions: { StringEquals: { "sagemaker:ModelApprovalStatus": PENDING_APPROVAL } },
      },
    ];
  }
}
