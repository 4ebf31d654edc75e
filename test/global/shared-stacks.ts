/**
 * The shipped environments' stacks, synthesized once per `npm test` run by one background process
 * (test/global/synth-shared-stacks.ts) into the run's temp folder, for every test file that only
 * reads them: each file would otherwise load cdktf and the provider and synthesize the same three
 * stacks again. The same process then synthesizes, on request, the other configurations files read
 * (one account for every environment, a pinned account...), so a file that only reads those does not
 * load cdktf either. A full run starts the synth in globalSetup, beside the first test files; a run of
 * some files starts it when the first file asks. The files are what `Testing.synth` returns.
 *
 * A run in a tree that `npm run synth` has just synthesized (a project copy's test suite, run by
 * test/environments/new-environment.test.ts) names its cdktf.out in SYNTHESIZED_STACKS_VARIABLE: the
 * shipped stacks are read from there, which is what `Testing.synth` returns plus cdktf's "//" metadata.
 */
import { spawn } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { RUN_DIR_VARIABLE } from "./temp-folder";

const ROOT = path.resolve(__dirname, "..", "..");
export const SYNTHESIZED_STACKS_VARIABLE = "TEST_SYNTHESIZED_STACKS";
/** A synth of three stacks takes seconds; a machine busy with other work may take a minute. */
const WAIT_MS = 180_000;

/** The folder the shared synth writes to, or undefined outside a jest run (no run temp folder). */
export function sharedStacksDir(): string | undefined {
  const runDir = process.env[RUN_DIR_VARIABLE];
  return runDir ? path.join(runDir, "shared-stacks") : undefined;
}

/** Starts the shared synth unless a process of this run already did. */
export function startSharedSynth(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  let lock: number;
  try {
    lock = fs.openSync(path.join(dir, "started"), "wx");
  } catch {
    return;
  }
  const child = spawn(
    process.execPath,
    ["--require", path.join(ROOT, "tools", "register-ts.js"), path.join(__dirname, "synth-shared-stacks.ts"), dir],
    { cwd: ROOT, stdio: "ignore", detached: true },
  );
  child.unref();
  fs.writeSync(lock, String(child.pid));
  fs.closeSync(lock);
}

/** Stops the shared synth and waits until it is over (globalTeardown): its files go with the run's temp folder. */
export function stopSharedSynth(dir: string): void {
  if (!fs.existsSync(path.join(dir, "started"))) return;
  fs.writeFileSync(path.join(dir, "stop"), "");
  waitFor(() => fs.existsSync(path.join(dir, "done")), "the shared synth to end");
}

/** The `Testing.synth` JSON of one shipped environment's stack. */
export function sharedStackJson(env: string): string {
  const synthesized = process.env[SYNTHESIZED_STACKS_VARIABLE];
  if (synthesized) {
    const tf = JSON.parse(fs.readFileSync(path.join(synthesized, "stacks", env, "cdk.tf.json"), "utf8"));
    return JSON.stringify(withoutMetadata(tf));
  }
  const dir = sharedStacksDir()!;
  startSharedSynth(dir);
  const file = path.join(dir, `${env}.json`);
  const failed = path.join(dir, "error.txt");
  waitFor(() => fs.existsSync(file) || fs.existsSync(failed), `the shared synth of ${env}`);
  if (!fs.existsSync(file)) throw new Error(`the shared synth failed: ${fs.readFileSync(failed, "utf8")}`);
  return fs.readFileSync(file, "utf8");
}

/** The `Testing.synth` JSON of the chosen model's stack for `config`, which JSON must carry whole. */
export function sharedConfigJson(config: object): string {
  const dir = sharedStacksDir()!;
  startSharedSynth(dir);
  const request = JSON.stringify(config);
  const key = `config-${createHash("sha256").update(request).digest("hex").slice(0, 16)}`;
  const [file, failed] = [path.join(dir, `${key}.json`), path.join(dir, `${key}.error`)];
  if (!fs.existsSync(file) && !fs.existsSync(failed)) {
    // Whole or not at all; a file asking for the same configuration at the same time writes the same request.
    const partial = path.join(dir, "requests", `${key}.${process.pid}.partial`);
    fs.mkdirSync(path.dirname(partial), { recursive: true });
    fs.writeFileSync(partial, request);
    fs.renameSync(partial, path.join(dir, "requests", `${key}.json`));
  }
  waitFor(() => fs.existsSync(file) || fs.existsSync(failed), `the shared synth of ${request}`);
  if (!fs.existsSync(file)) throw new Error(`the shared synth failed: ${fs.readFileSync(failed, "utf8")}`);
  return fs.readFileSync(file, "utf8");
}

/** A cdk.tf.json without cdktf's "//" metadata (construct paths, ids): what `Testing.synth` returns. */
function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).flatMap(([key, item]) => (key === "//" ? [] : [[key, withoutMetadata(item)]])));
}

function waitFor(ready: () => boolean, what: string): void {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + WAIT_MS;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting ${WAIT_MS / 1000} s for ${what}`);
    Atomics.wait(sleeper, 0, 0, 20);
  }
}
