import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { COMMANDS } from "../../cli/program";

const ROOT = join(__dirname, "..", "..");

/** The packages a fresh process has loaded after running one command line through the CLI. */
function packagesLoadedBy(argv: string[]): string[] {
  const script = `
    const { runCli } = require("./cli/program.ts");
    const { PROJECT_ENVIRONMENTS, projectVersion } = require("./cli/main.ts");
    const { processDeps } = require("./cli/deps.ts");
    const quiet = { write() {} };
    runCli(${JSON.stringify(argv)}, { ...processDeps(PROJECT_ENVIRONMENTS, projectVersion), stdout: quiet, stderr: quiet }).then((code) => {
      const names = Object.keys(require.cache).map((file) => /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(file)?.[1]).filter(Boolean);
      console.log(JSON.stringify({ code, packages: [...new Set(names)] }));
    });`;
  const result = spawnSync(process.execPath, ["--require", "./tools/register-ts.js", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(result.stderr).toBe("");
  const { code, packages } = JSON.parse(result.stdout);
  expect(code).toBe(0);
  return packages;
}

const HEAVY = /^(@aws-sdk\/client-|aws-local-stepfunctions$|cdktf$|@cdktf\/)/;

describe("CLI start-up: a command loads only what it uses", () => {
  it("'--help' loads no AWS SDK client, no simulator and no cdktf", () => {
    expect(packagesLoadedBy(["--help"]).filter((name) => HEAVY.test(name))).toEqual([]);
  });

  it("'render' (offline) loads no AWS SDK client and no simulator", () => {
    expect(packagesLoadedBy(["render", "--env", "dev"]).filter((name) => HEAVY.test(name))).toEqual([]);
  });
});

describe("the command list", () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))("loads, for '%s', the module that defines that command", (name, entry) => {
    expect(entry.load().name).toBe(name);
  });
});
