import { createHash } from "node:crypto";
import { MODEL } from "../../../models";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { getEnvironment } from "../../../environments";
import { ENVIRONMENT_CONFIG_VARIABLE } from "../../../modules/build-variables";
import { PROJECT_ROOT } from "../../../modules/archive/bundle";
import { WORKFLOW_CLI_ENTRY, workflowCliBundle } from "../../../modules/pipeline/workflow-cli";
import { S3_LAYOUT } from "../../../modules/s3-layout";
import { renderEnvironmentDefinition } from "../../../modules/workflow/render-environment";

describe("the bundled workflow CLI the builds run", () => {
  let dir: string;
  /** Runs the bundle with nothing but Node (and `variables`): an empty directory, no NODE_PATH, no project around it. */
  const run = (args: string[], variables: Record<string, string> = {}) =>
    spawnSync(process.execPath, ["workflow-cli.js", ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH, ...variables },
    });
  const devConfig = { [ENVIRONMENT_CONFIG_VARIABLE]: JSON.stringify(getEnvironment("dev")) };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "workflow-cli-"));
    writeFileSync(join(dir, "workflow-cli.js"), workflowCliBundle());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs from an empty directory: --help lists the commands the buildspecs call", () => {
    const { status, stdout, stderr } = run(["--help"]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(stdout).toMatch(/^\s+run\s/m);
    expect(stdout).toMatch(/^\s+deploy\s/m);
  });

  it("renders, for the environment its build passes in ENVIRONMENT_CONFIG, the same workflow as the project's own modules", () => {
    const { status, stdout, stderr } = run(["render", "--env", "dev"], devConfig);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual(renderEnvironmentDefinition(getEnvironment("dev"), MODEL));
    expect(run(["--help"], devConfig).stdout).toContain(`Environments: dev ($${ENVIRONMENT_CONFIG_VARIABLE}`);
  });

  it("knows no environment without ENVIRONMENT_CONFIG, and only its own with it: one line each, exit 2", () => {
    const without = run(["render", "--env", "dev"]);
    expect(without.status).toBe(2);
    expect(without.stderr).toBe(
      `workflow render: --env dev: this bundled CLI carries no environment files; it reads its environment from $${ENVIRONMENT_CONFIG_VARIABLE} — the stack's build projects set it; outside a build, run the project's CLI (npm run workflow)\n`,
    );
    const other = run(["run", "--env", "prod"], devConfig);
    expect(other.status).toBe(2);
    expect(other.stderr).toBe(
      `workflow run: --env prod: this build's environment is dev ($${ENVIRONMENT_CONFIG_VARIABLE}) — pass --env dev\n`,
    );
    const broken = run(["render", "--env", "dev"], {
      [ENVIRONMENT_CONFIG_VARIABLE]: JSON.stringify({ ...getEnvironment("dev"), promotionOrder: 0 }),
    });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain(
      `--env dev: invalid environment: $${ENVIRONMENT_CONFIG_VARIABLE}: promotionOrder must be an integer >= 1`,
    );
  });

  it("prints as its version its own S3 object, named by its SHA-256", () => {
    const sha256 = createHash("sha256").update(workflowCliBundle()).digest("hex");
    expect(run(["--version"])).toMatchObject({ status: 0, stdout: `workflow ${S3_LAYOUT.workflowCli(sha256)}\n` });
  });

  it("is built from no environment file and not from the project's package.json, so neither changes it", () => {
    const { metafile } = buildSync({
      entryPoints: [WORKFLOW_CLI_ENTRY],
      absWorkingDir: PROJECT_ROOT,
      bundle: true,
      platform: "node",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(metafile!.inputs);
    expect(inputs.filter((file) => file.startsWith("environments/"))).toEqual(["environments/schema.ts"]);
    expect(inputs).not.toContain("package.json");
  });

  it("is one file under 5 MB: what a build downloads before its first command", () => {
    expect(workflowCliBundle().length).toBeLessThan(5 * 2 ** 20);
  });
});
