import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSageMakerClient, createSfnClient, MAX_ATTEMPTS } from "../../cli/aws-clients";
import { ExitCode } from "../../cli/errors";
import { COMMANDS } from "../../cli/main";
import { cli } from "./fake-deps";

const ROOT = join(__dirname, "..", "..");

describe("workflow entry point", () => {
  /** Lines of stderr without the SDK's Node-version notice. */
  const errorLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("workflow"));

  it("runs as `npm run workflow` does: --help lists every command (exit 0); a bad environment is one line (exit 2)", () => {
    // The script's command line, without npm's start-up cost.
    const node = (...args: string[]) => spawnSync(process.execPath, ["--require", require.resolve("../../tools/register-ts.js"), "cli/main.ts", ...args], { cwd: ROOT, encoding: "utf8" });
    const help = node("--help");
    expect(help.status).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toContain(`  ${command.name} `);
    const bad = node("render", "--env", "nope");
    expect(bad.status).toBe(2);
    expect(errorLines(bad.stderr)).toEqual([
      'workflow render: --env: unknown environment "nope" (known: dev, staging, prod) — pick one of the known environments or add one in environments/',
    ]);
  }, 60_000);

  it("runs as the `workflow` bin from any directory", () => {
    const bin = spawnSync(join(ROOT, "cli", "bin.js"), ["graph", "--env", "dev", "--format", "dot"], { cwd: tmpdir(), encoding: "utf8" });
    expect(errorLines(bin.stderr)).toEqual([]);
    expect(bin.status).toBe(0);
    expect(bin.stdout).toMatch(/^digraph workflow \{/);
  }, 60_000);

  it("is declared as the script `workflow` and the bin `workflow`", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require("../../package.json");
    expect(pkg.scripts.workflow).toBe("node --require ./tools/register-ts.js cli/main.ts");
    expect(pkg.bin).toEqual({ workflow: "cli/bin.js" });
  });

  it.each(COMMANDS.map((c) => c.name))("'%s --help' prints its usage and flags, including --json, and exits 0", async (name) => {
    const { code, stdout, stderr } = await cli([name, "--help"]);
    expect(code).toBe(ExitCode.Succeeded);
    expect(stdout).toMatch(new RegExp(`^Usage: workflow ${name}`));
    expect(stdout).toContain("--json");
    expect(stdout).toContain("Examples:");
    expect(stderr).toBe("");
  });

  it("rejects an unknown command (exit 2) and shows the main help without one (exit 2)", async () => {
    const unknown = await cli(["deploi"]);
    expect(unknown.code).toBe(ExitCode.Usage);
    expect(unknown.stderr).toContain('unknown command "deploi" (known: run, status, output, list, stop, history, deploy, render, graph, simulate)');
    const none = await cli([]);
    expect(none.code).toBe(ExitCode.Usage);
    expect(none.stdout).toContain("Exit codes: 0 succeeded, 1 workflow (or deployment) failed or aborted, 2 usage or configuration error, 3 AWS error.");
  });
});

describe("AWS clients", () => {
  it.each([
    ["Step Functions", createSfnClient],
    ["SageMaker", createSageMakerClient],
  ])("%s uses the SDK's adaptive retry mode in the requested region", async (_name, create) => {
    const client = create("eu-west-1");
    expect(await client.config.region()).toBe("eu-west-1");
    expect(await client.config.retryStrategy()).toMatchObject({ mode: "adaptive" });
    expect(await client.config.maxAttempts()).toBe(MAX_ATTEMPTS);
  });
});
