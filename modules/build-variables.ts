/** Environment variables the CodeBuild projects set and the workflow CLI reads: one name each, for both. */
export const STATE_MACHINE_ARN_VARIABLE = "STATE_MACHINE_ARN";
export const ARTIFACT_BUCKET_VARIABLE = "ARTIFACT_BUCKET";
export const KMS_KEY_ARN_VARIABLE = "KMS_KEY_ARN";
/**
 * The build's own environment, validated, as JSON: what the bundled CLI's `--env` reads, since it
 * carries no environment file (so one environment's edit never changes another's stack). The plan
 * shows every value a build runs with.
 */
export const ENVIRONMENT_CONFIG_VARIABLE = "ENVIRONMENT_CONFIG";
/** The alarms SageMaker rolls a deployment back on (comma-separated). */
export const ENDPOINT_ROLLBACK_ALARMS_VARIABLE = "ENDPOINT_ROLLBACK_ALARMS";
/** Set on both build projects, read by their buildspecs: `s3://` URI of the bundled CLI they run. */
export const WORKFLOW_CLI_URI_VARIABLE = "WORKFLOW_CLI_URI";
/** CodeBuild's resolved source version: the commit a run is built from (in its execution input and its report). */
export const COMMIT_VARIABLE = "CODEBUILD_RESOLVED_SOURCE_VERSION";
