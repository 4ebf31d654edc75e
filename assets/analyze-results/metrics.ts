/**
 * The quality metrics a model may declare, computed from evaluation.json's GroundTruth and
 * Predictions (both non-empty, of equal length, of finite numbers; parseEvaluation checks that).
 * Each result is a finite number, or an EvaluationError says why not: never a NaN.
 */
import { EvaluationError } from "./errors";

export const METRIC_COMPUTATIONS = ["rmse", "mae", "accuracy", "f1"] as const;
export type MetricComputation = (typeof METRIC_COMPUTATIONS)[number];

/** The largest meaningful threshold of a computation: a score of 1 is perfect; an error has no bound. */
export const METRIC_MAXIMUM: Record<MetricComputation, number | undefined> = { rmse: undefined, mae: undefined, accuracy: 1, f1: 1 };

function pairs(what: string, groundTruth: readonly number[], predictions: readonly number[]): void {
  if (groundTruth.length === 0) throw new EvaluationError(`${what} needs at least one value (got empty arrays)`);
  if (groundTruth.length !== predictions.length) {
    throw new EvaluationError(`${what} needs pairs: GroundTruth has ${groundTruth.length} values but Predictions has ${predictions.length}`);
  }
}

function finite(what: string, value: number): number {
  if (!Number.isFinite(value)) throw new EvaluationError(`${what} overflowed to ${value}: the values are too large`);
  return value;
}

/** sqrt(mean((y - ŷ)²)). */
export function rootMeanSquaredError(groundTruth: readonly number[], predictions: readonly number[]): number {
  pairs("RMSE", groundTruth, predictions);
  let sumOfSquares = 0;
  for (let i = 0; i < groundTruth.length; i++) sumOfSquares += (groundTruth[i] - predictions[i]) ** 2;
  return finite("RMSE", Math.sqrt(sumOfSquares / groundTruth.length));
}

/** mean(|y - ŷ|). */
export function meanAbsoluteError(groundTruth: readonly number[], predictions: readonly number[]): number {
  pairs("MAE", groundTruth, predictions);
  let sum = 0;
  for (let i = 0; i < groundTruth.length; i++) sum += Math.abs(groundTruth[i] - predictions[i]);
  return finite("MAE", sum / groundTruth.length);
}

/** The share of predictions equal to their label (class labels as numbers). */
export function accuracy(groundTruth: readonly number[], predictions: readonly number[]): number {
  pairs("accuracy", groundTruth, predictions);
  return groundTruth.filter((y, i) => y === predictions[i]).length / groundTruth.length;
}

/** Macro F1: the mean over the labels of GroundTruth of each label's F1 (0 for a label never predicted right). */
export function macroF1(groundTruth: readonly number[], predictions: readonly number[]): number {
  pairs("F1", groundTruth, predictions);
  const labels = [...new Set(groundTruth)];
  const scores = labels.map((label) => {
    let truePositives = 0;
    let predicted = 0;
    let actual = 0;
    for (let i = 0; i < groundTruth.length; i++) {
      if (predictions[i] === label) predicted += 1;
      if (groundTruth[i] === label) actual += 1;
      if (predictions[i] === label && groundTruth[i] === label) truePositives += 1;
    }
    return truePositives === 0 ? 0 : (2 * truePositives) / (predicted + actual);
  });
  return scores.reduce((sum, score) => sum + score, 0) / scores.length;
}

export const METRICS: Record<MetricComputation, (groundTruth: readonly number[], predictions: readonly number[]) => number> = {
  rmse: rootMeanSquaredError,
  mae: meanAbsoluteError,
  accuracy,
  f1: macroF1,
};

export const isMetricComputation = (value: unknown): value is MetricComputation =>
  typeof value === "string" && (METRIC_COMPUTATIONS as readonly string[]).includes(value);
