import { PROJECT } from "./naming";
import { MODEL_NAME } from "./run-names";

/** Prefix of the shared (not per-run) data in the artifact bucket. */
export const DATA_PREFIX = `${PROJECT}_data`;

/** Object keys and prefixes of the artifact bucket (docs/workflow.md, "S3 layout"). */
export const S3_LAYOUT = {
  /** Raw dataset, uploaded once. */
  rawData: `${DATA_PREFIX}/raw/abalone.data`,
  rawPrefix: `${DATA_PREFIX}/raw`,
  /** SageMaker scripts. */
  codePrefix: `${DATA_PREFIX}/code`,
  preprocessingScript: `${DATA_PREFIX}/code/preprocessing.py`,
  evaluationScript: `${DATA_PREFIX}/code/evaluate.py`,
  /** The training script packed for TensorFlow script mode. */
  trainingSourceDir: `${DATA_PREFIX}/code/sourcedir.tar.gz`,
  /** Endpoint data capture. */
  endpointDataCapture: "endpoint-data-capture",
  /** The bundled workflow CLI the builds run, by the SHA-256 of its content. */
  workflowCli: (sha256: string) => `workflow-cli/${sha256}.js`,
} as const;

/** The training script's name inside `sourcedir.tar.gz` (the `sagemaker_program` hyperparameter). */
export const TRAINING_PROGRAM = "train.py";

/**
 * Per-run keys: everything a run writes lives under `<runId>/<TrainingJobName>/`, its pre-processed
 * splits too, so two runs (run ids differ) never write to one prefix.
 */
export const runKeys = {
  /** Written by Pre-process Data, read by Model Training: `training.csv` and `validation.csv`. */
  trainingData: (runId: string, trainingJobName: string) => `${runId}/${trainingJobName}/data/training`,
  /** Written by Pre-process Data, read by Model Evaluation and the deploy's smoke test: `testing.csv`. */
  testingData: (runId: string, trainingJobName: string) => `${runId}/${trainingJobName}/data/testing`,
  /** Training output path given to SageMaker (it appends `<TrainingJobName>/output/model.tar.gz`). */
  outputPrefix: (runId: string) => runId,
  modelArtifact: (runId: string, trainingJobName: string) => `${runId}/${trainingJobName}/output/model.tar.gz`,
  evaluationPrefix: (runId: string, trainingJobName: string) => `${runId}/${trainingJobName}/evaluation`,
  evaluation: (runId: string, trainingJobName: string) => `${runId}/${trainingJobName}/evaluation/evaluation.json`,
  /** The run's evaluation report for the approver (written by BuildModel beside the evaluation). */
  report: (runId: string, trainingJobName: string, extension: "json" | "md") =>
    `${runId}/${trainingJobName}/evaluation/report.${extension}`,
};

/**
 * Object-key pattern (for IAM) that matches every per-run object and nothing else. Any environment's
 * training job name matches: the bucket is the environment's own.
 */
export const RUN_OBJECTS_PATTERN = `*/${MODEL_NAME}-*-TrainingJob-*`;
