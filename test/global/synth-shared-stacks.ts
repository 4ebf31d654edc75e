/**
 * Writes `<env>.json` (what `Testing.synth` returns for the environment's stack) for every shipped
 * environment into the folder given as the argument, each file whole or not at all, then `done`;
 * a failure writes `error.txt` instead. Started by test/global/shared-stacks.ts.
 */
import { Testing } from "cdktf";
import * as fs from "fs";
import * as path from "path";
import { ENVIRONMENT_NAMES, getEnvironment } from "../../environments";
import { MlPipelineStack } from "../../stacks/ml-pipeline-stack";

const dir = process.argv[2];
const outdir = fs.mkdtempSync(path.join(dir, "cdktf-"));
const write = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, `${name}.partial`), text);
  fs.renameSync(path.join(dir, `${name}.partial`), path.join(dir, name));
};
try {
  for (const env of ENVIRONMENT_NAMES) {
    const stack = new MlPipelineStack(Testing.app({ outdir }), { env: getEnvironment(env) });
    write(`${env}.json`, Testing.synth(stack));
  }
} catch (error) {
  write("error.txt", (error as Error)?.stack ?? String(error));
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
  write("done", "");
}
