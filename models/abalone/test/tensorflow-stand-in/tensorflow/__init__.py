"""A test-only stand-in for the part of TensorFlow's Keras API that train.py and evaluate.py call.

TensorFlow is not installable where the tests run. This module implements exactly those calls,
strictly (a wrong shape, argument or order raises, as Keras would), so the scripts run end to end:
    tf.keras.Input, tf.keras.layers.UnitNormalization, tf.keras.layers.Dense, tf.keras.Sequential   (build)
    model.compile, model.fit, model.save(<name>.h5), model.export(<dir>), model.predict
    tf.keras.models.load_model(<name>.h5, compile=False)
"fit" is an ordinary least-squares fit of the features (plus a bias), so predictions are real.
model.h5 is JSON here, not HDF5; the SavedModel directory has the files TF Serving looks for.
"""
import json
import os
import types

import numpy as np

FORMAT = "keras-stand-in"
ACTIVATIONS = ("relu", "linear")


class _Input:
    def __init__(self, shape):
        if not (isinstance(shape, tuple) and len(shape) == 1 and isinstance(shape[0], int) and shape[0] >= 1):
            raise ValueError("Input shape must be a 1-tuple of a positive int (got %r)" % (shape,))
        self.features = shape[0]


class _Dense:
    def __init__(self, units, activation=None):
        if not (isinstance(units, int) and units >= 1):
            raise ValueError("Dense units must be a positive int (got %r)" % (units,))
        if activation not in ACTIVATIONS:
            raise ValueError("Dense activation must be one of %s (got %r)" % (", ".join(ACTIVATIONS), activation))
        self.units = units
        self.activation = activation


class _UnitNormalization:
    """Scales each row to unit L2 norm, as Keras does (an all-zero row stays zero)."""

    def __init__(self, axis=-1):
        if axis != -1:
            raise ValueError("stand-in UnitNormalization normalises the feature axis only (axis=-1, got %r)" % (axis,))

    @staticmethod
    def apply(x):
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        return x / np.where(norms == 0, 1, norms)


def _features(x, expected, what):
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != expected:
        raise ValueError("%s: expected an array of shape (n, %d), got %s" % (what, expected, x.shape))
    return x


def _with_bias(x):
    return np.hstack([x, np.ones((len(x), 1))])


class Sequential:
    def __init__(self, layers):
        if not layers or not isinstance(layers[0], _Input):
            raise ValueError("Sequential takes an Input, then an optional UnitNormalization, then Dense layers")
        self.normalise = len(layers) > 1 and isinstance(layers[1], _UnitNormalization)
        dense = layers[2:] if self.normalise else layers[1:]
        if not dense or not all(isinstance(layer, _Dense) for layer in dense):
            raise ValueError("Sequential takes an Input, then an optional UnitNormalization, then Dense layers")
        if dense[-1].units != 1:
            raise ValueError("the last Dense layer of a regressor has 1 unit")
        self.features = layers[0].features
        self.layers = [{"units": layer.units, "activation": layer.activation} for layer in dense]
        self.compiled = None
        self.history = None
        self.weights = None

    def compile(self, optimizer, loss):
        if optimizer != "adam" or loss != "mse":
            raise ValueError("stand-in compiles optimizer='adam', loss='mse' (got %r, %r)" % (optimizer, loss))
        self.compiled = {"optimizer": optimizer, "loss": loss}

    def fit(self, x, y, epochs, batch_size, validation_data, verbose):
        if self.compiled is None:
            raise RuntimeError("You must compile your model before training/testing.")
        x = _features(x, self.features, "fit x")
        y = np.asarray(y, dtype=float)
        if y.shape != (len(x),):
            raise ValueError("fit y: expected shape (%d,), got %s" % (len(x), y.shape))
        if not all(isinstance(n, int) and n >= 1 for n in (epochs, batch_size)):
            raise ValueError("epochs and batch_size must be positive ints (got %r, %r)" % (epochs, batch_size))
        x_validation, y_validation = validation_data
        x_validation = _features(x_validation, self.features, "fit validation_data x")
        if np.asarray(y_validation).shape != (len(x_validation),):
            raise ValueError("fit validation_data y must have one label per row")
        self.weights = np.linalg.lstsq(_with_bias(self._inputs(x)), y, rcond=None)[0]
        self.history = {
            "epochs": epochs,
            "batch_size": batch_size,
            "samples": len(x),
            "validation_samples": len(x_validation),
            "verbose": verbose,
        }
        print("Epoch %d/%d - loss: %.4f" % (epochs, epochs, float(np.mean((self.predict(x, verbose=0).reshape(-1) - y) ** 2))))

    def predict(self, x, verbose):
        if self.weights is None:
            raise RuntimeError("the model has no weights: fit or load it first")
        return (_with_bias(self._inputs(_features(x, self.features, "predict x"))) @ self.weights).reshape(-1, 1)

    def _inputs(self, x):
        return _UnitNormalization.apply(x) if self.normalise else x

    def _document(self):
        if self.weights is None:
            raise RuntimeError("cannot save a model that was never fitted")
        return {"format": FORMAT, "features": self.features, "layers": self.layers, "compile": self.compiled, "fit": self.history, "normalise": self.normalise, "weights": self.weights.tolist()}

    def save(self, filepath):
        if not filepath.endswith((".h5", ".keras")):
            raise ValueError("save: the file name must end in .keras or .h5 (got %r)" % filepath)
        if not os.path.isdir(os.path.dirname(filepath) or "."):
            raise FileNotFoundError("save: no directory %s" % os.path.dirname(filepath))
        with open(filepath, "w") as output:
            json.dump(self._document(), output)

    def export(self, filepath):
        """A SavedModel directory: saved_model.pb and variables/, what TensorFlow Serving loads."""
        os.makedirs(os.path.join(filepath, "variables"))
        with open(os.path.join(filepath, "saved_model.pb"), "w") as output:
            json.dump(self._document(), output)
        for name in ("variables.index", "variables.data-00000-of-00001"):
            with open(os.path.join(filepath, "variables", name), "w") as output:
                output.write(FORMAT)


def _load_model(filepath, compile=True):
    if compile is not False:
        raise ValueError("stand-in loads for inference only: load_model(..., compile=False)")
    with open(filepath) as source:
        document = json.load(source)
    if document.get("format") != FORMAT:
        raise ValueError("%s was not written by model.save" % filepath)
    normalisation = [_UnitNormalization()] if document["normalise"] else []
    model = Sequential([_Input((document["features"],))] + normalisation + [_Dense(layer["units"], layer["activation"]) for layer in document["layers"]])
    model.weights = np.asarray(document["weights"])
    return model


keras = types.SimpleNamespace(
    Input=lambda shape: _Input(shape),
    Sequential=Sequential,
    layers=types.SimpleNamespace(Dense=_Dense, UnitNormalization=_UnitNormalization),
    models=types.SimpleNamespace(load_model=_load_model),
)
