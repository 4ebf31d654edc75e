"""Runs a SageMaker script the way its container does, with the container's /opt/ml under a local root.

    python3 container.py <root> <script> [arguments...]

The script runs as __main__ with its own argparse defaults, except that a default container path
(/opt/ml/...) is read under <root>: the paths SageMaker mounts are <root>/opt/ml/... here.

    python3 container.py --jobs <module>[,<module>...]

imports the modules, then runs one job per line of standard input, a JSON object {"root", "script",
"arguments", "env", "cwd"}, as above but in a process forked from this one (the job's environment
variables added to its own, its PYTHONPATH put on sys.path as Python does at start-up), so that no job
imports those modules again; it answers each with a line {"status", "stdout", "stderr"}: the exit
status and output of the job as the command above gives them.
"""
import argparse
import json
import os
import runpy
import sys
import tempfile
import traceback

add_argument = argparse._ActionsContainer.add_argument


def run(root, script, arguments):
    def add_rerooted_argument(self, *args, **kwargs):
        default = kwargs.get("default")
        if isinstance(default, str) and default.startswith("/opt/ml/"):
            kwargs["default"] = root + default
        return add_argument(self, *args, **kwargs)

    argparse._ActionsContainer.add_argument = add_rerooted_argument
    sys.argv = [script, *arguments]
    sys.path.insert(0, os.path.dirname(script))
    runpy.run_path(script, run_name="__main__")


def exit_status(exit):
    """What the interpreter makes of an uncaught SystemExit: its code, or its message on stderr and 1."""
    if exit.code is None or isinstance(exit.code, int):
        return exit.code or 0
    print(exit.code, file=sys.stderr)
    return 1


def forked(job):
    """Runs one job in a child process; (status, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # the job lines are the server's, not the job's
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            os.chdir(job["cwd"])
            os.environ.update(job["env"])
            sys.path[1:1] = [entry for entry in job["env"].get("PYTHONPATH", "").split(os.pathsep) if entry]
            try:
                run(job["root"], job["script"], job["arguments"])
                status = 0
            except SystemExit as exit:
                status = exit_status(exit)
            except BaseException:
                traceback.print_exc()
                status = 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
        _, wait_status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        return os.waitstatus_to_exitcode(wait_status), out.read().decode(errors="replace"), err.read().decode(errors="replace")


if sys.argv[1] == "--jobs":
    for module in sys.argv[2].split(","):
        __import__(module)
    for line in sys.stdin:
        status, stdout, stderr = forked(json.loads(line))
        print(json.dumps({"status": status, "stdout": stdout, "stderr": stderr}), flush=True)
else:
    root, script, *arguments = sys.argv[1:]
    run(root, script, arguments)
