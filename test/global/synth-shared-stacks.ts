/**
 * Writes `<env>.json` (what `Testing.synth` returns for the environment's stack) for every shipped
 * environment into the folder given as the argument, each file whole or not at all; a failure,
 * loading the project included, writes `error.txt` instead. Then synthesizes what the run asks for
 * besides: each `requests/<key>.json`, an environment configuration, becomes `<key>.json` (or
 * `<key>.error`), until `stop` appears or the process that started this one is gone; `done` last.
 * Started by test/global/shared-stacks.ts.
 */
import * as fs from "fs";
import * as path from "path";
import type { EnvironmentConfig } from "../../environments/schema";

const dir = process.argv[2];
const requests = path.join(dir, "requests");
const outdir = fs.mkdtempSync(path.join(dir, "cdktf-"));
const write = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, `${name}.partial`), text);
  fs.renameSync(path.join(dir, `${name}.partial`), path.join(dir, name));
};
const stackOf = (error: unknown) => (error as Error)?.stack ?? String(error);
let synth: ((env: EnvironmentConfig) => string) | undefined;
let failure = "";

/** Answers every pending request; false when there was none. */
function serve(): boolean {
  const pending = fs.readdirSync(requests).filter((file) => file.endsWith(".json"));
  for (const file of pending) {
    const key = file.slice(0, -".json".length);
    try {
      if (!synth) throw new Error(`the project did not load: ${failure}`);
      write(`${key}.json`, synth(JSON.parse(fs.readFileSync(path.join(requests, file), "utf8"))));
    } catch (error) {
      write(`${key}.error`, stackOf(error));
    }
    fs.rmSync(path.join(requests, file), { force: true });
  }
  return pending.length > 0;
}

const parent = process.ppid;
try {
  fs.mkdirSync(requests, { recursive: true });
  try {
    // Loaded here, not imported: a project that does not load (a broken module) is an error.txt the
    // readers report at once, not a process gone before they stop waiting for it.
    /* eslint-disable @typescript-eslint/no-require-imports -- see above */
    const { Testing } = require("cdktf") as typeof import("cdktf");
    const { ENVIRONMENT_NAMES, getEnvironment } = require("../../environments") as typeof import("../../environments");
    const { MlPipelineStack } = require("../../stacks/ml-pipeline-stack") as typeof import("../../stacks/ml-pipeline-stack");
    const { skipTokenTraces } = require("../../stacks/token-traces") as typeof import("../../stacks/token-traces");
    /* eslint-enable @typescript-eslint/no-require-imports */
    // The same JSON either way; traces only name a token's origin when it fails to resolve.
    skipTokenTraces();
    synth = (env) => Testing.synth(new MlPipelineStack(Testing.app({ outdir }), { env }));
    for (const env of ENVIRONMENT_NAMES) write(`${env}.json`, synth(getEnvironment(env)));
  } catch (error) {
    failure = stackOf(error);
    write("error.txt", failure);
  }
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  while (!fs.existsSync(path.join(dir, "stop")) && process.ppid === parent) {
    if (!serve()) Atomics.wait(sleeper, 0, 0, 20);
  }
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
  write("done", "");
}
