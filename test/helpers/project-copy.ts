import { execFileSync, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const SKIP = new Set(["node_modules", "cdktf.out", ".git", "coverage"]);

/** A throw-away copy of a project tree (sharing this project's node_modules), which a test may edit. */
export function copyProject(from: string = PROJECT_ROOT, prefix = "project-copy-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const entry of fs.readdirSync(from)) {
    if (SKIP.has(entry) || entry.startsWith("terraform.")) continue;
    fs.cpSync(path.join(from, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

/** Runs the app in `dir` exactly as `npm run synth` does (CDKTF_OUTDIR only if `env` sets it). */
export function runSynth(dir: string, env: NodeJS.ProcessEnv = {}, args: string[] = []) {
  const { CDKTF_OUTDIR: _ignored, ENVIRONMENTS: _all, ...inherited } = process.env;
  return spawnSync("node", ["--require", path.join(PROJECT_ROOT, "tools", "register-ts.js"), "main.ts", ...args], {
    cwd: dir,
    env: { ...inherited, ...env },
    encoding: "utf8",
  });
}

/**
 * Every file under a directory, as the SHA-256 of its bytes, keyed by its relative path with `/`
 * separators, sorted: what two snapshots need to tell whether a file changed (a hash, not the content,
 * which is megabytes of bundles and archives read and compared several times a test).
 */
export function snapshotFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const full = path.join(dir, file);
    if (fs.statSync(full).isFile())
      files[file.split(path.sep).join("/")] = createHash("sha256").update(fs.readFileSync(full)).digest("hex");
  }
  return files;
}

/** Runs git in `dir` with a committer identity of its own (a CI machine may have none). */
export function gitIn(dir: string): (...args: string[]) => string {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "t",
    GIT_AUTHOR_EMAIL: "t@example.com",
    GIT_COMMITTER_NAME: "t",
    GIT_COMMITTER_EMAIL: "t@example.com",
  };
  return (...args) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8" });
}

/**
 * A project copy committed as a git repository, so a test can edit it and review the edit against
 * HEAD; `prepare` edits the copy before that commit.
 */
export function copyProjectAsRepository(prefix: string, prepare: (dir: string) => void = () => {}): string {
  const dir = copyProject(PROJECT_ROOT, prefix);
  prepare(dir);
  const git = gitIn(dir);
  git("init", "--quiet", "--initial-branch=main");
  fs.writeFileSync(path.join(dir, ".git", "info", "exclude"), "node_modules\n");
  git("add", ".");
  git("commit", "--quiet", "-m", "the project as it is");
  return dir;
}

/** The environments a test that adds one starts from, whatever the working tree defines besides them. */
export const BASE_ENVIRONMENTS = ["dev", "staging", "prod"];

/**
 * Makes the project in `dir` define exactly BASE_ENVIRONMENTS (their files as the working tree has
 * them): a known starting point, so adding an environment works even where the working tree already has it.
 */
export function keepBaseEnvironments(dir: string): void {
  const index = path.join(dir, "environments", "index.ts");
  const source = fs.readFileSync(index, "utf8");
  const block = /(export const ENVIRONMENT_FILES: Record<string, \(\) => unknown> = \{\n)([^}]*)(\};)/;
  const match = block.exec(source);
  if (!match) throw new Error(`${index}: no ENVIRONMENT_FILES object to rewrite`);
  for (const [, name] of match[2].matchAll(/^\s*"?([\w-]+)"?:/gm)) {
    if (!BASE_ENVIRONMENTS.includes(name)) fs.rmSync(path.join(dir, "environments", `${name}.ts`), { force: true });
  }
  const lines = BASE_ENVIRONMENTS.map((name) => `  ${name}: () => require("./${name}"),\n`).join("");
  fs.writeFileSync(
    index,
    source.replace(block, (_m, open: string, _body, close: string) => `${open}${lines}${close}`),
  );
}
