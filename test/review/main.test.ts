import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseReviewArgs, runReview } from "../../review/main";
import { ReviewError } from "../../review/synthesize-refs";
import { gitIn, PROJECT_ROOT } from "../helpers/project-copy";
import { fixtureStack } from "./fixtures/stacks";

// Each review runs two real synths in child processes; a busy 2-core CI machine needs headroom.
jest.setTimeout(60_000);

/** A stand-in for this project's main.ts: writes the stacks in stacks.json where CDKTF_OUTDIR says. */
const FAKE_MAIN = `
const fs = require("fs");
const path = require("path");
const stacks = JSON.parse(fs.readFileSync("stacks.json", "utf8"));
for (const [env, tf] of Object.entries(stacks)) {
  const dir = path.join(process.env.CDKTF_OUTDIR, "stacks", env);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(tf, null, 2));
}
`;
const BROKEN_MAIN = `console.error("environments/dev.ts: threshold must be a positive number (got -1)");\nprocess.exit(1);\n`;

describe("npm run review on two refs of a small git repository", () => {
  let repo: string;
  const git = (...args: string[]) => gitIn(repo)(...args);
  const write = (file: string, content: string) => fs.writeFileSync(path.join(repo, file), content);
  const stacksJson = (stacks: Record<string, unknown>) => JSON.stringify(stacks, null, 2);

  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "review-test-repo-"));
    git("init", "--quiet", "--initial-branch=main");
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
    write(".gitignore", "node_modules\n");
    write("tsconfig.json", JSON.stringify({ compilerOptions: { module: "commonjs", target: "es2022" } }));
    write("main.ts", FAKE_MAIN);
    write("stacks.json", stacksJson({ dev: fixtureStack("dev"), staging: fixtureStack("staging") }));
    git("add", ".");
    git("commit", "--quiet", "-m", "base");
    git("tag", "base");
    write("main.ts", BROKEN_MAIN);
    git("commit", "--quiet", "-am", "broken");
    git("tag", "broken");
    // The working tree: the real main.ts again, dev with a lower threshold and one more state.
    write("main.ts", FAKE_MAIN);
    write(
      "stacks.json",
      stacksJson({
        dev: fixtureStack("dev", { threshold: 1.9, notifyState: true, alarmTopic: true }),
        staging: fixtureStack("staging"),
      }),
    );
  });

  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("reports the threshold change and the added state, and names no unchanged environment", async () => {
    const markdown = await runReview({ base: "base" }, repo);
    const lines = markdown.split("\n");
    expect(lines).toContain("- ✏️ `threshold`: `default` 2.1 → 1.9");
    expect(lines).toContain("- Threshold Evaluation Check: NumericLessThan 2.1 → 1.9");
    expect(lines).toContain("- State added: Notify Result (Task) → Threshold Evaluation Check");
    expect(lines).toContain("- ➕ `aws_sns_topic.alarms` added");
    expect(lines).toContain("Summary: dev changed; the other environment did not change.");
    expect(markdown).not.toContain("staging");
    expect(markdown).toContain("```mermaid\nflowchart TD");
  });

  it("removes its temporary worktree afterwards", async () => {
    await runReview({ base: "base", envs: ["staging"] }, repo);
    const worktrees = git("worktree", "list", "--porcelain")
      .split("\n")
      .filter((line) => line.startsWith("worktree "));
    expect(worktrees).toEqual([`worktree ${fs.realpathSync(repo)}`]);
  });

  it("fails with exit code 2 naming a base ref that does not exist", async () => {
    const review = runReview({ base: "no-such-branch" }, repo);
    await expect(review).rejects.toBeInstanceOf(ReviewError);
    await expect(review).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('base ref "no-such-branch" does not exist'),
    });
  });

  it("fails with exit code 2 naming a base ref that does not synthesize, and shows the synth error", async () => {
    const review = runReview({ base: "broken" }, repo);
    await expect(review).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^base ref "broken" \([0-9a-f]{7}\) does not synthesize/),
    });
    await expect(review).rejects.toMatchObject({
      message: expect.stringContaining("environments/dev.ts: threshold must be a positive number (got -1)"),
    });
  });

  it("as a command: --env limits the report and --output writes it to a file; a bad ref exits 2", () => {
    const command = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ["--require", require.resolve("../../tools/register-ts.js"), path.join(PROJECT_ROOT, "review/main.ts"), ...args],
        {
          cwd: repo,
          encoding: "utf8",
          env: { ...process.env, TS_NODE_PROJECT: path.join(PROJECT_ROOT, "tsconfig.json") },
        },
      );
    const output = path.join(repo, "review.md");
    const ok = command("--base", "base", "--env", "dev", "--output", output);
    expect(ok.stderr).toContain(`review written to ${output}`);
    expect(ok.status).toBe(0);
    const markdown = fs.readFileSync(output, "utf8");
    expect(markdown).toContain("### dev");
    expect(markdown).not.toContain("### staging");

    const bad = command("--base", "no-such-branch");
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/^review: base ref "no-such-branch" does not exist/);

    const unwritable = command("--base", "base", "--output", path.join(repo, "no-such-dir", "review.md"));
    expect(unwritable.status).toBe(2);
    expect(unwritable.stderr.trimEnd().split("\n")).toEqual([
      `review: --output: cannot write ${JSON.stringify(path.join(repo, "no-such-dir", "review.md"))}: it is in a directory that does not exist`,
    ]);

    const help = command("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(
      /^Usage: npm run review -- --base <git-ref> \[--env <name>\]\.\.\. \[--output <file>\] \[--json\] \[--help\]/,
    );
  });

  it("reviews several environments with --env, and writes JSON of the changed ones with --json", async () => {
    const report = JSON.parse(await runReview({ base: "base", envs: ["staging", "dev"], json: true }, repo));
    // staging is reviewed but unchanged: counted, not listed.
    expect(report.environments.map((e: { name: string }) => e.name)).toEqual(["dev"]);
    expect(report.unchanged).toBe(1);
    const dev = report.environments[0];
    expect(dev.status).toBe("changed");
    expect(dev.variables).toEqual(expect.arrayContaining([expect.objectContaining({ name: "threshold" })]));
  });
});

describe("parseReviewArgs", () => {
  it("reads --base, --env (repeated or a list), --output and --json in both spellings", () => {
    expect(
      parseReviewArgs(["--base", "origin/main", "--env=prod", "--env", "dev,staging", "--output", "r.md", "--json"]),
    ).toEqual({
      base: "origin/main",
      envs: ["prod", "dev", "staging"],
      output: "r.md",
      json: true,
    });
    expect(parseReviewArgs(["--help"])).toBe("help");
  });

  it.each([
    [[], "--base is required"],
    [["--base"], "--base needs a value <git-ref>"],
    [["--base", ""], "--base must not be empty"],
    [["--base", "main", "--bsae", "x"], "unknown flag --bsae — did you mean --base?"],
    [["--base", "main", "--base", "dev"], "--base given more than once"],
    [["--base", "main", "--env", "nowhere"], '--env: unknown environment "nowhere"'],
    [["--base", "main", "--env", "dev,dev"], '--env: environment "dev" named more than once'],
  ])("refuses %j with one line (exit 2)", (argv, message) => {
    let error: unknown;
    try {
      parseReviewArgs(argv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReviewError);
    expect((error as ReviewError).exitCode).toBe(2);
    expect((error as ReviewError).message).not.toContain("\n");
    expect((error as ReviewError).message).toContain(message);
  });
});
