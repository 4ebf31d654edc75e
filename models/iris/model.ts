import { defineModel } from "../../modules/model/declaration";

/** scikit-learn 1.2-1 (Python 3): processes, trains in script mode, evaluates and serves. */
const SKLEARN = { repositoryName: "sagemaker-scikit-learn", imageTag: "1.2-1-cpu-py3" };

/** Iris: a scikit-learn random forest telling three iris species apart from four flower measurements (NOTES.md). */
export default defineModel({
  name: "iris",
  // Fisher's iris data (scikit-learn's copy): 4 measurements, species; headerless CSV.
  dataset: { file: "iris.data" },
  scripts: { preprocessing: "preprocessing.py", training: "train.py", evaluation: "evaluate.py" },
  images: { processing: SKLEARN, training: SKLEARN, evaluation: SKLEARN, inference: SKLEARN },
  hyperparameters: {
    nEstimators: {
      description: "Trees in the forest of the Model Training state.",
      type: "integer",
      min: 1,
      default: 100,
      argument: "n-estimators",
      terraformVariable: "n_estimators",
    },
    maxDepth: {
      description: "Deepest a tree of the Model Training state may grow.",
      type: "integer",
      min: 1,
      default: 3,
      argument: "max-depth",
      terraformVariable: "max_depth",
    },
  },
  metric: { name: "accuracy", direction: "higher", computation: "accuracy", threshold: 0.9 },
  // The container runs train.py's input_fn/predict_fn/output_fn: CSV rows in, a JSON list of class indices out.
  serving: { request: "csv", response: "json-array", scriptMode: true },
});
