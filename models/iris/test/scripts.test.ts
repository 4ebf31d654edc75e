/**
 * The iris model's SageMaker scripts, run for real on the carried iris.data the way the workflow runs
 * them: each in a local stand-in of its container (its /opt/ml paths under a temporary root, with
 * SageMaker's environment variables), model.tar.gz packed as SageMaker packs it, then the serving
 * functions the scikit-learn inference container calls.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CONTAINER, ContainerJobs, missingScriptPrerequisites, PYTHON, PythonRun, runPython } from "../../../test/helpers/python";

const MODEL = path.resolve(__dirname, "..");
const SCRIPTS = MODEL;
const RAW_DATA = path.join(MODEL, "data", "iris.data");
/** preprocessing.py's class order: a class index is a position in this list. */
const CLASSES = ["setosa", "versicolor", "virginica"];
/** The gate the example ships with (NOTES.md): accuracy must be above it. */
const SUGGESTED_THRESHOLD = 0.9;

const missing =
  missingScriptPrerequisites() ??
  // Located, not imported: importing scikit-learn costs a second of CPU.
  (runPython(["-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('joblib') is None)"]).status === 0
    ? undefined
    : `The iris script tests need scikit-learn and joblib in ${PYTHON}. Install with: sudo apt-get install python3-sklearn (Debian/Ubuntu) or ${PYTHON} -m pip install scikit-learn.`);
const describeScripts: (name: string, tests: () => void) => void = missing ? () => undefined : describe;
if (missing) {
  it("has its prerequisites: python3 with numpy, pandas and scikit-learn", () => {
    throw new Error(missing);
  });
}

// Every test runs Python, and importing scikit-learn alone takes seconds on a busy machine.
jest.setTimeout(60_000);

/** Every job's Python, with what the scripts import imported once (test/helpers/python.ts). */
let jobs: ContainerJobs;
if (!missing) {
  beforeAll(() => (jobs = new ContainerJobs(["numpy", "joblib", "sklearn.ensemble"])));
  afterAll(() => jobs.close());
}

/**
 * Runs `script` in a container rooted at `root` (its argparse defaults' /opt/ml paths under it, as the
 * workflow runs it: no flags), with `args` and extra environment variables; `fresh`, in a Python of its own,
 * as the second run of a determinism check needs (ContainerJobs).
 */
const inContainer = async (root: string, script: string, args: string[] = [], env: Record<string, string> = {}, fresh = false) =>
  fresh ? runPython([CONTAINER, root, script, ...args], env, root) : jobs.run(root, script, args, env);

/** Copies `file` to `<root><containerDir>/<name>`. */
function place(root: string, containerDir: string, file: string, name = path.basename(file)) {
  fs.mkdirSync(path.join(root, containerDir), { recursive: true });
  fs.copyFileSync(file, path.join(root, containerDir, name));
}

const readCsv = (file: string) =>
  fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => line.split(","));

/** Pre-process Data's job: iris.data in /opt/ml/processing/input, the script in .../input/code. */
function preprocess(root: string, rawData: string, fresh = false) {
  place(root, "opt/ml/processing/input", rawData, "iris.data");
  place(root, "opt/ml/processing/input/code", path.join(SCRIPTS, "preprocessing.py"));
  return inContainer(root, path.join(root, "opt/ml/processing/input/code/preprocessing.py"), [], {}, fresh);
}

/**
 * A scikit-learn script-mode training job: the source directory in /opt/ml/code, the training channel
 * in /opt/ml/input/data/training (SM_CHANNEL_TRAINING), hyperparameters as `--name value`; then
 * /opt/ml/model packed as model.tar.gz at the archive's root, as SageMaker uploads it.
 */
async function train(root: string, channel: string, hyperParameters: string[], fresh = false) {
  place(root, "opt/ml/code", path.join(SCRIPTS, "train.py"));
  for (const file of ["training.csv", "validation.csv"]) place(root, "opt/ml/input/data/training", path.join(channel, file));
  const modelDir = path.join(root, "opt/ml/model");
  fs.mkdirSync(modelDir, { recursive: true });
  const env = { SM_MODEL_DIR: modelDir, SM_CHANNEL_TRAINING: path.join(root, "opt/ml/input/data/training") };
  const run = await inContainer(root, path.join(root, "opt/ml/code/train.py"), hyperParameters, env, fresh);
  const artifact = path.join(root, "model.tar.gz");
  if (run.status === 0) tar(["-czf", artifact, "-C", modelDir, ...fs.readdirSync(modelDir).sort()]);
  return { run, modelDir, artifact };
}

