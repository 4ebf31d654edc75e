/** The model every run trains; every per-run SageMaker name starts with it. */
export const MODEL_NAME = "abalone";

export const MODEL_PREFIX = `${MODEL_NAME}-`;
export const PROCESSING_JOB_PREFIX = `${MODEL_NAME}-ProcessingJob-`;
export const TRAINING_JOB_PREFIX = `${MODEL_NAME}-TrainingJob-`;
export const EVALUATION_JOB_PREFIX = `${MODEL_NAME}-EvaluationJob-`;

/** The state machine's execution input: exactly the four per-run names of the spec. */
export interface ExecutionInput {
  ModelName: string;
  PreprocessingJobName: string;
  TrainingJobName: string;
  EvaluationProcessingJobName: string;
}

/** SageMaker's rule for model and job names. */
export const SAGEMAKER_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
export const SAGEMAKER_NAME_MAX_LENGTH = 63;

/** The per-run names of one run id (the execution is named after the run id). */
export function executionInput(runId: string): ExecutionInput {
  return {
    ModelName: `${MODEL_PREFIX}${runId}`,
    PreprocessingJobName: `${PROCESSING_JOB_PREFIX}${runId}`,
    TrainingJobName: `${TRAINING_JOB_PREFIX}${runId}`,
    EvaluationProcessingJobName: `${EVALUATION_JOB_PREFIX}${runId}`,
  };
}

/** Problems with the names a run id makes, one line each; empty when SageMaker accepts them all. */
export function runIdProblems(runId: string): string[] {
  return Object.entries(executionInput(runId)).flatMap(([field, name]) => {
    if (name.length > SAGEMAKER_NAME_MAX_LENGTH) {
      return [`run id ${JSON.stringify(runId)} makes ${field} ${name.length} characters long; SageMaker allows at most ${SAGEMAKER_NAME_MAX_LENGTH}`];
    }
    if (!SAGEMAKER_NAME_PATTERN.test(name)) {
      return [`run id ${JSON.stringify(runId)} makes ${field} ${JSON.stringify(name)}, which breaks SageMaker's name rule: letters, digits and single or repeated '-' between them`];
    }
    return [];
  });
}

/** Default run id: the UTC time as YYYYMMDDHHMMSS. */
export function timestampRunId(now: Date = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}
