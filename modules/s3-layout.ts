import type { ModelDeclaration } from "./model/declaration";

/** Object keys and prefixes of the artifact bucket that no model owns (docs/workflow.md, "S3 layout"). */
export const S3_LAYOUT = {
  /** Endpoint data capture. */
  endpointDataCapture: "endpoint-data-capture",
  /** The bundled workflow CLI the builds run, by the SHA-256 of its content. */
  workflowCli: (sha256: string) => `workflow-cli/${sha256}.js`,
} as const;

/** A model's shared (not per-run) objects in the artifact bucket: its raw dataset and scripts, under `<model>_data/`. */
export function modelLayout(model: Pick<ModelDeclaration, "name" | "dataset" | "scripts">) {
  const data = `${model.name}_data`;
  return {
    /** Prefix of the model's shared data. */
    dataPrefix: data,
    /** Raw dataset, uploaded once. */
    rawData: `${data}/raw/${model.dataset.file}`,
    rawPrefix: `${data}/raw`,
    /** The model's scripts. */
    codePrefix: `${data}/code`,
    preprocessingScript: `${data}/code/${model.scripts.preprocessing}`,
    evaluationScript: `${data}/code/${model.scripts.evaluation}`,
    /** The training script packed for script mode. */
    trainingSourceDir: `${data}/code/sourcedir.tar.gz`,
  } as const;
}
export type ModelLayout = ReturnType<typeof modelLayout>;

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
 * Object-key pattern (for IAM) that matches every per-run object of a model and nothing else. Any
 * environment's training job name matches: the bucket is the environment's own.
 */
export const runObjectsPattern = (model: string): string => `*/${model}-*-TrainingJob-*`;
