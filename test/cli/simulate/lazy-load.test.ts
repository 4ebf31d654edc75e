import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..", "..");

/** Runs a CLI command in a fresh process and says whether the local interpreter was loaded. */
function loadsInterpreter(...argv: string[]): boolean {
  const script = `
    const { runCli } = require("./cli/program.ts");
    const { PROJECT_ENVIRONMENTS, projectVersion } = require("./cli/main.ts");
    const { processDeps } = require("./cli/deps.ts");
    runCli(${JSON.stringify(argv)}, { ...processDeps(PROJECT_ENVIRONMENTS, projectVersion), stdout: { write() {} }, stderr: { write() {} } }).then(() => {
      process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes("aws-local-stepfunctions"))));
    });`;
  const run = spawnSync(process.execPath, ["--require", require.resolve("../../../tools/register-ts.js"), "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(run.stderr).toBe("");
  return run.stdout === "true";
}

describe("the local simulator", () => {
  it("loads only for `simulate`: other commands do not pay for it", () => {
    expect(loadsInterpreter("render", "--env", "dev")).toBe(false);
    expect(loadsInterpreter("simulate", "--env", "dev", "--run-id", "r1")).toBe(true);
  });
});
