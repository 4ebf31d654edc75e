import { defineModel } from "../../modules/model/declaration";

/** Abalone: a Keras regressor of an abalone's rings (its age) from its measurements, in TensorFlow. */
export default defineModel({
  name: "abalone",
  // UCI's abalone.data: sex, 7 measurements, rings; headerless CSV.
  dataset: { file: "abalone.data" },
  scripts: { preprocessing: "preprocessing.py", training: "train.py", evaluation: "evaluate.py" },
  images: {
    // scikit-learn 1.2-1 processing image (Python 3, pandas, numpy).
    processing: { repositoryName: "sagemaker-scikit-learn", imageTag: "1.2-1-cpu-py3" },
    // TensorFlow 2.18 deep learning container for SageMaker, CPU: trains, and evaluates as a processing job.
    training: { repositoryName: "tensorflow-training", imageTag: "2.18.0-cpu-py310-ubuntu22.04-sagemaker" },
    evaluation: { repositoryName: "tensorflow-training", imageTag: "2.18.0-cpu-py310-ubuntu22.04-sagemaker" },
    // TensorFlow Serving 2.18 for SageMaker endpoints, CPU.
    inference: { repositoryName: "tensorflow-inference", imageTag: "2.18.0-cpu-py310-ubuntu20.04-sagemaker" },
  },
  hyperparameters: {
    epochs: {
      description: "Training epochs of the Model Training state.",
      type: "integer",
      min: 1,
      default: 20,
      argument: "epochs",
      terraformVariable: "epochs",
    },
    batchSize: {
      description: "Training batch size of the Model Training state.",
      type: "integer",
      min: 1,
      default: 16,
      argument: "batch-size",
      terraformVariable: "batch_size",
    },
  },
  metric: { name: "RMSE", unit: "rings", direction: "lower", computation: "rmse", threshold: 3.0 },
  // TensorFlow Serving's JSON: {"instances": [[features], ...]} in, {"predictions": [[rings], ...]} out.
  serving: { request: "json-instances", response: "json-predictions" },
});
