/**
 * `npm test`'s first step, run as `npm test` runs it, on a PATH of our making: a real Python 3
 * without the modules (a bare venv), a broken `python`, shellcheck present or not.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findPython } from "../../tools/prerequisites";
import { PYTHON } from "../helpers/python";

const ROOT = path.resolve(__dirname, "../..");
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

let dir: string;
let bare: string;
let brokenBin: string;
let shellcheckBin: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "prerequisites-"));
  const created = spawnSync(PYTHON, ["-m", "venv", "--without-pip", path.join(dir, "venv")], { encoding: "utf8" });
  expect(created.stderr).toBe("");
  bare = path.join(dir, "venv", "bin", "python3");
  // A `python` that is not Python 3, the way Python 2 fails on the check's print().
  brokenBin = path.join(dir, "broken");
  fs.mkdirSync(brokenBin);
  fs.writeFileSync(path.join(brokenBin, "python"), '#!/bin/sh\necho "SyntaxError: invalid syntax" >&2\nexit 1\n', {
    mode: 0o755,
  });
  // The machine's shellcheck, alone in a folder.
  shellcheckBin = path.join(dir, "shellcheck");
  fs.mkdirSync(shellcheckBin);
  const real = spawnSync("sh", ["-c", "command -v shellcheck"], { encoding: "utf8" }).stdout.trim();
  fs.symlinkSync(real, path.join(shellcheckBin, "shellcheck"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The `test` script's first command, run with this environment only. */
function check(env: NodeJS.ProcessEnv, ...args: string[]) {
  const [node, ...command] = (PACKAGE.scripts.test as string).split(" && ")[0].split(" ");
  expect(node).toBe("node");
  return spawnSync(process.execPath, [...command, ...args], { cwd: ROOT, env, encoding: "utf8" });
}

describe("npm test's prerequisite check", () => {
  it("is the first step of npm test", () => {
    expect(PACKAGE.scripts.test).toMatch(/^node --require \.\/tools\/register-ts\.js tools\/prerequisites\.ts && /);
  });

  it("names everything missing, with one install line per platform, and exits 1", () => {
    const run = check({ PATH: path.join(dir, "empty"), PYTHON: bare });
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      [
        "npm test needs what it could not find:",
        `  - a Python 3 that imports pandas, numpy and sklearn, for the SageMaker scripts' tests: PYTHON=${bare} has no pandas, no numpy, no sklearn`,
        "  - shellcheck, which checks the buildspecs', the workflows' and .ci/run's shell: not found",
        "Install it, then run npm test again:",
        "  Debian/Ubuntu:        sudo apt-get install python3-pandas python3-numpy python3-sklearn shellcheck",
        "  macOS (Homebrew):     brew install shellcheck && python3 -m venv ~/.venvs/ml-release && ~/.venvs/ml-release/bin/pip install pandas numpy scikit-learn && export PYTHON=~/.venvs/ml-release/bin/python3",
        "  pip (pyenv, a venv):  python3 -m pip install pandas numpy scikit-learn",
        "PYTHON is set: the tests use that Python; unset it to use the first of python3, /usr/bin/python3, python that has them.",
        "",
      ].join("\n"),
    );
    expect(run.status).toBe(1);
  });

  it("asks only for shellcheck when the Python is there", () => {
    const run = check({ PATH: path.join(dir, "empty"), PYTHON });
    expect(run.stderr).toContain(
      "  Debian/Ubuntu:     sudo apt-get install shellcheck\n  macOS (Homebrew):  brew install shellcheck\n",
    );
    expect(run.stderr).not.toContain("Python 3 that imports");
    expect(run.status).toBe(1);
  });

  it("says nothing and exits 0 when everything is there", () => {
    const run = check({ PATH: shellcheckBin, PYTHON });
    expect([run.stdout, run.stderr, run.status]).toEqual(["", "", 0]);
  });

  it("prints the Debian packages of what is missing for .ci/run, nothing when nothing is", () => {
    expect(check({ PATH: path.join(dir, "empty"), PYTHON: bare }, "--debian-packages").stdout).toBe(
      "python3-pandas python3-numpy python3-sklearn shellcheck\n",
    );
    expect(check({ PATH: shellcheckBin, PYTHON }, "--debian-packages").stdout).toBe("\n");
  });
});

describe("findPython", () => {
  it("takes the first candidate that has every module, saying what each one before it lacks", () => {
    // python3 on PATH is the bare venv (as pyenv's python3 without pandas would be); `python` is broken.
    const missingPython = path.join(dir, "no-such-python3");
    const found = findPython({ PATH: `${brokenBin}:${path.dirname(bare)}` }, [
      "python3",
      missingPython,
      "python",
      PYTHON,
      "python3",
    ]);
    expect(found).toEqual({
      python: PYTHON,
      tried: [
        { command: "python3", executable: bare, missing: ["pandas", "numpy", "sklearn"] },
        { command: missingPython, missing: ["pandas", "numpy", "sklearn"], problem: "not found" },
        {
          command: "python",
          missing: ["pandas", "numpy", "sklearn"],
          problem: "does not run as Python 3 (SyntaxError: invalid syntax)",
        },
        { command: PYTHON, executable: expect.any(String), missing: [] },
      ],
    });
  });

  it("tries python3 on PATH first", () => {
    expect(findPython({ PATH: path.dirname(bare) }).tried[0]).toEqual({
      command: "python3",
      executable: bare,
      missing: ["pandas", "numpy", "sklearn"],
    });
  });

  it("takes PYTHON as set, without trying the others", () => {
    const found = findPython({ PATH: path.dirname(bare), PYTHON: bare });
    expect(found).toEqual({ tried: [{ command: bare, executable: bare, missing: ["pandas", "numpy", "sklearn"] }] });
    expect(findPython({ PATH: process.env.PATH, PYTHON }).python).toBe(PYTHON);
  });
});
