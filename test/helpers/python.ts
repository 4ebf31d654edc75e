import { spawnSync } from "child_process";

/** The Python of every test: `PYTHON` if set, else `python3` on PATH. */
export const PYTHON = process.env.PYTHON || "python3";

/** What the SageMaker scripts import (their containers ship them). */
const SCRIPT_MODULES = ["pandas", "numpy"];
const PROBE =
  "import importlib, sys\nfor name in sys.argv[1:]:\n    try: importlib.import_module(name)\n    except ImportError: print(name)";

/**
 * Why the SageMaker scripts cannot run with `python`, in one line naming what is missing and how to
 * install it; undefined when it runs and imports pandas and numpy.
 */
export function missingScriptPrerequisites(python: string = PYTHON): string | undefined {
  const which = python === "python3" ? "python3 on PATH" : `PYTHON=${python}`;
  const install = (pip: string) =>
    `sudo apt-get install python3-pandas python3-numpy (Debian/Ubuntu, for /usr/bin/python3) or ${pip} -m pip install pandas numpy; or set PYTHON to a python3 that has them`;
  const probe = spawnSync(python, ["-c", PROBE, ...SCRIPT_MODULES], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    const reason = probe.error
      ? ((probe.error as NodeJS.ErrnoException).code ?? probe.error.message)
      : probe.stderr.trim().split("\n").pop();
    return `The SageMaker script tests need python3 with pandas and numpy: ${which} does not run (${reason}). Install python3, then ${install("python3")}.`;
  }
  const missing = probe.stdout.split("\n").filter(Boolean);
  if (missing.length === 0) return undefined;
  return `The SageMaker script tests need python3 with pandas and numpy: ${which} has no ${missing.join(" and no ")}. Install with: ${install(python)}.`;
}
