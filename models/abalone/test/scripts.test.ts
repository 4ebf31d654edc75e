import { modelLayout } from "../../../modules/s3-layout";
import { modelValues } from "../../../modules/model/settings";
import abalone from "../model";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { analyzeEvaluation } from "../../../assets/analyze-results/analyze";
import { getEnvironment } from "../../../environments";
import { modelScripts, trainingSourceDir } from "../../../modules/sagemaker-code";
import { runKeys } from "../../../modules/s3-layout";
import { simulateWorkflow, SimulationResult } from "../../../cli/simulate/local-run";
import { buildMlWorkflow, STATE_NAMES, successPath, gateStates } from "../../../modules/workflow/ml-workflow";
import { environmentWorkflowParams } from "../../../modules/workflow/render-environment";
import { executionInput } from "../../../modules/workflow/execution-input";
import { ContainerJobs, missingScriptPrerequisites, PythonRun, runPython } from "../../../test/helpers/python";
import { LocalSageMaker } from "./local-sagemaker";

/** The states a passing run enters. */
const SUCCESS_PATH = successPath(abalone.metric.direction);

/** abalone's gate outcomes. */
const GATE = gateStates(abalone.metric.direction, abalone.metric.name);

const SCRIPTS = path.resolve(__dirname, "..");
const SEXES = ["M", "F", "I"];

// Every test below needs PYTHON with the scripts' modules; `npm test` checks that first. Run alone without
// them, this one test fails with the check's message instead of every test failing on a missing output file.
const missing = missingScriptPrerequisites();
const describeScripts: (name: string, tests: () => void) => void = missing ? () => undefined : describe;
if (missing) {
  it("has its prerequisites: a Python with the scripts' modules", () => {
    throw new Error(missing);
  });
}

/** py_compile writes the byte-code it compiles: into a temporary directory, never into models/. */
const PYCACHE = fs.mkdtempSync(path.join(os.tmpdir(), "pycache-"));
afterAll(() => fs.rmSync(PYCACHE, { recursive: true, force: true }));

/** The scripts' Python, with what they import imported once (test/helpers/python.ts). */
let jobs: ContainerJobs;
if (!missing) {
  beforeAll(() => (jobs = new ContainerJobs(["numpy", "pandas"])));
  afterAll(() => jobs.close());
}

/** Runs preprocessing.py on `<work>/input/abalone.data`, writing under `<work>/output`. */
const preprocess = (work: string) =>
  jobs.run(work, path.join(SCRIPTS, "preprocessing.py"), [
    "--input-dir",
    path.join(work, "input"),
    "--output-dir",
    path.join(work, "output"),
  ]);

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

