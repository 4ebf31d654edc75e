import { ResourceNames } from "../naming";
import { SAGEMAKER_NAME_MAX_LENGTH } from "../run-names";
import { executionInput } from "../workflow/execution-input";

/** Environment variable the Build action sets to `#{codepipeline.PipelineExecutionId}`. */
export const PIPELINE_EXECUTION_ID_VARIABLE = "PIPELINE_EXECUTION_ID";

/** Namespace of the BuildModel action: later actions read `#{BuildVariables.<name>}`. */
export const BUILD_VARIABLES_NAMESPACE = "BuildVariables";

/** What BuildModel exports (buildspec `env.exported-variables`) and DeployEndpoint receives. */
export const EXPORTED_BUILD_VARIABLES = ["RUN_ID", "MODEL_NAME"] as const;

/**
 * The longest run id whose every SageMaker name fits in 63 characters: the four per-run names of
 * the workflow and the endpoint config `<project>-<env>-config-<run id>` the deploy step creates.
 */
export function maxRunIdLength(names: ResourceNames): number {
  const prefixes = [...Object.values(executionInput("")), names.endpointConfig("")];
  return SAGEMAKER_NAME_MAX_LENGTH - Math.max(...prefixes.map((prefix) => prefix.length));
}
