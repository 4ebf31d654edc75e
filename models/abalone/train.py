"""Model Training: a Keras regressor of abalone rings, in TensorFlow script mode.

SageMaker runs `python train.py --epochs <n> --batch-size <n>` with SM_MODEL_DIR and
SM_CHANNEL_TRAINING set. Reads training.csv and validation.csv (label first), writes
<model_dir>/model.h5 and a SavedModel under <model_dir>/1 (what TensorFlow Serving loads).
The model's first layer scales each feature row to unit L2 norm, so evaluation and the endpoint
take raw features: the scaling lives only here.
"""
import argparse
import os
import sys

import numpy as np


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR", "/opt/ml/model"))
    parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAINING", "/opt/ml/input/data/training"))
    # Script mode may add arguments of its own (e.g. --model_dir); they are not ours to use.
    args, _ = parser.parse_known_args(argv)
    if args.epochs < 1 or args.batch_size < 1:
        parser.error("--epochs and --batch-size must be integers >= 1 (got %d, %d)" % (args.epochs, args.batch_size))
    return args


def load(path):
    """(features, labels) of a headerless CSV whose first column is the label."""
    data = np.loadtxt(path, delimiter=",", ndmin=2)
    return data[:, 1:], data[:, 0]


def build_model(feature_count):
    import tensorflow as tf  # imported here so the helpers above work without TensorFlow

    model = tf.keras.Sequential(
        [
            tf.keras.Input(shape=(feature_count,)),
            # Each row scaled to unit L2 norm (all-zero rows stay zero), inside the model it serves with.
            tf.keras.layers.UnitNormalization(axis=-1),
            tf.keras.layers.Dense(64, activation="relu"),
            tf.keras.layers.Dense(64, activation="relu"),
            tf.keras.layers.Dense(1, activation="linear"),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def main(argv=None):
    import tensorflow as tf

    args = parse_args(argv)
    x_train, y_train = load(os.path.join(args.train, "training.csv"))
    x_validation, y_validation = load(os.path.join(args.train, "validation.csv"))
    model = build_model(x_train.shape[1])
    model.fit(
        x_train,
        y_train,
        epochs=args.epochs,
        batch_size=args.batch_size,
        validation_data=(x_validation, y_validation),
        verbose=2,
    )
    os.makedirs(args.model_dir, exist_ok=True)
    model.save(os.path.join(args.model_dir, "model.h5"))
    export_dir = os.path.join(args.model_dir, "1")
    if hasattr(model, "export"):  # Keras >= 2.13: a SavedModel with the serving signature TF Serving calls
        model.export(export_dir)
    else:
        tf.saved_model.save(model, export_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
