"""Model Evaluation: predict the testing rows with the trained model, write evaluation.json.

Runs in a TensorFlow processing container:
    python3 /opt/ml/processing/input/code/evaluate.py
Reads  /opt/ml/processing/model/model.tar.gz (with model.h5) and /opt/ml/processing/testing/testing.csv.
Writes /opt/ml/processing/evaluation/evaluation.json: {"GroundTruth": [...], "Predictions": [...]}.
"""
import argparse
import json
import os
import sys
import tarfile

import numpy as np


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", default="/opt/ml/processing/model")
    parser.add_argument("--testing-dir", default="/opt/ml/processing/testing")
    parser.add_argument("--output-dir", default="/opt/ml/processing/evaluation")
    args = parser.parse_args(argv)

    import tensorflow as tf

    with tarfile.open(os.path.join(args.model_dir, "model.tar.gz")) as archive:
        # The "data" filter (Python >= 3.12 and security backports) refuses paths outside the target.
        if hasattr(tarfile, "data_filter"):
            archive.extractall(path=args.model_dir, filter="data")
        else:
            archive.extractall(path=args.model_dir)
    model = tf.keras.models.load_model(os.path.join(args.model_dir, "model.h5"), compile=False)

    testing = np.loadtxt(os.path.join(args.testing_dir, "testing.csv"), delimiter=",", ndmin=2)
    ground_truth = testing[:, 0]
    predictions = model.predict(testing[:, 1:], verbose=0).reshape(-1)

    os.makedirs(args.output_dir, exist_ok=True)
    path = os.path.join(args.output_dir, "evaluation.json")
    with open(path, "w") as output:
        # Flat lists of plain floats: one prediction per ground-truth value.
        json.dump({"GroundTruth": ground_truth.astype(float).tolist(), "Predictions": predictions.astype(float).tolist()}, output)
    print("wrote %d predictions to %s" % (len(predictions), path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
