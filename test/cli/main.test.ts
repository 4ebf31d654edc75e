import { execFile, spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSageMakerClient, createSfnClient, MAX_ATTEMPTS } from "../../cli/aws-clients";
import { ENVIRONMENT_NAMES, promotionOrder } from "../../environments";
import { ExitCode } from "../../cli/errors";
import { COMMANDS } from "../../cli/program";
import { resourceName } from "../helpers/chosen-model";
import { copyProject, PROJECT_ROOT } from "../helpers/project-copy";
import { cli } from "./fake-deps";

const ROOT = join(__dirname, "..", "..");

describe("workflow entry point", () => {
  /** Every line of stderr. */
  const errorLines = (stderr: string) => stderr.split("\n").filter(Boolean);

  it("runs as `npm run workflow` does: --help lists every command (exit 0); a bad environment is one line (exit 2)", () => {
    // The script's command line, without npm's start-up cost.
    const node = (...args: string[]) =>
      spawnSync(process.execPath, ["--require", require.resolve("../../tools/register-ts.js"), "cli/main.ts", ...args], {
        cwd: ROOT,
        encoding: "utf8",
      });
    const help = node("--help");
    expect(help.status).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toContain(`  ${command.name} `);
    const bad = node("render", "--env", "nope");
    expect(bad.status).toBe(2);
    expect(errorLines(bad.stderr)).toEqual([
      `workflow render: --env: unknown environment "nope" (defined: ${ENVIRONMENT_NAMES.join(", ")}) — pick a defined environment, or add one in environments/ (README: Adding an environment)`,
    ]);
  }, 60_000);

  it("runs as the `workflow` bin from any directory", () => {
    const bin = spawnSync(join(ROOT, "cli", "bin.js"), ["graph", "--env", "dev", "--format", "dot"], {
      cwd: tmpdir(),
      encoding: "utf8",
    });
    expect(errorLines(bin.stderr)).toEqual([]);
    expect(bin.status).toBe(0);
    expect(bin.stdout).toMatch(/^digraph workflow \{/);
  }, 60_000);

  it("prints one line on stderr for a failed live command, on any Node.js (no SDK notice), and exits 3", async () => {
    // An AWS endpoint on this machine that refuses every call the way Step Functions does.
    const server = createServer((request, response) => {
      request.resume();
      response.writeHead(400, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "request-1" });
      response.end(
        JSON.stringify({
          __type: "AccessDeniedException",
          message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: states:DescribeExecution",
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _user, AWS_PROFILE: _profile, ...inherited } = process.env;
      const run = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = execFile(
          join(ROOT, "cli", "bin.js"),
          ["status", `arn:aws:states:us-east-1:123456789012:execution:${resourceName("dev", "ml-workflow")}:20240501120000`],
          {
            env: {
              ...inherited,
              AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
              AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
              AWS_SECRET_ACCESS_KEY: "not-a-secret",
              AWS_CONFIG_FILE: join(tmpdir(), "no-aws-config"),
              AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), "no-aws-credentials"),
            },
          },
          (error, _stdout, stderr) =>
            error && typeof error.code !== "number" ? reject(error) : resolve({ code: child.exitCode, stderr }),
        );
      });
      expect(errorLines(run.stderr)).toEqual([
        "workflow status: access denied calling DescribeExecution: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: states:DescribeExecution — check the AWS credentials/profile (AWS_PROFILE, AWS_REGION) and that the role allows this action on this resource",
      ]);
      expect(run.code).toBe(ExitCode.Aws);
    } finally {
      server.close();
    }
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
    expect(unknown.stderr).toContain(
      `unknown command "deploi" — did you mean 'deploy'? (known: ${COMMANDS.map((c) => c.name).join(", ")})`,
    );
    const none = await cli([]);
    expect(none.code).toBe(ExitCode.Usage);
    expect(none.stdout).toContain(
      "Exit codes: 0 succeeded, 1 workflow (or deployment) failed or aborted, 2 usage or configuration error, 3 AWS error.",
    );
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

describe("flags as a person types them", () => {
  it.each<[string[], string]>([
    [["simulate", "--env", "dev", "--metric", ""], "workflow simulate: --metric must not be empty"],
    [["simulate", "--env", "dev", "--run-id="], "workflow simulate: --run-id must not be empty"],
    [["render", "--env", "dev", "--env", "prod"], "workflow render: --env given more than once"],
    [["simulate", "--env", "dev", "--metric", "-1"], 'workflow simulate: --metric must be a non-negative number (got "-1")'],
    [["graph", "--env", "dev", "--fromat", "dot"], "workflow graph: unknown flag --fromat — did you mean --format?"],
    [["render", "--env"], "workflow render: --env needs a value <env>"],
    [["render", "--json=yes", "--env", "dev"], 'workflow render: --json takes no value (got "yes")'],
  ])("%j is a usage error (exit 2) with one line", async (argv, line) => {
    const { code, stdout, stderr } = await cli(argv);
    expect(code).toBe(ExitCode.Usage);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr.startsWith(line)).toBe(true);
  });

  it("prints the project's version with --version", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { version } = require("../../package.json");
    expect(await cli(["--version"])).toMatchObject({ code: ExitCode.Succeeded, stdout: `workflow ${version}\n` });
  });

  it("shows a command's help with 'help <command>', as --help does", async () => {
    const viaHelp = await cli(["help", "deploy"]);
    expect(viaHelp.code).toBe(ExitCode.Succeeded);
    expect(viaHelp.stdout).toBe((await cli(["deploy", "--help"])).stdout);
  });

  it.each(COMMANDS.map((c) => [c.name, c.load()] as const))(
    "lists every flag of '%s' in its usage line",
    async (name, command) => {
      const usage = (await cli([name, "--help"])).stdout.split("\n")[0];
      for (const flag of [...Object.keys(command.options), "json", "help"]) expect(usage).toContain(`--${flag}`);
    },
  );

  it("names the defined environments, in promotion order, in the main help and in the help of a command with --env", async () => {
    const line = `Environments: ${promotionOrder()
      .map((env) => env.name)
      .join(", ")} (environments/<env>.ts)`;
    expect((await cli(["--help"])).stdout).toContain(line);
    expect((await cli(["render", "--help"])).stdout).toContain(line);
  });
});

describe("a broken environment file", () => {
  let dir: string;
  beforeAll(() => {
    dir = copyProject(PROJECT_ROOT, "broken-dev-");
    const dev = join(dir, "environments", "dev.ts");
    writeFileSync(dev, readFileSync(dev, "utf8").replace("epochs: 20,", "epochs: 20 30,"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const node = (...args: string[]) =>
    spawnSync(process.execPath, ["--require", require.resolve("../../tools/register-ts.js"), "cli/main.ts", ...args], {
      cwd: dir,
      encoding: "utf8",
    });

  it("blocks only the commands that use it: render --env prod works, render --env dev is one line (exit 2)", () => {
    const prod = node("render", "--env", "prod");
    expect(prod.stderr).toBe("");
    expect(prod.status).toBe(0);
    const dev = node("render", "--env", "dev");
    expect(dev.status).toBe(2);
    expect(dev.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(
        /^workflow render: --env dev: invalid environment: environments\/dev\.ts:\d+:\d+: ',' expected\. — fix the environment file$/,
      ),
    ]);
  }, 60_000);
});
