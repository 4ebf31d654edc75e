/** Environment variables the CodeBuild projects set and the workflow CLI reads: one name each, for both. */
export const STATE_MACHINE_ARN_VARIABLE = "STATE_MACHINE_ARN";
export const ARTIFACT_BUCKET_VARIABLE = "ARTIFACT_BUCKET";
export const KMS_KEY_ARN_VARIABLE = "KMS_KEY_ARN";
/** The endpoint's instance type and count: set by the stack from the environment, so the plan shows what deploy will run. */
export const ENDPOINT_INSTANCE_TYPE_VARIABLE = "ENDPOINT_INSTANCE_TYPE";
export const ENDPOINT_INSTANCE_COUNT_VARIABLE = "ENDPOINT_INSTANCE_COUNT";
/** The rollout (the environment's `rollout`, as JSON) and the alarms SageMaker rolls it back on (comma-separated). */
export const ENDPOINT_ROLLOUT_VARIABLE = "ENDPOINT_ROLLOUT";
export const ENDPOINT_ROLLBACK_ALARMS_VARIABLE = "ENDPOINT_ROLLBACK_ALARMS";
/** Set on both build projects, read by their buildspecs: `s3://` URI of the bundled CLI they run. */
export const WORKFLOW_CLI_URI_VARIABLE = "WORKFLOW_CLI_URI";
/** CodeBuild's resolved source version: the commit a run is built from (in its execution input and its report). */
export const COMMIT_VARIABLE = "CODEBUILD_RESOLVED_SOURCE_VERSION";
