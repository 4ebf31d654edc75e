"""Model Evaluation: predict the testing rows with the trained model, write evaluation.json.

Runs in the SageMaker scikit-learn processing container:
    python3 /opt/ml/processing/input/code/evaluate.py
Reads  /opt/ml/processing/model/model.tar.gz (with model.joblib) and /opt/ml/processing/testing/testing.csv.
Writes /opt/ml/processing/evaluation/evaluation.json: {"GroundTruth": [...], "Predictions": [...]},
       class indices (integers), so accuracy = mean(GroundTruth == Predictions).
"""
import argparse
import json
import os
import sys
import tarfile

MODEL_FILE = "model.joblib"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", default="/opt/ml/processing/model")
    parser.add_argument("--testing-dir", default="/opt/ml/processing/testing")
    parser.add_argument("--output-dir", default="/opt/ml/processing/evaluation")
    args = parser.parse_args(argv)

    with tarfile.open(os.path.join(args.model_dir, "model.tar.gz")) as archive:
        # The "data" filter (Python >= 3.12 and security backports) refuses paths outside the target.
        if hasattr(tarfile, "data_filter"):
            archive.extractall(path=args.model_dir, filter="data")
        else:
            archive.extractall(path=args.model_dir)
    model_path = os.path.join(args.model_dir, MODEL_FILE)
    if not os.path.exists(model_path):
        raise ValueError("model.tar.gz has no %s at its root: is it this model's training output?" % MODEL_FILE)
    # The slow imports come after the checks: a bad archive fails at once.
    import joblib
    import numpy as np

    model = joblib.load(model_path)

    testing = np.loadtxt(os.path.join(args.testing_dir, "testing.csv"), delimiter=",", ndmin=2)
    ground_truth = testing[:, 0].astype(int)
    predictions = model.predict(testing[:, 1:]).astype(int)

    os.makedirs(args.output_dir, exist_ok=True)
    path = os.path.join(args.output_dir, "evaluation.json")
    with open(path, "w") as output:
        # Flat lists of plain integers: one predicted class index per ground-truth class index.
        json.dump({"GroundTruth": ground_truth.tolist(), "Predictions": predictions.tolist()}, output)
    print("wrote %d predictions to %s (accuracy %.4f)" % (len(predictions), path, np.mean(ground_truth == predictions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
