import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Debian's python3 has pandas and numpy (.ci/run installs python3-pandas, python3-numpy); PYTHON overrides it. */
const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";
const SCRIPTS = path.resolve(__dirname, "../../../assets/sagemaker");
const SEXES = ["M", "F", "I"];

/** Byte-code goes to a temporary directory, never into assets/. */
const PYCACHE = fs.mkdtempSync(path.join(os.tmpdir(), "pycache-"));
afterAll(() => fs.rmSync(PYCACHE, { recursive: true, force: true }));

function python(args: string[]) {
  const result = spawnSync(PYTHON, args, { encoding: "utf8", env: { ...process.env, PYTHONPYCACHEPREFIX: PYCACHE } });
  if (result.error) throw new Error(`${PYTHON} could not run (${result.error.message}); set PYTHON to a python3 with pandas and numpy`);
  return result;
}

/** Row i of a headerless abalone.data: sex, 7 measurements, rings (i + 1, so rows are traceable). */
function abaloneRow(i: number): string {
  const measurements = Array.from({ length: 7 }, (_, m) => ((i + 1) * 0.001 + m * 0.1).toFixed(4));
  return [SEXES[i % 3], ...measurements, String(i + 1)].join(",");
}

const readCsv = (file: string) =>
  fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => line.split(","));

describe("preprocessing.py on a generated abalone.data of 100 rows", () => {
  let work: string;
  let run: ReturnType<typeof python>;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "preprocessing-"));
    fs.mkdirSync(path.join(work, "input"));
    fs.writeFileSync(path.join(work, "input", "abalone.data"), Array.from({ length: 100 }, (_, i) => abaloneRow(i)).join("\n") + "\n");
    run = python([path.join(SCRIPTS, "preprocessing.py"), "--input-dir", path.join(work, "input"), "--output-dir", path.join(work, "output")]);
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const output = (...parts: string[]) => readCsv(path.join(work, "output", ...parts));

  it("runs successfully", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("splits the rows in order at 80 % and 95 %: 80 training, 15 validation, 5 testing", () => {
    const [training, validation, testing] = [output("training", "training.csv"), output("training", "validation.csv"), output("testing", "testing.csv")];
    expect([training.length, validation.length, testing.length]).toEqual([80, 15, 5]);
    const rings = [...training, ...validation, ...testing].map((row) => Number(row[0]));
    expect(rings).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it("writes headerless rows of 11 columns: rings, the 7 measurements, then sex_F, sex_I, sex_M", () => {
    const testing = output("testing", "testing.csv");
    for (const row of testing) expect(row).toHaveLength(11);
    // Row 95 (index 95): sex M, rings 96.
    const source = abaloneRow(95).split(",");
    expect(testing[0].slice(0, 8).map(Number)).toEqual([96, ...source.slice(1, 8).map(Number)]);
  });

  it("one-hot encodes sex as 0/1 integers in the order F, I, M", () => {
    const expected: Record<string, string[]> = { F: ["1", "0", "0"], I: ["0", "1", "0"], M: ["0", "0", "1"] };
    const rows = output("training", "training.csv");
    rows.forEach((row, i) => expect(row.slice(8)).toEqual(expected[SEXES[i % 3]]));
  });
});

describe("preprocessing.py on bad input", () => {
  it("fails naming an unknown sex value", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "preprocessing-bad-"));
    try {
      fs.mkdirSync(path.join(work, "input"));
      fs.writeFileSync(path.join(work, "input", "abalone.data"), `${abaloneRow(0)}\n${abaloneRow(1).replace(/^F/, "X")}\n`);
      const run = python([path.join(SCRIPTS, "preprocessing.py"), "--input-dir", path.join(work, "input"), "--output-dir", path.join(work, "output")]);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain("sex must be one of F, I, M (got X)");
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("the SageMaker scripts", () => {
  it.each(["preprocessing.py", "train.py", "evaluate.py"])("%s compiles with python3 -m py_compile", (script) => {
    const run = python(["-m", "py_compile", path.join(SCRIPTS, script)]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("train.py and evaluate.py scale feature rows to unit L2 norm identically (zero rows stay zero)", () => {
    const check = [
      "import sys, numpy as np",
      `sys.path.insert(0, ${JSON.stringify(SCRIPTS)})`,
      "import train, evaluate",
      "x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]])",
      "a, b = train.normalise_rows(x), evaluate.normalise_rows(x)",
      "assert np.array_equal(a, b), (a, b)",
      "assert np.allclose(a, [[0.6, 0.8], [0.0, 0.0], [1.0, 0.0]]), a",
      "print('ok')",
    ].join("\n");
    const run = python(["-c", check]);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("ok");
  });
});
