import { spawn, spawnSync } from "child_process";
import * as path from "path";
import { createInterface } from "readline";
import { findPython, PYTHON_CANDIDATES, prerequisitesMessage } from "../../tools/prerequisites";

/** The Python of every test: PYTHON, which test/global/setup.ts sets to the one `npm test` checked. */
export const PYTHON = process.env.PYTHON ?? PYTHON_CANDIDATES[0];

/** Runs a SageMaker script as its container does, its /opt/ml under a local root (see the file). */
export const CONTAINER = path.join(__dirname, "container.py");

/** The prerequisite check's message when no Python has the SageMaker scripts' modules; undefined when PYTHON has them. */
export function missingScriptPrerequisites(): string | undefined {
  return prerequisitesMessage({ python: findPython(), shellcheck: true });
}

/**
 * The Python's environment: it writes no byte-code (never into models/), but reads the installed packages'
 * own: a PYTHONPYCACHEPREFIX would hide it, and every import of scikit-learn would compile it again
 * (2.4 s of CPU instead of 1.1).
 */
const pythonEnv = (env: Record<string, string> = {}) => ({ ...process.env, PYTHONDONTWRITEBYTECODE: "1", ...env });

const cannotRun = (why: string) =>
  new Error(`${PYTHON} could not run (${why}); set PYTHON to a Python 3 with the scripts' modules (tools/prerequisites.ts)`);

/** Runs PYTHON with `args`, extra environment variables and a working directory. */
export function runPython(args: string[], env: Record<string, string> = {}, cwd?: string) {
  const result = spawnSync(PYTHON, args, { encoding: "utf8", cwd, env: pythonEnv(env) });
  if (result.error) throw cannotRun(result.error.message);
  return result;
}

/** A finished run: its exit status and output. */
export interface PythonRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * One Python that imports `modules` once, then runs each job (`CONTAINER root script args...`, with
 * extra environment variables, in a working directory: `root` unless given) in a fork of itself: a job that needs scikit-learn starts in milliseconds
 * instead of a second. A fork inherits its parent's hash seed: a check that two runs agree runs the
 * second with runPython. close() it after the file.
 */
export class ContainerJobs {
  private readonly server;
  private readonly waiting: Array<{ resolve: (run: PythonRun) => void; reject: (error: Error) => void }> = [];
  private readonly closed: Promise<void>;

  constructor(modules: string[]) {
    this.server = spawn(PYTHON, [CONTAINER, "--jobs", modules.join(",")], { env: pythonEnv() });
    createInterface({ input: this.server.stdout }).on("line", (line) => this.waiting.shift()?.resolve(JSON.parse(line)));
    let stderr = "";
    this.server.stderr.on("data", (chunk) => (stderr += chunk));
    this.closed = new Promise((resolve) =>
      this.server.on("close", (code) => {
        for (const job of this.waiting.splice(0)) job.reject(cannotRun(`container.py --jobs ended with ${code}: ${stderr}`));
        resolve();
      }),
    );
    // A server that died is reported by "close" above, not by a write to its closed stdin.
    this.server.stdin.on("error", () => undefined);
    this.server.on("error", (error) => {
      for (const job of this.waiting.splice(0)) job.reject(cannotRun(error.message));
    });
  }

  run(root: string, script: string, args: string[] = [], env: Record<string, string> = {}, cwd = root): Promise<PythonRun> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.server.stdin.write(`${JSON.stringify({ root, script, arguments: args, env, cwd })}\n`);
    });
  }

  close(): Promise<void> {
    this.server.stdin.end();
    return this.closed;
  }
}
