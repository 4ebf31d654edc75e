import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENVIRONMENT_NAMES, getEnvironment } from "../../environments";
import { ExitCode } from "../../cli/errors";
import { toDot, toMermaid, workflowGraph } from "../../cli/graph";
import { STATE_NAMES, successPath, TASK_STATE_NAMES } from "../../modules/workflow/ml-workflow";
import { PLACEHOLDERS, renderEnvironmentDefinition } from "../../modules/workflow/render-environment";
import {
  evaluationScoring,
  failingValue,
  GATE,
  hyperparameterArguments,
  METRIC_FLAG,
  MODEL,
  passingValue,
  resourceName,
  runName,
  thresholdOf,
} from "../helpers/chosen-model";
import { cli } from "./fake-deps";

/** The states a passing run enters. */
const SUCCESS_PATH = successPath(MODEL.metric.direction);

const METRIC = MODEL.metric.name;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validateAsl = require("asl-validator") as (definition: unknown) => { isValid: boolean; errors: unknown[] };

const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
const RUN_ID = "20240501120000";

describe("workflow render", () => {
  it.each(ENVIRONMENTS)("prints %s's definition as JSON that passes asl-validator", async (env) => {
    const { code, stdout } = await cli(["render", "--env", env]);
    expect(code).toBe(ExitCode.Succeeded);
    const definition = JSON.parse(stdout);
    const result = validateAsl(definition);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it("shows Terraform references as readable placeholders and the variables at the environment's values", async () => {
    const { stdout } = await cli(["render", "--env", "prod"]);
    expect(stdout).toContain(PLACEHOLDERS.artifactBucket);
    expect(stdout).toContain(PLACEHOLDERS.analyzeFunctionArn);
    expect(stdout).not.toContain("${");
    const definition = JSON.parse(stdout);
    expect(definition).toEqual(JSON.parse(JSON.stringify(renderEnvironmentDefinition(getEnvironment("prod"), MODEL))));
    expect(JSON.stringify(definition.States[STATE_NAMES.thresholdCheck])).toContain(
      `"${GATE.comparison}":${thresholdOf("prod")}`,
    );
    expect(definition.States[STATE_NAMES.training].Parameters.HyperParameters).toMatchObject(hyperparameterArguments("prod"));
  });

  it("refuses an unknown environment (exit 2)", async () => {
    const { code, stderr } = await cli(["render", "--env", "test"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(`--env: unknown environment "test" (defined: ${ENVIRONMENT_NAMES.join(", ")})`);
  });
});

describe("workflow graph", () => {
  const prod = renderEnvironmentDefinition(getEnvironment("prod"), MODEL);

  /** Every transition the definition holds, as "from -> to". */
  const definitionEdges = () => {
    const edges = new Set<string>();
    type Transitions = { Next?: string; Default?: string; Choices?: { Next: string }[]; Catch?: { Next: string }[] };
    for (const [name, state] of Object.entries(prod.States as Record<string, Transitions>)) {
      const targets: string[] = [
        ...(state.Next ? [state.Next] : []),
        ...(state.Default ? [state.Default] : []),
        ...(state.Choices ?? []).map((c) => c.Next),
        ...(state.Catch ?? []).map((c) => c.Next),
      ];
      targets.forEach((to) => edges.add(`${name} -> ${to}`));
    }
    return edges;
  };

  it("draws every state and every transition of the definition, and nothing else", () => {
    const graph = workflowGraph(prod);
    expect(graph.nodes.map((n) => n.name)).toEqual(Object.keys(prod.States));
    const nameOf = new Map(graph.nodes.map((n) => [n.id, n.name]));
    const drawn = new Set(
      graph.edges
        .filter((e) => nameOf.has(e.from) && nameOf.has(e.to))
        .map((e) => `${nameOf.get(e.from)} -> ${nameOf.get(e.to)}`),
    );
    expect(drawn).toEqual(definitionEdges());
    // Among them: a passing run's path, and every task's catch.
    const path = SUCCESS_PATH.slice(1).map((to, i) => `${SUCCESS_PATH[i]} -> ${to}`);
    const catches = TASK_STATE_NAMES.map((task) => `${task} -> ${STATE_NAMES.failed}`);
    expect([...drawn]).toEqual(expect.arrayContaining([...path, ...catches]));
  });

  it("prints a Mermaid flowchart with every state, the catch edges to the failure state and the threshold on the choice edges", async () => {
    const { code, stdout } = await cli(["graph", "--env", "prod"]);
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toBe(toMermaid(prod));
    expect(stdout.startsWith("flowchart TD\n")).toBe(true);
    const ids = new Map(workflowGraph(prod).nodes.map((n) => [n.name, n.id]));
    for (const name of Object.keys(prod.States)) expect(stdout).toMatch(new RegExp(`  ${ids.get(name)}[[{(]+"${name}<br/>`));
    const failed = ids.get(STATE_NAMES.failed);
    for (const task of TASK_STATE_NAMES)
      expect(stdout).toContain(`  ${ids.get(task)} -.->|"catch States.TaskFailed"| ${failed}\n`);
    const operator = { "<": "#lt;", ">": "#gt;" }[GATE.operator]; // Mermaid's escapes
    expect(stdout).toContain(
      `  ${ids.get(STATE_NAMES.thresholdCheck)} -->|"Analysis.Result ${operator} ${thresholdOf("prod")}"| ${ids.get(GATE.pass)}\n`,
    );
    expect(stdout).toContain(
      `  ${ids.get(STATE_NAMES.thresholdCheck)} -->|"otherwise: Analysis.Result ${GATE.otherwise} ${thresholdOf("prod")} or not a number"| ${ids.get(GATE.fail)}\n`,
    );
    expect(stdout).toContain("Task: sagemaker:createTrainingJob.sync");
    expect(stdout).toContain("Task: lambda:invoke");
    // Green: where a passing run ends (the registration), red: the Fail states.
    expect(stdout).toContain(`  class ${ids.get(SUCCESS_PATH[SUCCESS_PATH.length - 1])} succeeded\n`);
    expect(stdout).toContain(`  class ${ids.get(GATE.fail)},${failed} failed\n`);
    // `end` would close a Mermaid subgraph: no node may be called that.
    expect(stdout).not.toMatch(/(^|\s)end(\s|\(|$)/m);
  });

  it("prints Graphviz dot with --format dot", async () => {
    const { code, stdout } = await cli(["graph", "--env", "dev", "--format", "dot"]);
    expect(code).toBe(ExitCode.Succeeded);
    const dev = renderEnvironmentDefinition(getEnvironment("dev"), MODEL);
    expect(stdout).toBe(toDot(dev));
    expect(stdout).toMatch(/^digraph workflow \{\n[\s\S]*\}\n$/);
    for (const name of Object.keys(dev.States)) expect(stdout).toContain(`[label="${name}\\n`);
    expect(stdout.match(/label="catch States.TaskFailed", style=dashed/g)).toHaveLength(TASK_STATE_NAMES.length);
    expect(stdout).toContain(`[label="Analysis.Result ${GATE.operator} ${thresholdOf("dev")}"]`);
  });

  it("refuses an unknown format (exit 2)", async () => {
    const { code, stderr } = await cli(["graph", "--env", "dev", "--format", "svg"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain('--format must be mermaid or dot (got "svg")');
  });
});

describe("workflow simulate", () => {
  const simulate = (...argv: string[]) => cli(["simulate", "--run-id", RUN_ID, ...argv]);
  const report = async (...argv: string[]) => {
    const result = await simulate(...argv, "--json");
    return { ...result, json: JSON.parse(result.stdout) };
  };
  const work = mkdtempSync(join(tmpdir(), "simulate-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const evaluationFile = (content: unknown) => {
    const path = join(mkdtempSync(join(work, "evaluation-")), "evaluation.json");
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
    return path;
  };

  it("passes a model whose metric passes the threshold through the gate's Pass state and registers it (exit 0)", async () => {
    const passing = passingValue(thresholdOf("prod"));
    const { code, json } = await report("--env", "prod", "--metric", String(passing));
    expect(code).toBe(ExitCode.Succeeded);
    expect(json.path).toEqual(SUCCESS_PATH);
    expect(json.outcome).toMatchObject({
      status: "SUCCEEDED",
      metric: passing,
      threshold: thresholdOf("prod"),
      decision: "passed",
    });
  });

  it("stops a model at the prod threshold in the gate's failing state (exit 1)", async () => {
    const failing = failingValue(thresholdOf("prod"));
    const { code, json, stderr } = await report("--env", "prod", "--metric", String(failing));
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(json.path[json.path.length - 1]).toBe(GATE.fail);
    expect(json.outcome).toMatchObject({
      status: "FAILED",
      metric: failing,
      threshold: thresholdOf("prod"),
      failedState: GATE.fail,
    });
    expect(stderr).toContain(`(${METRIC} ${failing} is not ${GATE.side} the threshold ${thresholdOf("prod")})`);
  });

  it("treats a metric equal to the threshold as failing", async () => {
    const { json } = await report("--env", "dev", "--metric", String(thresholdOf("dev")));
    expect(json.outcome.decisionState).toBe(GATE.fail);
  });

  it(`takes the metric by its own name too: ${METRIC_FLAG} is --metric`, async () => {
    const value = String(failingValue(thresholdOf("dev")));
    const [byName, byFlag] = [await report("--env", "dev", METRIC_FLAG, value), await report("--env", "dev", "--metric", value)];
    // The same run, but for its timings.
    expect(byName.json.path).toEqual(byFlag.json.path);
    expect(byName.json.outcome).toEqual({ ...byFlag.json.outcome, durationMs: byName.json.outcome.durationMs });
    const both = await simulate("--env", "dev", "--metric", value, METRIC_FLAG, value);
    expect(both.code).toBe(ExitCode.Usage);
    expect(both.stderr).toContain(`--metric and ${METRIC_FLAG} are the same flag`);
  });

  it.each(TASK_STATE_NAMES)(
    "routes a failure of '%s' to 'ML Workflow Failed' and names it as the failing state",
    async (task) => {
      const { code, json } = await report("--env", "staging", "--fail", task);
      expect(code).toBe(ExitCode.WorkflowFailed);
      const index = SUCCESS_PATH.indexOf(task);
      expect(json.path).toEqual([...SUCCESS_PATH.slice(0, index + 1), STATE_NAMES.failed]);
      expect(json.outcome.failedState).toBe(task);
      // Only a task after the gate fails with the metric known.
      const gated = index > SUCCESS_PATH.indexOf(STATE_NAMES.thresholdCheck);
      expect(json.outcome.metric === undefined).toBe(!gated);
    },
  );

  it("runs the real analyze-results handler on --evaluation and gates on the metric it computes", async () => {
    const passing = passingValue(thresholdOf("prod"));
    const { code, json } = await report("--env", "prod", "--evaluation", evaluationFile(evaluationScoring(passing)));
    expect(code).toBe(ExitCode.Succeeded);
    expect(json.outcome.metric).toBeCloseTo(passing, 12);
    // The handler received the run's evaluation key, as the Lambda would.
    const analyzeCall = json.taskCalls.find((c: { state: string }) => c.state === STATE_NAMES.analyze);
    expect(analyzeCall.parameters.Payload).toEqual({
      Metric: MODEL.metric.computation,
      Bucket: PLACEHOLDERS.artifactBucket,
      Key: `${RUN_ID}/${runName("prod", RUN_ID, "TrainingJob")}/evaluation/evaluation.json`,
    });
    const failing = await report("--env", "prod", "--evaluation", evaluationFile(evaluationScoring(thresholdOf("prod"))));
    expect(failing.json.outcome).toMatchObject({ decision: "failed", failedState: GATE.fail });
  });

  it("fails in 'Analyze Evaluation Results' when the handler rejects the evaluation file (empty arrays)", async () => {
    const { code, json } = await report("--env", "dev", "--evaluation", evaluationFile({ GroundTruth: [], Predictions: [] }));
    expect(code).toBe(ExitCode.WorkflowFailed);
    expect(json.outcome).toMatchObject({ failedState: STATE_NAMES.analyze, error: "EvaluationError" });
    expect(json.outcome.cause).toContain("GroundTruth is empty");
  });

  it("prints the same progress view as run --wait", async () => {
    const { code, stdout } = await simulate("--env", "dev");
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toContain(`Simulating ${resourceName("dev", "ml-workflow")} locally`);
    expect(stdout).toMatch(
      /\[00:00:00\] Pre-process Data \(Task\) entered\n\[00:00:00\] Pre-process Data succeeded after \d+ ms\n/,
    );
    expect(stdout).toMatch(/Execution SUCCEEDED in \d+ ms\n[^\n]+\n$/);
    // By default the stand-in analyze function returns a passing metric: half an error's threshold, halfway to 1 above a score's.
    expect(
      stdout.endsWith(
        `${METRIC} ${passingValue(thresholdOf("dev"))} is ${GATE.side} the threshold ${thresholdOf("dev")}: ${GATE.pass}\n`,
      ),
    ).toBe(true);
  });

  describe("checks flags before simulating (exit 2)", () => {
    it.each([
      [["--env", "nowhere"], '--env: unknown environment "nowhere"'],
      [["--env", "dev", "--metric", "low"], '--metric must be a non-negative number (got "low")'],
      [["--env", "dev", "--metric=-1"], '--metric must be a non-negative number (got "-1")'],
      [
        ["--env", "dev", "--fail", "Model Trainig"],
        '--fail: unknown task state "Model Trainig" (tasks: "Pre-process Data", "Model Training"',
      ],
      [["--env", "dev", "--fail", STATE_NAMES.thresholdCheck], `--fail: unknown task state "${STATE_NAMES.thresholdCheck}"`],
      [
        ["--env", "dev", "--evaluation", "/nonexistent/evaluation.json"],
        '--evaluation: cannot read "/nonexistent/evaluation.json" (ENOENT)',
      ],
      [["--env", "dev", "--metric", "1", "--evaluation", "x.json"], "--metric and --evaluation exclude each other"],
      [["--env", "dev", "--run-id", "a".repeat(45)], "SageMaker allows at most 63"],
    ])("%j", async (argv, message) => {
      const { code, stdout, stderr } = await cli(["simulate", ...argv]);
      expect(code).toBe(ExitCode.Usage);
      expect(stderr).toContain(message);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stdout).toBe("");
    });
  });
});
