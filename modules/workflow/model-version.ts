import { ResourceNames } from "../naming";
import { ModelDeclaration, requestContentType } from "../model/declaration";
import type { MlWorkflowParams } from "./ml-workflow";

/**
 * What a registered model version records (SageMaker Model Registry, CustomerMetadataProperties):
 * written by the workflow's registration step, read back by `workflow models`, `deploy` and `rollback`.
 */
export const MODEL_VERSION_METADATA = {
  /** The run id (the execution's name). */
  runId: "RunId",
  /** The commit the run was built from, or `unknown` when run by hand. */
  commit: "Commit",
  /** The run's SageMaker model (Register Trained Model), which deploy puts behind the endpoint. */
  modelName: "ModelName",
  /** The quality metric's name and the value the gate compared. */
  metric: "Metric",
  metricValue: "MetricValue",
  /** The threshold the value passed. */
  threshold: "Threshold",
} as const;

/** Each hyperparameter is recorded as `hyperparameter:<name>`. */
export const HYPERPARAMETER_METADATA_PREFIX = "hyperparameter:";

/** The commit recorded when the run was not started from a build of a commit. */
export const UNKNOWN_COMMIT = "unknown";

/** The environment's Model Registry group of a model, and what its versions record. */
export function modelRegistryParams(environment: string, model: ModelDeclaration): MlWorkflowParams["modelRegistry"] {
  return {
    groupName: new ResourceNames(environment, model.name).modelPackageGroup(model.name),
    metricName: model.metric.computation,
    contentType: requestContentType(model.serving),
  };
}
