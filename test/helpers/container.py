"""Runs a SageMaker script the way its container does, with the container's /opt/ml under a local root.

    python3 container.py <root> <script> [arguments...]

The script runs as __main__ with its own argparse defaults, except that a default container path
(/opt/ml/...) is read under <root>: the paths SageMaker mounts are <root>/opt/ml/... here.
"""
import argparse
import os
import runpy
import sys

root, script, *arguments = sys.argv[1:]
add_argument = argparse._ActionsContainer.add_argument


def add_rerooted_argument(self, *args, **kwargs):
    default = kwargs.get("default")
    if isinstance(default, str) and default.startswith("/opt/ml/"):
        kwargs["default"] = root + default
    return add_argument(self, *args, **kwargs)


argparse._ActionsContainer.add_argument = add_rerooted_argument
sys.argv = [script, *arguments]
sys.path.insert(0, os.path.dirname(script))
runpy.run_path(script, run_name="__main__")
