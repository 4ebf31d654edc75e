/**
 * The synthesized stacks of environments that are no longer defined, and whether synth may drop
 * them: not while the stack's state still holds resources, which would then have no stack left to
 * destroy them with.
 */
import * as fs from "fs";
import * as path from "path";
import { EnvironmentError } from "../environments/schema";

/** Stack directories under `outdir/stacks` (they hold cdk.tf.json) of environments not in `defined`. */
export function staleStacks(outdir: string, defined: readonly string[]): string[] {
  const stacksDir = path.join(outdir, "stacks");
  if (!fs.existsSync(stacksDir)) return [];
  return fs
    .readdirSync(stacksDir)
    .filter((stack) => !defined.includes(stack) && fs.existsSync(path.join(stacksDir, stack, "cdk.tf.json")))
    .sort();
}

/**
 * Refuses (an EnvironmentError naming the environment and what to run) to drop a stale stack whose
 * local state still holds managed resources, or whose state synth cannot read (a remote backend),
 * unless `dropped` names it: the operator has destroyed it, or knows the state is elsewhere.
 */
export function checkStaleStacks(outdir: string, stale: readonly string[], dropped: readonly string[]): void {
  const problems: string[] = [];
  for (const stack of stale.filter((name) => !dropped.includes(name))) {
    const problem = stateProblem(path.join(outdir, "stacks", stack));
    if (!problem) continue;
    const where = path.join(outdir, "stacks", stack).split(path.sep).join("/");
    problems.push(
      `${where}: environment "${stack}" is no longer defined, but ${problem}. Remove it in order (docs/environments.md): ` +
        `restore environments/${stack}.ts and its line in environments/index.ts, run npm run workflow -- teardown --env ${stack} ` +
        `--include-registry and npm run cdktf -- destroy ${stack}, then delete them again; or, if it is already destroyed, ` +
        `pass --drop-stack ${stack} (or DROP_STACKS=${stack}) to drop its stack`,
    );
  }
  if (problems.length > 0) throw new EnvironmentError(problems);
}

/** Why the state of the stack in `stackDir` may still hold resources, or undefined when it holds none. */
function stateProblem(stackDir: string): string | undefined {
  let backend: Record<string, Record<string, unknown>> | undefined;
  try {
    backend = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")).terraform?.backend;
  } catch (error) {
    return `its cdk.tf.json cannot be read (${(error as Error).message}), so neither can the state it names`;
  }
  const [kind, settings] = Object.entries(backend ?? { local: {} })[0] ?? ["local", {}];
  if (kind !== "local") {
    const at = kind === "s3" ? `, s3://${settings.bucket}/${settings.key}` : "";
    return `its state is remote (backend "${kind}"${at}), which synth cannot read`;
  }
  // Terraform resolves a local state path against the stack directory; its default is terraform.tfstate there.
  const stateFile = path.resolve(stackDir, String(settings.path ?? "terraform.tfstate"));
  if (!fs.existsSync(stateFile)) return undefined;
  let resources: Array<{ mode?: string; instances?: unknown[] }>;
  try {
    resources = JSON.parse(fs.readFileSync(stateFile, "utf8")).resources ?? [];
  } catch (error) {
    return `its state file ${path.relative(process.cwd(), stateFile)} cannot be read (${(error as Error).message})`;
  }
  const live = resources.filter((r) => r.mode === "managed" && (r.instances?.length ?? 0) > 0).length;
  return live === 0 ? undefined : `its state file ${path.relative(process.cwd(), stateFile)} still holds ${live} resources`;
}
