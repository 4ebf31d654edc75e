"""Pre-process Data: iris.data -> training, validation and testing CSV files (class index first).

Runs in the SageMaker scikit-learn processing container:
    python3 /opt/ml/processing/input/code/preprocessing.py
Reads  <input-dir>/iris.data (headerless CSV: 4 measurements in cm, then the species name).
Writes <output-dir>/training/training.csv, <output-dir>/training/validation.csv and
       <output-dir>/testing/testing.csv (headerless; class index, then the 4 measurements).
"""
import argparse
import csv
import os
import sys

import numpy as np

MEASUREMENTS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
# A class's index is its position here: what training, evaluation and serving call the class.
CLASSES = ["setosa", "versicolor", "virginica"]
# The rows are sorted by species, so each class is shuffled (fixed seed) and split on its own:
# 70 % train, 10 % validate, 20 % test, every split with every class in the same proportion.
TRAINING_END = 0.70
VALIDATION_END = 0.80
SEED = 0


def read_raw(path):
    """(features, class indices) of iris.data; a bad line fails naming the file, line, value and rule."""
    name = os.path.basename(path)
    features, labels = [], []
    with open(path, newline="") as raw:
        for line_number, fields in enumerate(csv.reader(raw), start=1):
            if not fields or all(not field.strip() for field in fields):
                continue
            where = "%s line %d" % (name, line_number)
            if len(fields) != len(MEASUREMENTS) + 1:
                raise ValueError(
                    "%s: expected %d fields (%s, species), got %d"
                    % (where, len(MEASUREMENTS) + 1, ", ".join(MEASUREMENTS), len(fields))
                )
            species = fields[-1].strip()
            if species not in CLASSES:
                raise ValueError("%s: species must be one of %s (got %r)" % (where, ", ".join(CLASSES), species))
            row = []
            for column, value in zip(MEASUREMENTS, fields):
                try:
                    number = float(value)
                except ValueError:
                    number = float("nan")
                if not np.isfinite(number):
                    raise ValueError("%s: %s must be a finite number (got %r)" % (where, column, value.strip()))
                row.append(number)
            features.append(row)
            labels.append(CLASSES.index(species))
    if not labels:
        raise ValueError("%s has no rows" % name)
    return np.array(features), np.array(labels)


def split(labels):
    """Row indices (training, validation, testing): each class shuffled with SEED, cut at 70 % and 80 %."""
    random = np.random.RandomState(SEED)
    parts = ([], [], [])
    for index in range(len(CLASSES)):
        rows = np.flatnonzero(labels == index)
        shuffled = rows[random.permutation(len(rows))]
        training_end = int(round(TRAINING_END * len(rows)))
        validation_end = int(round(VALIDATION_END * len(rows)))
        for part, chunk in zip(parts, np.split(shuffled, [training_end, validation_end])):
            part.extend(chunk.tolist())
    # File order within each split keeps the outputs easy to trace back to iris.data.
    return tuple(np.array(sorted(part), dtype=int) for part in parts)


def write_csv(path, labels, features):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as output:
        writer = csv.writer(output, lineterminator="\n")
        for label, row in zip(labels, features):
            writer.writerow([int(label)] + [repr(float(value)) for value in row])
    print("wrote %d rows to %s" % (len(labels), path))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input-dir", default="/opt/ml/processing/input")
    parser.add_argument("--output-dir", default="/opt/ml/processing/output")
    args = parser.parse_args(argv)

    raw_path = os.path.join(args.input_dir, "iris.data")
    features, labels = read_raw(raw_path)
    training, validation, testing = split(labels)
    for name, rows in (("training", training), ("validation", validation), ("testing", testing)):
        if len(rows) == 0:
            raise ValueError(
                "%s has %d rows: too few to split (%s gets none; each class is cut at %d %% and %d %%)"
                % (raw_path, len(labels), name, TRAINING_END * 100, VALIDATION_END * 100)
            )

    outputs = {
        os.path.join(args.output_dir, "training", "training.csv"): training,
        os.path.join(args.output_dir, "training", "validation.csv"): validation,
        os.path.join(args.output_dir, "testing", "testing.csv"): testing,
    }
    for path, rows in outputs.items():
        write_csv(path, labels[rows], features[rows])
    return 0


if __name__ == "__main__":
    sys.exit(main())
