import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { SYNTHESIZED_STACKS_VARIABLE } from "../global/shared-stacks";
import { copyProjectAsRepository, keepBaseEnvironments, PROJECT_ROOT, runSynth } from "../helpers/project-copy";

// Two synths, a review (two more) and a jest run in a scratch copy: a busy 2-core machine needs headroom.
jest.setTimeout(120_000);

/**
 * README, "Adding an environment": its file, and one line in environments/index.ts. Done here
 * in a scratch copy exactly that way, from a known base (dev, staging and prod only, whatever the
 * working tree adds, committed or not); everything else must follow without another edit. The
 * line goes last, after prod: the order of the lines is not the order of promotion.
 */
describe("adding the environment qa as the README says", () => {
  let dir: string;
  const node = (...args: string[]) =>
    spawnSync(process.execPath, ["--require", path.join(PROJECT_ROOT, "tools", "register-ts.js"), ...args], {
      cwd: dir,
      encoding: "utf8",
    });

  beforeAll(() => {
    dir = copyProjectAsRepository("new-environment-", keepBaseEnvironments);
    const dev = fs.readFileSync(path.join(dir, "environments", "dev.ts"), "utf8");
    fs.writeFileSync(
      path.join(dir, "environments", "qa.ts"),
      dev.replace(/promotionOrder: \d+/, "promotionOrder: 15").replace('branch: "develop"', 'branch: "qa"'),
    );
    const index = path.join(dir, "environments", "index.ts");
    fs.writeFileSync(
      index,
      fs
        .readFileSync(index, "utf8")
        .replace('  prod: () => require("./prod"),\n', '  prod: () => require("./prod"),\n  qa: () => require("./qa"),\n'),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The synth below: the suite's checks further down read its stacks. */
  let synthesized: ReturnType<typeof runSynth>;
  beforeAll(() => (synthesized = runSynth(dir)));

  it("synthesizes a qa stack beside the others", () => {
    const result = synthesized;
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(fs.existsSync(path.join(dir, "cdktf.out", "stacks", "qa", "cdk.tf.json"))).toBe(true);
  });

  it("puts qa in the workflows' matrix between dev and staging, by its promotionOrder", () => {
    const rows = JSON.parse(node("environments/list.ts").stdout) as { environment: string }[];
    expect(rows.map((row) => row.environment)).toEqual(["dev", "qa", "staging", "prod"]);
  });

  it("runs the CLI's offline commands for qa and lists it in the help", () => {
    expect(node("cli/main.ts", "--help").stdout).toContain("Environments: dev, qa, staging, prod");
    const render = node("cli/main.ts", "render", "--env", "qa");
    expect(render.status).toBe(0);
    expect(JSON.parse(render.stdout).StartAt).toBe("Pre-process Data");
    expect(node("cli/main.ts", "graph", "--env", "qa").status).toBe(0);
    const simulated = node("cli/main.ts", "simulate", "--env", "qa", "--json");
    expect(simulated.stderr).toBe("");
    expect(simulated.status).toBe(0);
  });

  it("reviews qa as a new environment", () => {
    const review = node("review/main.ts", "--base", "HEAD", "--env", "qa", "--json");
    expect(review.status).toBe(0);
    const [qa] = JSON.parse(review.stdout).environments;
    expect(qa).toMatchObject({ name: "qa", status: "added" });
  });

  it("passes the test suite's environment-wide checks", () => {
    const suites = ["test/security.test.ts", "test/environments/schema.test.ts", "test/review/workflows.test.ts"];
    // In band: three files need no worker processes of their own. The stacks they check are the ones
    // the synth above wrote (test/global/shared-stacks.ts), not synthesized a second time.
    const jest = spawnSync(process.execPath, [require.resolve("jest/bin/jest"), "--ci", "--runInBand", "--verbose", ...suites], {
      cwd: dir,
      env: { ...process.env, [SYNTHESIZED_STACKS_VARIABLE]: path.join(dir, "cdktf.out") },
      encoding: "utf8",
    });
    expect(jest.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(jest.status).toBe(0);
    // The checks ran over qa too.
    expect(jest.stderr).toContain("security rules over the qa stack");
  });
});
