import { hyperparameterSummary } from "../../../modules/pipeline/release-pipeline";
import { modelLayout } from "../../../modules/s3-layout";
import { parse } from "yaml";
import { parseCommandArgs } from "../../../cli/args";
import { loadCommand } from "../../../cli/program";
import { getEnvironment } from "../../../environments";
import { ResourceNames } from "../../../modules/naming";
import { BUILDSPECS, fromTerraformLiteral, readBuildspec, terraformLiteral } from "../../../modules/pipeline/buildspec";
import { APPROVAL_EVIDENCE_VARIABLES, EXPORTED_BUILD_VARIABLES, maxRunIdLength } from "../../../modules/pipeline/run-id";
import { runNamePrefix, SAGEMAKER_NAME_MAX_LENGTH } from "../../../modules/run-names";
import { executionInput, runIdProblems } from "../../../modules/workflow/execution-input";
import { MODEL, modelGroup, resourceName, runName } from "../../helpers/chosen-model";
import { ENVIRONMENT_NAMES } from "../../helpers/synth";
import { BuildResult, Buildspec, PHASES, runBuildspec, STUB_RUN_REPORT } from "./buildspec-runner";

const buildModel = parse(readBuildspec(BUILDSPECS.buildModel)) as Buildspec;
const deployEndpoint = parse(readBuildspec(BUILDSPECS.deployEndpoint)) as Buildspec;
const specs = [
  ["build-model.yml", buildModel],
  ["deploy-endpoint.yml", deployEndpoint],
] as const;

const WORKFLOW_CLI_URI = `s3://${resourceName("prod", "artifacts-123456789012")}/workflow-cli/0123abcd.js`;
const EXECUTION_ID = "3f2c9e1a-7b4d-4c2e-9a8f-0123456789ab";
/** The model's hyperparameters at their defaults, as the project writes them for the build log. */
const HYPERPARAMETERS = hyperparameterSummary(MODEL, {});
const LONGEST_BUILD_NUMBER = "9999999";

/** The variables CodeBuild, the project and the pipeline action give a BuildModel build of one environment. */
const buildModelEnv = (environment: string, overrides: Record<string, string> = {}) => ({
  ENVIRONMENT: environment,
  STATE_MACHINE_ARN: `arn:aws:states:us-east-1:123456789012:stateMachine:${resourceName(environment, "ml-workflow")}`,
  ARTIFACT_BUCKET: resourceName(environment, "artifacts-123456789012"),
  DATA_PREFIX: modelLayout(MODEL).dataPrefix,
  METRIC_NAME: MODEL.metric.name,
  HYPERPARAMETERS: HYPERPARAMETERS,
  THRESHOLD: String(MODEL.metric.threshold),
  MODEL_PREFIX: runNamePrefix(MODEL.name, environment),
  RUN_ID_MAX_LENGTH: String(maxRunIdLength(new ResourceNames(environment, MODEL.name))),
  WORKFLOW_CLI_URI,
  PIPELINE_EXECUTION_ID: EXECUTION_ID,
  CODEBUILD_BUILD_NUMBER: "7",
  ...overrides,
});

/** The variables of a DeployEndpoint build of prod. */
const deployEnv = {
  ENVIRONMENT: "prod",
  ARTIFACT_BUCKET: resourceName("prod", "artifacts-123456789012"),
  KMS_KEY_ARN: "arn:aws:kms:us-east-1:123456789012:key/k",
  WORKFLOW_CLI_URI,
  RUN_ID: "abc-7",
  MODEL_NAME: runName("prod", "abc-7"),
  MODEL_PACKAGE_ARN: `arn:aws:sagemaker:us-east-1:123456789012:model-package/${modelGroup("prod")}/4`,
};
const passingEnv = { "build-model.yml": buildModelEnv("prod"), "deploy-endpoint.yml": deployEnv };

const builds = new Map<string, BuildResult>();
/**
 * runBuildspec, once per distinct spec, variables and stubs: several tests read the same build, whose
 * result those alone decide (only a build started by hand reads the clock, and no other test starts one).
 */
function runBuildspecOnce(spec: Buildspec, env: Record<string, string>, options: Parameters<typeof runBuildspec>[2] = {}) {
  const key = JSON.stringify([spec, env, options]);
  if (!builds.has(key)) builds.set(key, runBuildspec(spec, env, options));
  return builds.get(key)!;
}

