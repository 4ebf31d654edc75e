import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getEnvironment } from "../../../environments";
import { workflowCliBundle } from "../../../modules/pipeline/workflow-cli";
import { renderEnvironmentDefinition } from "../../../modules/workflow/render-environment";

describe("the bundled workflow CLI the builds run", () => {
  let dir: string;
  /** Runs the bundle with nothing but Node: an empty directory, no NODE_PATH, no project around it. */
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["workflow-cli.js", ...args], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH } });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "workflow-cli-"));
    writeFileSync(join(dir, "workflow-cli.js"), workflowCliBundle());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs from an empty directory: --help lists the commands the buildspecs call", () => {
    const { status, stdout, stderr } = run("--help");
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(stdout).toMatch(/^\s+run\s/m);
    expect(stdout).toMatch(/^\s+deploy\s/m);
  });

  it("renders the same workflow as the project's own modules (environments and template are inside)", () => {
    const { status, stdout } = run("render", "--env", "dev");
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual(renderEnvironmentDefinition(getEnvironment("dev")));
  });

  it("reports a bad flag as a usage error, exit 2, like the project's CLI", () => {
    const { status, stderr } = run("run", "--env", "nowhere");
    expect(status).toBe(2);
    expect(stderr).toContain("nowhere");
  });

  it("is one file under 5 MB: what a build downloads before its first command", () => {
    expect(workflowCliBundle().length).toBeLessThan(5 * 2 ** 20);
  });
});
