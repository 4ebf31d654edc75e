/**
 * What `npm test` needs besides Node and `npm ci`, checked before anything else runs: a Python 3
 * that imports what the SageMaker scripts' tests import, and shellcheck. Prints nothing when both are
 * there; otherwise one message naming everything missing with one install line per platform, exit 1.
 * `--debian-packages` prints the Debian packages that provide what is missing instead (.ci/run).
 *
 * The Python is found, not configured: PYTHON if set, else the first of PYTHON_CANDIDATES that has
 * every module. The tests run the same one (test/global/setup.ts).
 */
import { spawnSync } from "child_process";

/** What the SageMaker scripts import (their containers ship them), by import name, pip name and Debian package. */
export const PYTHON_MODULES = [
  { module: "pandas", pip: "pandas", debian: "python3-pandas" },
  { module: "numpy", pip: "numpy", debian: "python3-numpy" },
  { module: "sklearn", pip: "scikit-learn", debian: "python3-sklearn" },
] as const;

export const PYTHON_CANDIDATES = ["python3", "/usr/bin/python3", "python"] as const;

// find_spec locates a module without running it: 0.2 s, where importing pandas and scikit-learn costs
// 1.3 s of CPU (6 s on a busy 2-core machine). The tests themselves import them.
const PROBE = [
  "import sys",
  "assert sys.version_info[0] == 3, 'Python %d' % sys.version_info[0]",
  "import importlib.util",
  "print(sys.executable)",
  "for name in sys.argv[1:]:",
  "    if importlib.util.find_spec(name) is None: print(name)",
].join("\n");

/** One Python tried: the command, where it resolved, and what it lacks (or why it does not run). */
export interface PythonProbe {
  command: string;
  executable?: string;
  missing: string[];
  problem?: string;
}

export function probePython(command: string, env: NodeJS.ProcessEnv = process.env): PythonProbe {
  const modules = PYTHON_MODULES.map((m) => m.module);
  const run = spawnSync(command, ["-c", PROBE, ...modules], { encoding: "utf8", env });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    return { command, missing: modules, problem: code === "ENOENT" ? "not found" : run.error.message };
  }
  if (run.status !== 0) {
    const reason = run.stderr.trim().split("\n").pop() || `exit ${run.status}`;
    return { command, missing: modules, problem: `does not run as Python 3 (${reason})` };
  }
  const [executable, ...missing] = run.stdout.split("\n").filter(Boolean);
  return { command, executable, missing };
}

/** PYTHON if set (whatever it lacks), else the first candidate with every module; every probe made, in order. */
export function findPython(
  env: NodeJS.ProcessEnv = process.env,
  candidates: readonly string[] = PYTHON_CANDIDATES,
): { python?: string; tried: PythonProbe[] } {
  const tried: PythonProbe[] = [];
  for (const command of env.PYTHON ? [env.PYTHON] : candidates) {
    const probe = probePython(command, env);
    tried.push(probe);
    if (probe.missing.length === 0) return { python: command, tried };
  }
  return { tried };
}

export interface Prerequisites {
  python: ReturnType<typeof findPython>;
  shellcheck: boolean;
}

export function checkPrerequisites(env: NodeJS.ProcessEnv = process.env): Prerequisites {
  const shellcheck = spawnSync("shellcheck", ["--version"], { env });
  return { python: findPython(env), shellcheck: !shellcheck.error && shellcheck.status === 0 };
}

export function debianPackages({ python, shellcheck }: Prerequisites): string[] {
  return [...(python.python ? [] : PYTHON_MODULES.map((m) => m.debian)), ...(shellcheck ? [] : ["shellcheck"])];
}

const list = (names: readonly string[]) =>
  names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;

function describeProbe(probe: PythonProbe, env: NodeJS.ProcessEnv): string {
  const name = env.PYTHON ? `PYTHON=${probe.command}` : probe.command;
  if (probe.problem) return `${name} ${probe.problem}`;
  const where = probe.executable && probe.executable !== probe.command ? ` (${probe.executable})` : "";
  return `${name}${where} has no ${probe.missing.join(", no ")}`;
}

/** The message for what is missing, or undefined when nothing is. */
export function prerequisitesMessage(found: Prerequisites, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { python, shellcheck } = found;
  if (python.python && shellcheck) return undefined;
  const modules = list(PYTHON_MODULES.map((m) => m.module));
  const pip = PYTHON_MODULES.map((m) => m.pip).join(" ");
  const venv = "~/.venvs/ml-release";
  const missing: string[] = [];
  const install: [string, string][] = [];
  if (!python.python) {
    missing.push(
      `a Python 3 that imports ${modules}, for the SageMaker scripts' tests: ${python.tried.map((p) => describeProbe(p, env)).join("; ")}`,
    );
  }
  if (!shellcheck) missing.push("shellcheck, which checks the buildspecs', the workflows' and .ci/run's shell: not found");
  install.push(["Debian/Ubuntu", `sudo apt-get install ${debianPackages(found).join(" ")}`]);
  const brew = shellcheck ? [] : ["brew install shellcheck"];
  const macPython = python.python
    ? []
    : [`python3 -m venv ${venv}`, `${venv}/bin/pip install ${pip}`, `export PYTHON=${venv}/bin/python3`];
  install.push(["macOS (Homebrew)", [...brew, ...macPython].join(" && ")]);
  if (!python.python) install.push(["pip (pyenv, a venv)", `python3 -m pip install ${pip}`]);
  const width = Math.max(...install.map(([platform]) => platform.length));
  return [
    "npm test needs what it could not find:",
    ...missing.map((line) => `  - ${line}`),
    "Install it, then run npm test again:",
    ...install.map(([platform, line]) => `  ${`${platform}:`.padEnd(width + 1)}  ${line}`),
    env.PYTHON
      ? `PYTHON is set: the tests use that Python; unset it to use the first of ${PYTHON_CANDIDATES.join(", ")} that has them.`
      : `The tests use PYTHON if set, else the first of ${PYTHON_CANDIDATES.join(", ")} that imports ${modules}.`,
  ].join("\n");
}

if (require.main === module) {
  const found = checkPrerequisites();
  if (process.argv.includes("--debian-packages")) {
    console.log(debianPackages(found).join(" "));
  } else {
    const message = prerequisitesMessage(found);
    if (message) {
      console.error(message);
      process.exit(1);
    }
  }
}