/** Model Evaluation's job: model.tar.gz in /opt/ml/processing/model, testing.csv in .../testing. */
async function evaluate(root: string, artifact: string, testing: string) {
  place(root, "opt/ml/processing/model", artifact, "model.tar.gz");
  place(root, "opt/ml/processing/testing", testing);
  place(root, "opt/ml/processing/input/code", path.join(SCRIPTS, "evaluate.py"));
  const run = await inContainer(root, path.join(root, "opt/ml/processing/input/code/evaluate.py"));
  const output = path.join(root, "opt/ml/processing/evaluation/evaluation.json");
  return { run, evaluation: run.status === 0 ? (JSON.parse(fs.readFileSync(output, "utf8")) as Evaluation) : undefined };
}

interface Evaluation {
  GroundTruth: number[];
  Predictions: number[];
}

const accuracy = ({ GroundTruth, Predictions }: Evaluation) =>
  GroundTruth.filter((truth, i) => truth === Predictions[i]).length / GroundTruth.length;

function tar(args: string[]) {
  const result = spawnSync("tar", args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`tar ${args.join(" ")}: ${result.stderr || result.error}`);
}

/** The last line of a failed script's stderr: the error the job reports. */
const lastLine = (stderr: string) => stderr.trim().split("\n").pop();

