import { spawnSync } from "child_process";
import { findPython, PYTHON_CANDIDATES, prerequisitesMessage } from "../../tools/prerequisites";

/** The Python of every test: PYTHON, which test/global/setup.ts sets to the one `npm test` checked. */
export const PYTHON = process.env.PYTHON ?? PYTHON_CANDIDATES[0];

/** The prerequisite check's message when no Python has the SageMaker scripts' modules; undefined when PYTHON has them. */
export function missingScriptPrerequisites(): string | undefined {
  return prerequisitesMessage({ python: findPython(), shellcheck: true });
}

/**
 * Runs PYTHON with `args`, extra environment variables and a working directory. It writes no byte-code
 * (never into models/), but reads the installed packages' own: a PYTHONPYCACHEPREFIX would hide it, and
 * every import of scikit-learn would compile it again (2.3 s of CPU instead of 1.0).
 */
export function runPython(args: string[], env: Record<string, string> = {}, cwd?: string) {
  const result = spawnSync(PYTHON, args, {
    encoding: "utf8",
    cwd,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", ...env },
  });
  if (result.error)
    throw new Error(
      `${PYTHON} could not run (${result.error.message}); set PYTHON to a Python 3 with the scripts' modules (tools/prerequisites.ts)`,
    );
  return result;
}
