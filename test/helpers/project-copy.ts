import { spawnSync } from "child_process";
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

/** Every file under a directory, as base64, keyed by its relative path with `/` separators, sorted. */
export function snapshotFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const full = path.join(dir, file);
    if (fs.statSync(full).isFile()) files[file.split(path.sep).join("/")] = fs.readFileSync(full, "base64");
  }
  return files;
}
