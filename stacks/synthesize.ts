import * as fs from "fs";
import * as path from "path";
import { EnvironmentConfig } from "../environments/schema";
import { checkStaleStacks, staleStacks } from "./stale-stacks";
import { skipTokenTraces } from "./token-traces";

/**
 * Synthesizes one stack per environment into a staging directory and only then publishes it to
 * `outdir`, so a synth that fails half-way leaves the previous output exactly as it was.
 * Terraform's working files (`.terraform*`) in an existing stack directory are kept; the directory
 * of an environment no longer among `defined` is removed, once its state holds no resources (or
 * `dropStacks` names it): see stale-stacks.ts.
 */
export function synthesizeEnvironments(
  environments: EnvironmentConfig[],
  outdir: string,
  defined: readonly string[],
  dropStacks: readonly string[] = [],
): void {
  const stale = staleStacks(outdir, defined);
  checkStaleStacks(outdir, stale, dropStacks);
  // cdktf and the provider load only now: a synth refused above, or by main.ts's checks of its arguments
  // and environments, stops in 0.2 s instead of the 0.4 s their loading takes.
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on use (see above) */
  const { App } = require("cdktf") as typeof import("cdktf");
  const { MlPipelineStack } = require("./ml-pipeline-stack") as typeof import("./ml-pipeline-stack");
  /* eslint-enable @typescript-eslint/no-require-imports */
  skipTokenTraces();
  const staging = fs.mkdtempSync(path.join(path.dirname(path.resolve(outdir)), ".cdktf-synth-"));
  try {
    const app = new App({ outdir: staging });
    for (const env of environments) {
      const localStateDir = path.relative(path.resolve(outdir, "stacks", env.name), process.cwd()) || ".";
      new MlPipelineStack(app, { env, localStateDir: localStateDir.split(path.sep).join("/") });
    }
    app.synth();
    publish(staging, outdir, defined, stale);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Moves each staged stack directory into place (renames: cheap, same file system). */
function publish(staging: string, outdir: string, defined: readonly string[], stale: readonly string[]): void {
  const stacksDir = path.join(staging, "stacks");
  const previousManifest = readManifest(outdir);
  fs.mkdirSync(path.join(outdir, "stacks"), { recursive: true });
  for (const stack of stale) fs.rmSync(path.join(outdir, "stacks", stack), { recursive: true, force: true });
  for (const stack of fs.readdirSync(stacksDir)) {
    const staged = path.join(stacksDir, stack);
    const target = path.join(outdir, "stacks", stack);
    if (fs.existsSync(target)) {
      for (const entry of fs.readdirSync(target).filter((e) => e.startsWith(".terraform"))) {
        fs.renameSync(path.join(target, entry), path.join(staged, entry));
      }
      fs.rmSync(target, { recursive: true, force: true });
    }
    fs.renameSync(staged, target);
  }
  // The manifest goes last: it is what `cdktf deploy` reads to find the stacks.
  for (const entry of fs.readdirSync(staging)) {
    if (entry !== "stacks") fs.cpSync(path.join(staging, entry), path.join(outdir, entry), { recursive: true });
  }
  keepUnsynthesizedStacks(outdir, previousManifest, defined);
}

type Manifest = { stacks: Record<string, unknown> } & Record<string, unknown>;

function readManifest(outdir: string): Manifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

/**
 * A subset synth (`--env dev`) writes a manifest of that subset; the other defined environments'
 * stacks are still in place, so they stay listed and `cdktf deploy prod` keeps working.
 */
function keepUnsynthesizedStacks(outdir: string, previous: Manifest | undefined, defined: readonly string[]): void {
  const current = readManifest(outdir);
  if (!previous || !current) return;
  const kept = Object.keys(previous.stacks ?? {}).filter(
    (stack) =>
      !(stack in current.stacks) && defined.includes(stack) && fs.existsSync(path.join(outdir, "stacks", stack, "cdk.tf.json")),
  );
  if (kept.length === 0) return;
  const stacks = { ...current.stacks, ...Object.fromEntries(kept.map((stack) => [stack, previous.stacks[stack]])) };
  const sorted = Object.fromEntries(
    Object.keys(stacks)
      .sort()
      .map((stack) => [stack, stacks[stack]]),
  );
  fs.writeFileSync(path.join(outdir, "manifest.json"), `${JSON.stringify({ ...current, stacks: sorted }, null, 2)}\n`);
}
