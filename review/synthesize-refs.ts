import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readSynthesizedStacks, SynthesizedStacks } from "./terraform-json";

/** A review that cannot be made (unknown ref, failing synth): `review` prints it and exits with `exitCode`. */
export class ReviewError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export interface SynthesizeOptions {
  /** The project's git working tree; its current files (committed or not) are the head side. */
  projectDir: string;
  /** The git ref to compare against: a branch, tag, commit or `origin/main`. */
  baseRef: string;
  /** Linked into the base worktree so it synthesizes with the installed packages. Default: `<projectDir>/node_modules`. */
  nodeModulesDir?: string;
  /** Longest one synth may run, in milliseconds. Default: 300000. */
  timeoutMs?: number;
}

/** Both sides of a review, synthesized. */
export interface SynthesizedSides {
  /** The base ref's full commit id. */
  baseCommit: string;
  base: SynthesizedStacks;
  head: SynthesizedStacks;
}

/**
 * The project's synth command, as `npm run synth` runs it (no CDKTF CLI, no type-check). The hook is
 * this checkout's, so a base ref older than it synthesizes the same way.
 */
export const SYNTH_COMMAND = ["--require", path.resolve(__dirname, "..", "tools", "register-ts.js"), "main.ts"];

/**
 * Synthesizes `baseRef` in a temporary git worktree and the working tree as it is, both into
 * temporary output directories (never the project's `cdktf.out`), in parallel, then cleans up.
 */
export async function synthesizeBaseAndHead(options: SynthesizeOptions): Promise<SynthesizedSides> {
  const projectDir = path.resolve(options.projectDir);
  const prefix = await projectPrefix(projectDir);
  const baseCommit = await resolveCommit(projectDir, options.baseRef);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ml-release-review-"));
  const worktree = path.join(scratch, "base");
  const baseProject = path.join(worktree, prefix);
  // Ctrl-C mid-synth must not leave a registered worktree behind.
  const onInterrupt = () => {
    spawnSync("git", ["worktree", "remove", "--force", worktree], { cwd: projectDir, stdio: "ignore" });
    fs.rmSync(scratch, { recursive: true, force: true });
    process.exit(130);
  };
  process.once("SIGINT", onInterrupt);
  try {
    await git(projectDir, ["worktree", "add", "--detach", "--quiet", worktree, baseCommit]).catch((error: Error) => {
      throw new ReviewError(`could not check out base ref "${options.baseRef}" in a temporary worktree: ${error.message.trim()}`);
    });
    if (fs.existsSync(baseProject)) {
      fs.symlinkSync(
        path.resolve(options.nodeModulesDir ?? path.join(projectDir, "node_modules")),
        path.join(baseProject, "node_modules"),
        "dir",
      );
    }
    const timeoutMs = options.timeoutMs ?? 300_000;
    const [base, head] = await Promise.allSettled([
      synthesize(
        baseProject,
        path.join(scratch, "base-out"),
        `base ref "${options.baseRef}" (${baseCommit.slice(0, 7)})`,
        timeoutMs,
      ),
      synthesize(projectDir, path.join(scratch, "head-out"), "the working tree", timeoutMs),
    ]);
    // Both failures are reported, the base's first: it is the side named on the command line.
    const failures = [base, head]
      .filter((side): side is PromiseRejectedResult => side.status === "rejected")
      .map((side) => side.reason);
    if (failures.length === 1) throw failures[0];
    if (failures.length === 2) throw new ReviewError(failures.map((error: Error) => error.message).join("\n\n"));
    return {
      baseCommit,
      base: (base as PromiseFulfilledResult<SynthesizedStacks>).value,
      head: (head as PromiseFulfilledResult<SynthesizedStacks>).value,
    };
  } finally {
    process.removeListener("SIGINT", onInterrupt);
    await git(projectDir, ["worktree", "remove", "--force", worktree]).catch(() => undefined);
    fs.rmSync(scratch, { recursive: true, force: true });
    await git(projectDir, ["worktree", "prune"]).catch(() => undefined);
  }
}

/** Where the project sits inside its git repository (`""` at the top), or a ReviewError when it is not in one. */
async function projectPrefix(projectDir: string): Promise<string> {
  try {
    return (await git(projectDir, ["rev-parse", "--show-prefix"])).trim();
  } catch (error) {
    throw new ReviewError(
      `${projectDir} is not a git working tree, so no base ref can be checked out: ${(error as Error).message.trim()}`,
    );
  }
}

/** The full commit id `ref` names, or a ReviewError saying it names none. */
export async function resolveCommit(projectDir: string, ref: string): Promise<string> {
  if (!ref || ref.startsWith("-")) throw new ReviewError(`--base must name a git ref (got "${ref}")`);
  try {
    return (await git(projectDir, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`])).trim();
  } catch (error) {
    const detail = (error as Error).message.trim();
    // Relative to where the review runs: an absolute path says more about the machine than the project.
    const where =
      path.resolve(projectDir) === process.cwd()
        ? "this repository"
        : `the repository ${path.relative(process.cwd(), projectDir)}`;
    throw new ReviewError(
      `base ref "${ref}" does not exist in ${where}: git rev-parse found no commit by that name` +
        `${detail ? ` (${detail})` : ""}. Fetch it first (in CI: actions/checkout with fetch-depth: 0).`,
    );
  }
}

/** Runs the synth of the project at `cwd` into `outdir` and reads the stacks it wrote. */
async function synthesize(cwd: string, outdir: string, label: string, timeoutMs: number): Promise<SynthesizedStacks> {
  if (!fs.existsSync(path.join(cwd, "main.ts"))) throw new ReviewError(`${label} has no main.ts: nothing to synthesize`);
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  delete env.ENVIRONMENTS; // the review covers every environment; --env only filters the report
  const result = await run(process.execPath, SYNTH_COMMAND, cwd, env, timeoutMs);
  if (result.code !== 0) {
    const why = result.timedOut ? `did not finish within ${timeoutMs / 1000} s` : `exited with code ${result.code}`;
    throw new ReviewError(`${label} does not synthesize: \`node ${SYNTH_COMMAND.join(" ")}\` ${why}:\n${tail(result.output)}`);
  }
  let stacks = readSynthesizedStacks(outdir);
  // An older main.ts may ignore CDKTF_OUTDIR and write its own cdktf.out (harmless in a temporary worktree).
  if (stacks.size === 0 && cwd !== outdir) stacks = readSynthesizedStacks(path.join(cwd, "cdktf.out"));
  if (stacks.size === 0) throw new ReviewError(`${label} synthesized no stack: no stacks/<env>/cdk.tf.json under ${outdir}`);
  return stacks;
}

function tail(output: string, lines = 40): string {
  const all = output.trimEnd().split("\n");
  return (all.length > lines ? ["…", ...all.slice(-lines)] : all).join("\n");
}

interface RunResult {
  code: number;
  output: string;
  timedOut: boolean;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
    }, timeoutMs);
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output, timedOut });
    });
  });
}

async function git(cwd: string, args: string[]): Promise<string> {
  const result = await run("git", args, cwd, process.env, 60_000);
  if (result.code !== 0) throw new Error(result.output || `git ${args[0]} exited with ${result.code}`);
  return result.output;
}