/** Every `node <cli> <command> ...` line of a buildspec, as argv after the CLI file. */
function workflowInvocations(spec: Buildspec): string[][] {
  const text = PHASES.flatMap((phase) => spec.phases[phase]?.commands ?? []).join("\n");
  return [...text.matchAll(/\bnode workflow-cli\.js ([^|&;\n]+)/g)].map((match) =>
    [...match[1].trim().matchAll(/"([^"]*)"|(\S+)/g)].map((arg) => arg[1] ?? arg[2]),
  );
}

/** Every command line of a buildspec (block commands split into lines). */
const commandLines = (spec: Buildspec) =>
  PHASES.flatMap((phase) => spec.phases[phase]?.commands ?? []).flatMap((command) => command.split("\n"));

describe.each(specs)("the %s buildspec", (file, spec) => {
  it("is buildspec 0.2 for bash on Node.js 22", () => {
    expect(spec.version).toBe(0.2);
    expect(spec.env?.shell).toBe("bash");
    expect(spec.phases.install["runtime-versions"]).toEqual({ nodejs: 22 });
  });

  it("fetches the stack's bundled CLI from WORKFLOW_CLI_URI first and runs that file with node; no npm", () => {
    const { status, calls } = runBuildspec(spec, passingEnv[file]);
    expect(status).toBe(0);
    const [fetch, ...rest] = calls;
    expect(fetch.slice(0, 3)).toEqual(["aws", "s3", "cp"]);
    expect(fetch.at(-2)).toBe(WORKFLOW_CLI_URI);
    // Besides `node -e` reading the run's report: the one CLI run.
    expect(rest.filter((call) => call[1] !== "-e").map((call) => call.slice(0, 2))).toEqual([["node", fetch.at(-1)]]);
  });

  it("stops before running the CLI when the bundle cannot be fetched", () => {
    const { status, calls, stderr } = runBuildspecOnce(spec, passingEnv[file], { fetchExitCode: 1 });
    expect(status).toBe(1);
    expect(stderr).toContain(`download failed: ${WORKFLOW_CLI_URI}`);
    expect(calls.map(([program]) => program)).toEqual(["aws"]);
  });

  it("aborts the build when any phase fails", () => {
    for (const phase of Object.values(spec.phases)) expect(phase["on-failure"]).toBe("ABORT");
  });

  it("calls only commands and flags the workflow CLI defines (checked by the CLI's own parser)", () => {
    const invocations = workflowInvocations(spec);
    expect(invocations.length).toBeGreaterThan(0);
    for (const [name, ...args] of invocations) {
      const command = loadCommand(name);
      expect(command).toBeDefined();
      // Shell variables stand in for their values: any non-empty word parses the same.
      expect(() =>
        parseCommandArgs(
          command!,
          args.map((arg) => (arg.startsWith("$") ? "value" : arg)),
        ),
      ).not.toThrow();
    }
  });

  it("never masks a failing command's exit code (no '|| true', no pipes, no 'set +e')", () => {
    for (const line of commandLines(spec)) {
      expect(line).not.toMatch(/\|\|\s*(true|:)\s*$|;\s*true\s*$|set \+e/);
      expect(line.replace(/\|\|/g, "")).not.toMatch(/\|/);
    }
  });
});