describeScripts("the iris scripts on the carried iris.data: pre-process, train, pack, evaluate, serve", () => {
  let work: string;
  const dir = (name: string) => path.join(work, name);
  const split = (file: string) => path.join(work, "preprocess/opt/ml/processing/output", file);
  let preprocessing: PythonRun;
  let training: Awaited<ReturnType<typeof train>>;
  let evaluation: Awaited<ReturnType<typeof evaluate>>;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "iris-scripts-"));
    preprocessing = await preprocess(dir("preprocess"), RAW_DATA);
    // SageMaker passes the hyperparameters as strings; these are train.py's defaults (NOTES.md).
    training = await train(dir("train"), split("training"), ["--n-estimators", "100", "--max-depth", "3"]);
    evaluation = await evaluate(dir("evaluate"), training.artifact, split("testing/testing.csv"));
  }, 120_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  describe("preprocessing.py", () => {
    it("runs with its container defaults", () => {
      expect(preprocessing.stderr).toBe("");
      expect(preprocessing.status).toBe(0);
    });

    it("splits the 150 rows 70/10/20 within each class: 35/5/10 of every species", () => {
      const counts = (file: string) =>
        CLASSES.map((_, index) => readCsv(split(file)).filter((row) => row[0] === String(index)).length);
      expect(counts("training/training.csv")).toEqual([35, 35, 35]);
      expect(counts("training/validation.csv")).toEqual([5, 5, 5]);
      expect(counts("testing/testing.csv")).toEqual([10, 10, 10]);
    });

    it("writes every row of iris.data once, as its class index then its 4 measurements, no header", () => {
      const written = ["training/training.csv", "training/validation.csv", "testing/testing.csv"].flatMap((file) =>
        readCsv(split(file)),
      );
      const raw = readCsv(RAW_DATA).map(([...fields]) => {
        const species = fields.pop()!;
        return [CLASSES.indexOf(species), ...fields.map(Number)];
      });
      const key = (row: number[]) => row.join(",");
      expect(written.map((row) => key(row.map(Number))).sort()).toEqual(raw.map(key).sort());
      for (const row of written) expect(row).toHaveLength(5);
    });

    it("is deterministic: a second run writes the same bytes", async () => {
      const again = await preprocess(dir("preprocess-again"), RAW_DATA, true);
      expect(again.status).toBe(0);
      for (const file of ["training/training.csv", "training/validation.csv", "testing/testing.csv"]) {
        const second = path.join(dir("preprocess-again"), "opt/ml/processing/output", file);
        expect(fs.readFileSync(second, "utf8")).toBe(fs.readFileSync(split(file), "utf8"));
      }
    });
  });

  describe("train.py in script mode", () => {
    it("trains with the hyperparameters and writes model.joblib alone to SM_MODEL_DIR", () => {
      expect(training.run.stderr).toBe("");
      expect(training.run.status).toBe(0);
      expect(training.run.stdout).toMatch(/validation accuracy: \d\.\d{4}/);
      expect(fs.readdirSync(training.modelDir)).toEqual(["model.joblib"]);
    });

    it("defaults to those hyperparameters, ignores what script mode adds, and is deterministic: the same model, byte for byte", async () => {
      const defaults = await train(dir("train-defaults"), split("training"), ["--model_dir", "s3://bucket/run/model"], true);
      expect(defaults.run.stderr).toBe("");
      expect(defaults.run.status).toBe(0);
      const model = (modelDir: string) => fs.readFileSync(path.join(modelDir, "model.joblib"));
      expect(model(defaults.modelDir)).toEqual(model(training.modelDir));
    });

    it.each([
      [["--max-depth", "0"], "train.py: error: --max-depth must be an integer >= 1 (got 0)"],
      [["--n-estimators", "-5"], "train.py: error: --n-estimators must be an integer >= 1 (got -5)"],
      [["--n-estimators", "many"], "train.py: error: argument --n-estimators: invalid int value: 'many'"],
    ])("fails on bad hyperparameters %j, naming the flag, the value and the rule", async (hyperParameters, message) => {
      const bad = await train(dir(`train-bad-${hyperParameters.join("")}`), split("training"), hyperParameters);
      expect(bad.run.status).not.toBe(0);
      expect(lastLine(bad.run.stderr)).toBe(message);
    });
  });

  describe("evaluate.py", () => {
    it("writes evaluation.json: the testing rows' class indices and one predicted class index each", () => {
      expect(evaluation.run.stderr).toBe("");
      expect(evaluation.run.status).toBe(0);
      const { GroundTruth, Predictions } = evaluation.evaluation!;
      expect(Object.keys(evaluation.evaluation!).sort()).toEqual(["GroundTruth", "Predictions"]);
      expect(GroundTruth).toEqual(readCsv(split("testing/testing.csv")).map((row) => Number(row[0])));
      expect(Predictions).toHaveLength(GroundTruth.length);
      for (const prediction of Predictions) expect([0, 1, 2]).toContain(prediction);
    });

    it("scores above the suggested threshold with the default hyperparameters, and a one-stump forest does not", async () => {
      expect(accuracy(evaluation.evaluation!)).toBeGreaterThan(SUGGESTED_THRESHOLD);
      const stump = await train(dir("train-stump"), split("training"), ["--n-estimators", "1", "--max-depth", "1"]);
      const weak = await evaluate(dir("evaluate-stump"), stump.artifact, split("testing/testing.csv"));
      expect(weak.run.status).toBe(0);
      // One split can tell at most two of the three species apart.
      expect(accuracy(weak.evaluation!)).toBeLessThanOrEqual(2 / 3);
    });

    it("fails clearly when model.tar.gz holds no model.joblib", async () => {
      const root = dir("evaluate-bad");
      const empty = path.join(work, "empty");
      fs.mkdirSync(empty);
      fs.writeFileSync(path.join(empty, "model.h5"), "not this model's");
      tar(["-czf", path.join(work, "other-model.tar.gz"), "-C", empty, "model.h5"]);
      const { run } = await evaluate(root, path.join(work, "other-model.tar.gz"), split("testing/testing.csv"));
      expect(run.status).not.toBe(0);
      expect(lastLine(run.stderr)).toBe(
        "ValueError: model.tar.gz has no model.joblib at its root: is it this model's training output?",
      );
    });
  });

  describe("serving: the functions the scikit-learn inference container calls", () => {
    const CONTENT_TYPES = ["text/csv", "text/csv; charset=utf-8"];
    const BAD_REQUESTS = {
      contentType: "train.input_fn('5.1,3.5,1.4,0.2', 'application/json')",
      notANumber: "train.input_fn('5.1,3.5,1.4,0.2\\n6.0,wide,4.5,1.5\\n', 'text/csv')",
      notFinite: "train.input_fn('5.1,3.5,nan,0.2', 'text/csv')",
      ragged: "train.input_fn('5.1,3.5,1.4,0.2\\n6.0,2.2\\n', 'text/csv')",
      empty: "train.input_fn(b'\\n', 'text/csv')",
      withLabel: "train.predict_fn(train.input_fn('0,5.1,3.5,1.4,0.2', 'text/csv'), model)",
      accept: "train.output_fn([0, 2], 'text/csv')",
    };
    let served: { stderr: string; responses: { body: string; contentType: string }[]; errors: Record<string, string> };

    // One job: train.py imported as the container imports SAGEMAKER_PROGRAM, the model unpacked from
    // model.tar.gz, then every request below.
    beforeAll(async () => {
      const modelDir = dir("serving-model");
      fs.mkdirSync(modelDir);
      tar(["-xzf", training.artifact, "-C", modelDir]);
      // What a client sends: the testing rows without their label.
      const body = readCsv(split("testing/testing.csv"))
        .map((row) => row.slice(1).join(","))
        .join("\n");
      const script = [
        "import json, sys",
        `sys.path.insert(0, ${JSON.stringify(SCRIPTS)})`,
        "import train",
        `model = train.model_fn(${JSON.stringify(modelDir)})`,
        "responses, errors = [], {}",
        `for content_type in ${JSON.stringify(CONTENT_TYPES)}:`,
        `    features = train.input_fn(${JSON.stringify(body + "\n")}.encode(), content_type)`,
        "    responses.append(train.output_fn(train.predict_fn(features, model), 'application/json'))",
        ...Object.entries(BAD_REQUESTS).flatMap(([name, request]) => [
          "try:",
          `    ${request}`,
          `    errors[${JSON.stringify(name)}] = 'accepted'`,
          "except ValueError as error:",
          `    errors[${JSON.stringify(name)}] = str(error)`,
        ]),
        "print(json.dumps({'responses': [{'body': b, 'contentType': t} for b, t in responses], 'errors': errors}))",
      ].join("\n");
      fs.mkdirSync(dir("serving"));
      fs.writeFileSync(path.join(dir("serving"), "serve.py"), script);
      const run = await jobs.run(dir("serving"), path.join(dir("serving"), "serve.py"));
      served = { stderr: run.stderr, ...(run.status === 0 ? JSON.parse(run.stdout) : { responses: [], errors: {} }) };
    });

    it("answers a text/csv body of testing rows (bytes, with or without a charset) with application/json class indices, the evaluation's", () => {
      expect(served.stderr).toBe("");
      expect(served.responses).toHaveLength(CONTENT_TYPES.length);
      for (const response of served.responses) {
        expect(response.contentType).toBe("application/json");
        expect(JSON.parse(response.body)).toEqual(evaluation.evaluation!.Predictions);
      }
    });

    it("refuses bad requests with an error naming the line, value or content type and the rule", () => {
      expect(served.errors).toEqual({
        contentType: "request content type must be text/csv (got 'application/json')",
        notANumber: "request line 2: every field must be a number (got '6.0,wide,4.5,1.5')",
        notFinite: "request line 1: every field must be a finite number (got '5.1,3.5,nan,0.2')",
        ragged: "request line 2: 2 fields, but line 1 has 4",
        empty: "request body has no rows: send one CSV line of measurements per prediction",
        withLabel: "each request row must have 4 measurements, the model's features (got 5)",
        accept: "response content type (Accept) must be application/json (got 'text/csv')",
      });
    });
  });
});

