import { App } from "cdktf";
import * as fs from "fs";
import * as path from "path";
import { EnvironmentConfig } from "../environments/schema";
import { MlPipelineStack } from "./ml-pipeline-stack";

/**
 * Synthesizes one stack per environment into a staging directory and only then publishes it to
 * `outdir`, so a synth that fails half-way leaves the previous output exactly as it was.
 * Terraform's working files (`.terraform*`) in an existing stack directory are kept.
 */
export function synthesizeEnvironments(environments: EnvironmentConfig[], outdir: string): void {
  const staging = fs.mkdtempSync(path.join(path.dirname(path.resolve(outdir)), ".cdktf-synth-"));
  try {
    const app = new App({ outdir: staging });
    for (const env of environments) {
      const localStateDir = path.relative(path.resolve(outdir, "stacks", env.name), process.cwd()) || ".";
      new MlPipelineStack(app, { env, localStateDir: localStateDir.split(path.sep).join("/") });
    }
    app.synth();
    publish(staging, outdir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function publish(staging: string, outdir: string): void {
  const stacksDir = path.join(staging, "stacks");
  for (const stack of fs.readdirSync(stacksDir)) {
    const target = path.join(outdir, "stacks", stack);
    fs.mkdirSync(target, { recursive: true });
    for (const entry of fs.readdirSync(target)) {
      if (!entry.startsWith(".terraform")) fs.rmSync(path.join(target, entry), { recursive: true, force: true });
    }
    fs.cpSync(path.join(stacksDir, stack), target, { recursive: true });
  }
  // The manifest goes last: it is what `cdktf deploy` reads to find the stacks.
  for (const entry of fs.readdirSync(staging)) {
    if (entry !== "stacks") fs.cpSync(path.join(staging, entry), path.join(outdir, entry), { recursive: true });
  }
}