describe("the BuildModel buildspec", () => {
  it("runs one workflow execution, waits for it and reports it: 'workflow run --env <env> --run-id <run id> --wait --report <file>'", () => {
    expect(workflowInvocations(buildModel)).toEqual([
      ["run", "--env", "$ENVIRONMENT", "--run-id", "$RUN_ID", "--wait", "--report", "run-report.json"],
    ]);
    const build = runBuildspecOnce(buildModel, buildModelEnv("prod"));
    expect(build.status).toBe(0);
    const workflowRuns = build.calls.filter(([program, file]) => program === "node" && file === "workflow-cli.js");
    expect(workflowRuns).toEqual([
      [
        "node",
        "workflow-cli.js",
        "run",
        "--env",
        "prod",
        "--run-id",
        build.exported.RUN_ID,
        "--wait",
        "--report",
        "run-report.json",
      ],
    ]);
  });

  it("exports RUN_ID, MODEL_NAME (the run's ModelName) and MODEL_PACKAGE_ARN (its registered version) for the next stages", () => {
    expect(buildModel.env?.["exported-variables"]).toEqual([...EXPORTED_BUILD_VARIABLES, ...APPROVAL_EVIDENCE_VARIABLES]);
    const { exported } = runBuildspecOnce(buildModel, buildModelEnv("prod"));
    expect(exported.MODEL_NAME).toBe(executionInput(MODEL.name, "prod", exported.RUN_ID).ModelName);
    expect(exported.MODEL_PACKAGE_ARN).toBe(STUB_RUN_REPORT.modelVersion.arn);
  });

  it("exports the run's evidence for the approval: its metric, console link and report from the run's report, and the project's threshold and hyperparameters", () => {
    const { status, exported, stdout } = runBuildspecOnce(buildModel, buildModelEnv("prod"));
    expect(status).toBe(0);
    expect(exported).toMatchObject({
      METRIC: String(STUB_RUN_REPORT.metric),
      EXECUTION_URL: STUB_RUN_REPORT.execution.consoleUrl,
      REPORT_URI: STUB_RUN_REPORT.report.markdown,
      THRESHOLD: String(MODEL.metric.threshold),
      HYPERPARAMETERS,
    });
    expect(stdout).toContain(
      `BuildModel: ${MODEL.metric.name} ${STUB_RUN_REPORT.metric} (threshold ${MODEL.metric.threshold}); report ${STUB_RUN_REPORT.report.markdown}`,
    );
  });

  it("fails the build when the run's report is missing, rather than offering a model without its evidence", () => {
    for (const report of [null, { ...STUB_RUN_REPORT, metric: undefined }, { ...STUB_RUN_REPORT, modelVersion: undefined }]) {
      const { status, stderr } = runBuildspecOnce(buildModel, buildModelEnv("prod"), { report });
      expect(status).toBe(1);
      expect(stderr).toContain("run-report.json or a field of it is missing");
    }
  });

  it.each([1, 2, 3])(
    "fails the build with the CLI's exit code %i when the workflow run does not succeed, and says so",
    (code) => {
      const build = runBuildspecOnce(buildModel, buildModelEnv("dev"), { workflowExitCode: code });
      expect(build.status).toBe(code);
      expect(build.stderr).toContain(
        `BuildModel: workflow run ${"3f2c9e1a7b4d4c2e9a8f0123456789ab-7"} did not succeed (exit ${code}`,
      );
      expect(build.stdout).not.toContain("passed the evaluation gate");
    },
  );

  it("prints the run, the model and the workflow settings in the build log", () => {
    const build = runBuildspecOnce(buildModel, buildModelEnv("prod"));
    expect(build.stdout).toContain(
      `Run 3f2c9e1a7b4d4c2e9a8f0123456789ab-7 of arn:aws:states:us-east-1:123456789012:stateMachine:${resourceName("prod", "ml-workflow")} -> model ${runName("prod", "3f2c9e1a7b4d4c2e9a8f0123456789ab-7")} (${HYPERPARAMETERS}, ${MODEL.metric.name} threshold ${MODEL.metric.threshold}`,
    );
  });

  it.each(ENVIRONMENT_NAMES)(
    "keeps as much of the execution id without dashes as fits, then the build number, in %s",
    (environment) => {
      const { exported } = runBuildspecOnce(
        buildModel,
        buildModelEnv(environment, { CODEBUILD_BUILD_NUMBER: LONGEST_BUILD_NUMBER }),
      );
      const room = maxRunIdLength(new ResourceNames(environment, MODEL.name)) - 1 - LONGEST_BUILD_NUMBER.length;
      expect(exported.RUN_ID).toBe(`${EXECUTION_ID.replace(/-/g, "").slice(0, room)}-${LONGEST_BUILD_NUMBER}`);
      expect(exported.RUN_ID.length).toBe(
        Math.min(maxRunIdLength(new ResourceNames(environment, MODEL.name)), 32 + 1 + LONGEST_BUILD_NUMBER.length),
      );
    },
  );

  it.each([...ENVIRONMENT_NAMES, "a-sixteen-chars1"])(
    "makes run ids whose every SageMaker name fits, even with a 7-digit build number, in %s",
    (environment) => {
      const names = new ResourceNames(environment, MODEL.name);
      const { status, exported } = runBuildspecOnce(
        buildModel,
        buildModelEnv(environment, { CODEBUILD_BUILD_NUMBER: LONGEST_BUILD_NUMBER }),
      );
      expect(status).toBe(0);
      expect(runIdProblems(MODEL.name, environment, exported.RUN_ID)).toEqual([]);
      expect(names.endpointConfig(exported.RUN_ID).length).toBeLessThanOrEqual(SAGEMAKER_NAME_MAX_LENGTH);
      expect(exported.RUN_ID).toMatch(
        new RegExp(`^${EXECUTION_ID.replace(/-/g, "").slice(0, 16)}[0-9a-f]*-${LONGEST_BUILD_NUMBER}$`),
      );
    },
  );

  it("gives a retried build of the same pipeline execution another run id, so no SageMaker name is reused", () => {
    const first = runBuildspecOnce(buildModel, buildModelEnv("prod")).exported.RUN_ID;
    const retry = runBuildspecOnce(buildModel, buildModelEnv("prod", { CODEBUILD_BUILD_NUMBER: "8" })).exported.RUN_ID;
    expect(retry).not.toBe(first);
    expect(Object.values(executionInput(MODEL.name, "prod", retry))).not.toEqual(
      expect.arrayContaining(Object.values(executionInput(MODEL.name, "prod", first))),
    );
  });

  it("falls back to the UTC time as the run id when started by hand, outside the pipeline", () => {
    const env: Record<string, string> = buildModelEnv("dev");
    delete env.PIPELINE_EXECUTION_ID;
    const { exported } = runBuildspecOnce(buildModel, env);
    expect(exported.RUN_ID).toMatch(/^20\d{12}-7$/);
  });

  it("refuses a build number so long that too little of the execution id would be left", () => {
    const build = runBuildspecOnce(buildModel, buildModelEnv("a-sixteen-chars1", { CODEBUILD_BUILD_NUMBER: "1".repeat(30) }));
    expect(build.status).toBe(2);
    expect(build.stderr).toContain("need 8");
    expect(build.calls.some(([program]) => program === "node")).toBe(false);
  });
});