describeScripts("preprocessing.py on a generated abalone.data of 100 rows", () => {
  let work: string;
  let run: PythonRun;
  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "preprocessing-"));
    fs.mkdirSync(path.join(work, "input"));
    fs.writeFileSync(
      path.join(work, "input", "abalone.data"),
      Array.from({ length: 100 }, (_, i) => abaloneRow(i)).join("\n") + "\n",
    );
    run = await preprocess(work);
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const output = (...parts: string[]) => readCsv(path.join(work, "output", ...parts));

  it("runs successfully", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("splits the rows in order at 80 % and 95 %: 80 training, 15 validation, 5 testing", () => {
    const [training, validation, testing] = [
      output("training", "training.csv"),
      output("training", "validation.csv"),
      output("testing", "testing.csv"),
    ];
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

describeScripts("preprocessing.py on bad input", () => {
  it("fails naming an unknown sex value", async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "preprocessing-bad-"));
    try {
      fs.mkdirSync(path.join(work, "input"));
      fs.writeFileSync(path.join(work, "input", "abalone.data"), `${abaloneRow(0)}\n${abaloneRow(1).replace(/^F/, "X")}\n`);
      const run = await preprocess(work);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain("sex must be one of F, I, M (got X)");
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

describeScripts("the SageMaker scripts", () => {
  it.each(["preprocessing.py", "train.py", "evaluate.py"])("%s compiles with python3 -m py_compile", (script) => {
    const run = runPython(["-m", "py_compile", path.join(SCRIPTS, script)], { PYTHONPYCACHEPREFIX: PYCACHE });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("the model scales each feature row to unit L2 norm itself, so a row and its multiple get one prediction", () => {
    const check = [
      "import sys, numpy as np",
      `sys.path.insert(0, ${JSON.stringify(path.join(__dirname, "tensorflow-stand-in"))})`,
      `sys.path.insert(0, ${JSON.stringify(SCRIPTS)})`,
      "import train",
      "x = np.array([[3.0, 4.0], [1.0, 0.0], [0.0, 2.0], [2.0, 2.0]]); y = np.array([1.0, 2.0, 3.0, 4.0])",
      "model = train.build_model(2)",
      "model.fit(x, y, epochs=1, batch_size=1, validation_data=(x, y), verbose=0)",
      "a, b, z = model.predict(np.array([[3.0, 4.0], [6.0, 8.0], [0.0, 0.0]]), verbose=0).reshape(-1)",
      "assert np.isclose(a, b), (a, b)",
      "assert np.isfinite(z), z",
      "print('ok')",
    ].join("\n");
    const run = runPython(["-c", check]);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toContain("ok");
  });
});

describeScripts("the four scripts together: the dev workflow run locally on 200 generated rows", () => {
  const env = getEnvironment("dev");
  const bucket = "abalone-dev-artifacts-123456789012";
  const runId = "20250102030405";
  const { TrainingJobName: trainingJob } = executionInput(abalone.name, env.name, runId);
  const s3 = (key: string) => `s3://${bucket}/${key}`;
  const { definition } = buildMlWorkflow({ ...environmentWorkflowParams(env, abalone), artifactBucket: bucket });
  let work: string;

  /** Runs the workflow on a bucket holding the shipped scripts and `rows` as abalone.data. */
  async function runWorkflow(rows: string[]) {
    const sagemaker = new LocalSageMaker(fs.mkdtempSync(path.join(work, "run-")), (...job) => jobs.run(...job));
    sagemaker.put(s3(modelLayout(abalone).rawData), rows.join("\n") + "\n");
    sagemaker.put(s3(modelLayout(abalone).preprocessingScript), fs.readFileSync(modelScripts(abalone).preprocessing));
    sagemaker.put(s3(modelLayout(abalone).evaluationScript), fs.readFileSync(modelScripts(abalone).evaluation));
    sagemaker.put(s3(modelLayout(abalone).trainingSourceDir), trainingSourceDir(abalone));
    const result = await simulateWorkflow(definition, {
      runId,
      input: executionInput(abalone.name, env.name, runId),
      handlers: sagemaker.handlers(),
      analyze: (payload) => analyzeEvaluation(payload, sagemaker.read),
    });
    return { sagemaker, result };
  }

  let sagemaker: LocalSageMaker;
  let result: SimulationResult;
  let evaluation: { GroundTruth: number[]; Predictions: number[] };
  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-scripts-"));
    ({ sagemaker, result } = await runWorkflow(Array.from({ length: 200 }, (_, i) => abaloneRow(i))));
    evaluation = JSON.parse(await sagemaker.read(bucket, runKeys.evaluation(runId, trainingJob)));
  }, 60_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it("runs every task and reaches the threshold check", () => {
    expect(result.error ?? "").toBe("");
    const gate = SUCCESS_PATH.indexOf(STATE_NAMES.thresholdCheck) + 1;
    expect(result.path.slice(0, gate)).toEqual(SUCCESS_PATH.slice(0, gate));
  });

  it("leaves the spec's objects in the bucket, and writes only under the run's own prefix: split data, model.tar.gz, evaluation.json", () => {
    const inputs = [
      modelLayout(abalone).rawData,
      modelLayout(abalone).preprocessingScript,
      modelLayout(abalone).evaluationScript,
      modelLayout(abalone).trainingSourceDir,
    ];
    const written = [
      `${runKeys.trainingData(runId, trainingJob)}/training.csv`,
      `${runKeys.trainingData(runId, trainingJob)}/validation.csv`,
      `${runKeys.testingData(runId, trainingJob)}/testing.csv`,
      runKeys.modelArtifact(runId, trainingJob),
      runKeys.evaluation(runId, trainingJob),
    ];
    const objects = sagemaker.objects();
    expect(objects).toEqual(expect.arrayContaining([...inputs, ...written].map((key) => `${bucket}/${key}`)));
    // A step the template adds may write more, but only into the run's own prefix.
    const runPrefix = `${bucket}/${runId}/${trainingJob}/`;
    expect(objects.filter((object) => !object.startsWith(runPrefix))).toEqual(inputs.map((key) => `${bucket}/${key}`).sort());
  });

  it("packs model.h5 and a SavedModel under 1/ (what TensorFlow Serving loads) at the model's root", () => {
    const listing = spawnSync("tar", ["-tzf", sagemaker.local(s3(runKeys.modelArtifact(runId, trainingJob)))], {
      encoding: "utf8",
    });
    const files = listing.stdout.split("\n").filter((entry) => entry && !entry.endsWith("/"));
    expect(files.sort()).toEqual([
      "1/saved_model.pb",
      "1/variables/variables.data-00000-of-00001",
      "1/variables/variables.index",
      "model.h5",
    ]);
  });

  it("trains on the training channel's 160 rows of 10 features, validates on 30, with the environment's epochs and batch size", () => {
    const model = JSON.parse(
      fs.readFileSync(path.join(work, fs.readdirSync(work)[0], "jobs", trainingJob, "opt/ml/model/model.h5"), "utf8"),
    );
    expect(model.features).toBe(10);
    expect(model.fit).toEqual({
      epochs: modelValues(env, abalone).hyperparameters.epochs,
      batch_size: modelValues(env, abalone).hyperparameters.batchSize,
      samples: 160,
      validation_samples: 30,
      verbose: 2,
    });
  });

  it("writes evaluation.json with one prediction per testing row, the ground truth being their rings", () => {
    expect(Object.keys(evaluation).sort()).toEqual(["GroundTruth", "Predictions"]);
    // The last 5 % of the rows test: rows 190..199, rings 191..200.
    expect(evaluation.GroundTruth).toEqual(Array.from({ length: 10 }, (_, i) => 191 + i));
    expect(evaluation.Predictions).toHaveLength(10);
    for (const prediction of evaluation.Predictions) expect(Number.isFinite(prediction)).toBe(true);
  });

  it("gates on the RMSE analyze-results computes from that file", () => {
    const squares = evaluation.GroundTruth.map((truth, i) => (truth - evaluation.Predictions[i]) ** 2);
    const rmse = Math.sqrt(squares.reduce((sum, square) => sum + square, 0) / squares.length);
    const analysis = result.calls.find((call) => call.state === STATE_NAMES.analyze)!.parameters.Payload;
    expect(analysis).toEqual({ Bucket: bucket, Key: runKeys.evaluation(runId, trainingJob), Metric: "rmse" });
    const gate = result.events.find((event) => event.type === "StateEntered" && event.state?.name === STATE_NAMES.thresholdCheck);
    expect(gate).toBeDefined();
    // A model that passed is registered as a version after its gate's Pass.
    expect(result.path).toEqual(
      rmse < modelValues(env, abalone).threshold
        ? SUCCESS_PATH
        : [...SUCCESS_PATH.slice(0, SUCCESS_PATH.indexOf(GATE.pass)), GATE.fail],
    );
  });

  it("fails the run in 'Pre-process Data' with the script's error when the raw data is bad", async () => {
    const bad = await runWorkflow([abaloneRow(0), abaloneRow(1).replace(/^F/, "X")]);
    expect(bad.result.path).toEqual([STATE_NAMES.preprocess, STATE_NAMES.failed]);
    const failed = bad.result.events.find(
      (event) => event.type === "StateFailed" && event.state?.name === STATE_NAMES.preprocess,
    );
    expect([failed?.Error, failed?.Cause]).toEqual([
      "States.TaskFailed",
      `${executionInput(abalone.name, env.name, runId).PreprocessingJobName} ended with status Failed: ValueError: sex must be one of F, I, M (got X)`,
    ]);
  }, 30_000);
});