describeScripts("preprocessing.py on bad input", () => {
  let work: string;
  beforeAll(() => (work = fs.mkdtempSync(path.join(os.tmpdir(), "iris-bad-"))));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const firstRows = (count: number) =>
    readCsv(RAW_DATA)
      .slice(0, count)
      .map((row) => row.join(","));

  it.each([
    [
      "an unknown species",
      [...firstRows(1), "4.9,3.0,1.4,0.2,Iris-setosa"],
      "iris.data line 2: species must be one of setosa, versicolor, virginica (got 'Iris-setosa')",
    ],
    [
      "a measurement that is not a number",
      [...firstRows(2), "4.7,,1.3,0.2,setosa"],
      "iris.data line 3: sepal_width must be a finite number (got '')",
    ],
    [
      "a row with a field missing",
      ["5.1,3.5,1.4,setosa"],
      "iris.data line 1: expected 5 fields (sepal_length, sepal_width, petal_length, petal_width, species), got 4",
    ],
  ])("fails on %s, naming the line, the value and the rule", async (_, rows, message) => {
    const raw = path.join(work, "iris.data");
    fs.writeFileSync(raw, rows.join("\n") + "\n");
    const run = await preprocess(fs.mkdtempSync(path.join(work, "job-")), raw);
    expect(run.status).not.toBe(0);
    expect(lastLine(run.stderr)).toBe(`ValueError: ${message}`);
  });

  it("fails when the rows are too few to give every split a row", async () => {
    const raw = path.join(work, "iris.data");
    fs.writeFileSync(raw, firstRows(3).join("\n") + "\n");
    const run = await preprocess(fs.mkdtempSync(path.join(work, "job-")), raw);
    expect(run.status).not.toBe(0);
    expect(lastLine(run.stderr)).toMatch(
      /^ValueError: \S+\/iris\.data has 3 rows: too few to split \(validation gets none; each class is cut at 70 % and 80 %\)$/,
    );
  });
});