describe("the DeployEndpoint buildspec", () => {
  it("approves and deploys exactly the version BuildModel exported: 'workflow deploy --env <env> --model-package <arn> --approve'", () => {
    expect(workflowInvocations(deployEndpoint)).toEqual([
      ["deploy", "--env", "$ENVIRONMENT", "--model-package", "$MODEL_PACKAGE_ARN", "--approve"],
    ]);
    const build = runBuildspecOnce(deployEndpoint, deployEnv);
    expect(build.status).toBe(0);
    expect(build.calls[1]).toEqual([
      "node",
      "workflow-cli.js",
      "deploy",
      "--env",
      "prod",
      "--model-package",
      deployEnv.MODEL_PACKAGE_ARN,
      "--approve",
    ]);
  });

  it.each([1, 3])("fails the build with the CLI's exit code %i when the endpoint does not reach InService", (code) => {
    const build = runBuildspecOnce(deployEndpoint, deployEnv, { workflowExitCode: code });
    expect(build.status).toBe(code);
    expect(build.stderr).toContain(`DeployEndpoint: deploying ${deployEnv.MODEL_NAME} failed (exit ${code}`);
  });

  it.each(EXPORTED_BUILD_VARIABLES.map((name) => [name]))("refuses to deploy without %s from BuildModel", (name) => {
    const build = runBuildspecOnce(deployEndpoint, { ...deployEnv, [name]: "" });
    expect(build.status).toBe(2);
    expect(build.stderr).toContain("must be set by the pipeline from the BuildModel action's exported variables");
    expect(build.calls.some(([program]) => program === "node")).toBe(false);
  });
});

describe("run id length", () => {
  it.each([...ENVIRONMENT_NAMES, "a-sixteen-chars1"])(
    "allows in %s exactly the longest run id whose every SageMaker name fits",
    (environment) => {
      const names = new ResourceNames(environment, MODEL.name);
      const longest = maxRunIdLength(names);
      const fits = (runId: string) =>
        runIdProblems(MODEL.name, environment, runId).length === 0 &&
        names.endpointConfig(runId).length <= SAGEMAKER_NAME_MAX_LENGTH;
      expect(fits("a".repeat(longest))).toBe(true);
      expect(fits("a".repeat(longest + 1))).toBe(false);
    },
  );

  it("leaves room in every shipped environment for 24 characters of the execution id and a 7-digit build number", () => {
    for (const environment of ENVIRONMENT_NAMES)
      expect(maxRunIdLength(new ResourceNames(getEnvironment(environment).name, MODEL.name))).toBeGreaterThanOrEqual(24 + 1 + 7);
  });

  it("leaves room for the longest environment name (16 characters): 16 characters of the execution id and a 7-digit build number", () => {
    expect(maxRunIdLength(new ResourceNames("a-sixteen-chars1", MODEL.name))).toBe(
      63 - runName("a-sixteen-chars1", "", "EvaluationJob").length,
    );
    expect(maxRunIdLength(new ResourceNames("a-sixteen-chars1", MODEL.name))).toBeGreaterThanOrEqual(16 + 1 + 7);
  });
});

describe("buildspecs inlined into Terraform", () => {
  it.each(specs)("survive Terraform's template syntax unchanged (%s)", (file) => {
    const text = readBuildspec(file);
    const literal = terraformLiteral(text);
    expect(literal).not.toMatch(/(^|[^$])\$\{|(^|[^%])%\{/);
    expect(fromTerraformLiteral(literal)).toBe(text);
  });
});
