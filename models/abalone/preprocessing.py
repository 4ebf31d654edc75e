"""Pre-process Data: abalone.data -> training, validation and testing CSV files (label first).

Runs in the SageMaker scikit-learn processing container:
    python3 /opt/ml/processing/input/code/preprocessing.py
Reads  <input-dir>/abalone.data (headerless CSV).
Writes <output-dir>/training/training.csv, <output-dir>/training/validation.csv and
       <output-dir>/testing/testing.csv (headerless; rings, 7 measurements, sex_F, sex_I, sex_M).
"""
import argparse
import os
import sys

import pandas as pd

RAW_COLUMNS = [
    "sex",
    "length",
    "diameter",
    "height",
    "whole_weight",
    "shucked_weight",
    "viscera_weight",
    "shell_weight",
    "rings",
]
LABEL = "rings"
MEASUREMENTS = RAW_COLUMNS[1:8]
SEXES = ["F", "I", "M"]
OUTPUT_COLUMNS = [LABEL] + MEASUREMENTS + ["sex_" + sex for sex in SEXES]
# Rows are split in file order: the first 80 % train, the next 15 % validate, the last 5 % test.
TRAINING_END = 0.80
VALIDATION_END = 0.95


def transform(raw):
    """Label first, then the measurements, then sex one-hot encoded as 0/1 integers."""
    unknown = sorted(set(raw["sex"]) - set(SEXES))
    if unknown:
        raise ValueError("sex must be one of %s (got %s)" % (", ".join(SEXES), ", ".join(map(str, unknown))))
    table = raw[[LABEL] + MEASUREMENTS].copy()
    for sex in SEXES:
        # Every category gets its column, even when a small file lacks it.
        table["sex_" + sex] = (raw["sex"] == sex).astype(int)
    return table[OUTPUT_COLUMNS]


def split(table):
    """(training, validation, testing) at 80 % and 95 % of the rows, in order."""
    rows = len(table)
    training_end = int(TRAINING_END * rows)
    validation_end = int(VALIDATION_END * rows)
    return table.iloc[:training_end], table.iloc[training_end:validation_end], table.iloc[validation_end:]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input-dir", default="/opt/ml/processing/input")
    parser.add_argument("--output-dir", default="/opt/ml/processing/output")
    args = parser.parse_args(argv)

    raw_path = os.path.join(args.input_dir, "abalone.data")
    raw = pd.read_csv(raw_path, header=None, names=RAW_COLUMNS)
    if raw.empty:
        raise ValueError("%s has no rows" % raw_path)
    training, validation, testing = split(transform(raw))

    outputs = {
        os.path.join(args.output_dir, "training", "training.csv"): training,
        os.path.join(args.output_dir, "training", "validation.csv"): validation,
        os.path.join(args.output_dir, "testing", "testing.csv"): testing,
    }
    for path, frame in outputs.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        frame.to_csv(path, header=False, index=False)
        print("wrote %d rows to %s" % (len(frame), path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
