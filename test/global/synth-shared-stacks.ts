/**
 * Writes `<env>.json` (what `Testing.synth` returns for the environment's stack) for every shipped
 * environment into the folder given as the argument, each file whole or not at all; a failure writes
 * `error.txt` instead. Then synthesizes what the run asks for besides: each `requests/<key>.json`, an
 * environment configuration, becomes `<key>.json` (or `<key>.error`), until `stop` appears or the
 * process that started this one is gone; `done` last. Started by test/global/shared-stacks.ts.
 */
import { Testing } from "cdktf";
import * as fs from "fs";
import * as path from "path";
import { ENVIRONMENT_NAMES, getEnvironment } from "../../environments";
import { EnvironmentConfig } from "../../environments/schema";
import { MlPipelineStack } from "../../stacks/ml-pipeline-stack";
import { skipTokenTraces } from "../../stacks/token-traces";

const dir = process.argv[2];
const requests = path.join(dir, "requests");
const outdir = fs.mkdtempSync(path.join(dir, "cdktf-"));
const write = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, `${name}.partial`), text);
  fs.renameSync(path.join(dir, `${name}.partial`), path.join(dir, name));
};
const synth = (env: EnvironmentConfig) => Testing.synth(new MlPipelineStack(Testing.app({ outdir }), { env }));
// The same JSON either way; traces only name a token's origin when it fails to resolve.
skipTokenTraces();

/** Answers every pending request; false when there was none. */
function serve(): boolean {
  const pending = fs.readdirSync(requests).filter((file) => file.endsWith(".json"));
  for (const file of pending) {
    const key = file.slice(0, -".json".length);
    try {
      write(`${key}.json`, synth(JSON.parse(fs.readFileSync(path.join(requests, file), "utf8"))));
    } catch (error) {
      write(`${key}.error`, (error as Error)?.stack ?? String(error));
    }
    fs.rmSync(path.join(requests, file), { force: true });
  }
  return pending.length > 0;
}

const parent = process.ppid;
try {
  fs.mkdirSync(requests, { recursive: true });
  try {
    for (const env of ENVIRONMENT_NAMES) write(`${env}.json`, synth(getEnvironment(env)));
  } catch (error) {
    write("error.txt", (error as Error)?.stack ?? String(error));
  }
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  while (!fs.existsSync(path.join(dir, "stop")) && process.ppid === parent) {
    if (!serve()) Atomics.wait(sleeper, 0, 0, 20);
  }
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
  write("done", "");
}
