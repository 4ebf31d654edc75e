"""Model Training and serving: a random-forest classifier of iris species, in scikit-learn script mode.

Training: SageMaker runs `python train.py --n-estimators <n> --max-depth <n>` with SM_MODEL_DIR and
SM_CHANNEL_TRAINING set. Reads training.csv and validation.csv (class index first), writes
<model_dir>/model.joblib.

Serving: the scikit-learn inference container imports this file (SAGEMAKER_PROGRAM) and calls
model_fn(model_dir), input_fn(body, content_type), predict_fn(features, model) and
output_fn(predictions, accept): text/csv rows of the 4 measurements in, a JSON list of class indices out.
"""
import argparse
import json
import os
import sys

import numpy as np

MODEL_FILE = "model.joblib"
# Fixed seed: the same data and hyperparameters give the same forest.
SEED = 0
REQUEST_CONTENT_TYPE = "text/csv"
RESPONSE_CONTENT_TYPE = "application/json"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-estimators", type=int, default=100, help="trees in the forest (integer >= 1)")
    parser.add_argument("--max-depth", type=int, default=3, help="deepest a tree may grow (integer >= 1)")
    parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR", "/opt/ml/model"))
    parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAINING", "/opt/ml/input/data/training"))
    # Script mode may add arguments of its own (e.g. --model_dir); they are not ours to use.
    args, _ = parser.parse_known_args(argv)
    for flag, value in (("--n-estimators", args.n_estimators), ("--max-depth", args.max_depth)):
        if value < 1:
            parser.error("%s must be an integer >= 1 (got %d)" % (flag, value))
    return args


def load(path):
    """(features, class indices) of a headerless CSV whose first column is the class index."""
    data = np.loadtxt(path, delimiter=",", ndmin=2)
    return data[:, 1:], data[:, 0].astype(int)


def main(argv=None):
    args = parse_args(argv)  # bad hyperparameters fail before the slow imports
    import joblib
    from sklearn.ensemble import RandomForestClassifier

    x_train, y_train = load(os.path.join(args.train, "training.csv"))
    x_validation, y_validation = load(os.path.join(args.train, "validation.csv"))
    model = RandomForestClassifier(n_estimators=args.n_estimators, max_depth=args.max_depth, random_state=SEED)
    model.fit(x_train, y_train)
    print("training accuracy: %.4f" % model.score(x_train, y_train))
    print("validation accuracy: %.4f" % model.score(x_validation, y_validation))
    os.makedirs(args.model_dir, exist_ok=True)
    joblib.dump(model, os.path.join(args.model_dir, MODEL_FILE))
    return 0


def media_type(header):
    """`text/csv; charset=utf-8` -> `text/csv`."""
    return (header or "").split(";")[0].strip().lower()


def model_fn(model_dir):
    import joblib

    return joblib.load(os.path.join(model_dir, MODEL_FILE))


def input_fn(request_body, content_type):
    """A text/csv body (one row of measurements per line, no label, no header) -> a 2-D float array."""
    if media_type(content_type) != REQUEST_CONTENT_TYPE:
        raise ValueError("request content type must be %s (got %r)" % (REQUEST_CONTENT_TYPE, content_type))
    text = request_body.decode("utf-8") if isinstance(request_body, (bytes, bytearray)) else request_body
    rows = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = [float(field) for field in line.split(",")]
        except ValueError:
            raise ValueError("request line %d: every field must be a number (got %r)" % (line_number, line)) from None
        if not all(np.isfinite(row)):
            raise ValueError("request line %d: every field must be a finite number (got %r)" % (line_number, line))
        if rows and len(row) != len(rows[0]):
            raise ValueError("request line %d: %d fields, but line 1 has %d" % (line_number, len(row), len(rows[0])))
        rows.append(row)
    if not rows:
        raise ValueError("request body has no rows: send one CSV line of measurements per prediction")
    return np.array(rows)


def predict_fn(input_data, model):
    """Class indices, one per row; rows must have as many measurements as the model was trained on."""
    if input_data.shape[1] != model.n_features_in_:
        raise ValueError(
            "each request row must have %d measurements, the model's features (got %d)"
            % (model.n_features_in_, input_data.shape[1])
        )
    return model.predict(input_data)


def output_fn(prediction, accept):
    """(JSON list of class indices, its content type): the container sends the pair as the response."""
    if media_type(accept) != RESPONSE_CONTENT_TYPE:
        raise ValueError("response content type (Accept) must be %s (got %r)" % (RESPONSE_CONTENT_TYPE, accept))
    return json.dumps([int(index) for index in prediction]), RESPONSE_CONTENT_TYPE


if __name__ == "__main__":
    sys.exit(main())
