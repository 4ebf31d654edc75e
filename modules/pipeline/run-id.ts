import { ResourceNames } from "../naming";
import { SAGEMAKER_NAME_MAX_LENGTH } from "../run-names";
import { runNames } from "../workflow/execution-input";

/** Environment variable the Build action sets to `#{codepipeline.PipelineExecutionId}`. */
export const PIPELINE_EXECUTION_ID_VARIABLE = "PIPELINE_EXECUTION_ID";

/** Namespace of the BuildModel action: later actions read `#{BuildVariables.<name>}`. */
export const BUILD_VARIABLES_NAMESPACE = "BuildVariables";

/** What BuildModel exports (buildspec `env.exported-variables`) and DeployEndpoint receives: the run and its registered version. */
export const EXPORTED_BUILD_VARIABLES = ["RUN_ID", "MODEL_NAME", "MODEL_PACKAGE_ARN"] as const;

/**
 * The evidence BuildModel also exports for the approval: the run's metric, the execution's console
 * page and the report (read from the run's evaluation report), and the threshold and
 * hyperparameters the project set (the stack's Terraform variables).
 */
export const APPROVAL_EVIDENCE_VARIABLES = ["METRIC", "THRESHOLD", "HYPERPARAMETERS", "EXECUTION_URL", "REPORT_URI"] as const;

/** Namespace of the Source action: `#{SourceVariables.CommitId}` is the commit being released. */
export const SOURCE_VARIABLES_NAMESPACE = "SourceVariables";

/**
 * The longest run id whose every SageMaker name fits in 63 characters: the four per-run names of
 * the workflow and the endpoint config `<project>-<env>-config-<run id>` the deploy step creates.
 */
export function maxRunIdLength(names: ResourceNames): number {
  const prefixes = [...Object.values(runNames(names.project, names.environment, "")), names.endpointConfig("")];
  return SAGEMAKER_NAME_MAX_LENGTH - Math.max(...prefixes.map((prefix) => prefix.length));
}
