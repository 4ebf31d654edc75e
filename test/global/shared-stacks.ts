/**
 * The shipped environments' stacks, synthesized once per `npm test` run by one background process
 * (test/global/synth-shared-stacks.ts) into the run's temp folder, for every test file that only
 * reads them: each file would otherwise load cdktf and the provider and synthesize the same three
 * stacks again. A full run starts the synth in globalSetup, beside the first test files; a run of
 * some files starts it when the first file asks. The files are what `Testing.synth` returns.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const RUN_DIR_VARIABLE = "ABALONE_TEST_TMPDIR";
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

/** Waits until the shared synth is over (globalTeardown): its files go with the run's temp folder. */
export function awaitSharedSynth(dir: string): void {
  if (!fs.existsSync(path.join(dir, "started"))) return;
  waitFor(() => fs.existsSync(path.join(dir, "done")), "the shared synth to end");
}

/** The `Testing.synth` JSON of one shipped environment's stack. */
export function sharedStackJson(env: string): string {
  const dir = sharedStacksDir()!;
  startSharedSynth(dir);
  const file = path.join(dir, `${env}.json`);
  const failed = path.join(dir, "error.txt");
  waitFor(() => fs.existsSync(file) || fs.existsSync(failed), `the shared synth of ${env}`);
  if (!fs.existsSync(file)) throw new Error(`the shared synth failed: ${fs.readFileSync(failed, "utf8")}`);
  return fs.readFileSync(file, "utf8");
}

function waitFor(ready: () => boolean, what: string): void {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + WAIT_MS;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting ${WAIT_MS / 1000} s for ${what}`);
    Atomics.wait(sleeper, 0, 0, 20);
  }
}
