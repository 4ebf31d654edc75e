import { ENVIRONMENT_NAMES, EnvironmentError, loadEnvironments, parseEnvironmentList } from "./environments";
import { synthesizeEnvironments } from "./stacks/synthesize";

const USAGE =
  "usage: npm run synth [-- --env <name>[,<name>...]] [-- --drop-stack <name>[,<name>...]]  or  ENVIRONMENTS=<name>[,<name>...] DROP_STACKS=<name>[,<name>...] npm run synth";

interface SynthArgs {
  /** The environments to synthesize: `--env` (repeatable, comma-separated), else $ENVIRONMENTS, else every one. */
  environments: string[];
  /** Removed environments whose stacks may go although synth cannot tell their state is empty: `--drop-stack`, else $DROP_STACKS. */
  dropStacks: string[];
}

function parseArgs(argv: string[], variables: NodeJS.ProcessEnv): SynthArgs {
  const lists: Record<"env" | "drop-stack", string[]> = { env: [], "drop-stack": [] };
  for (let i = 0; i < argv.length; i += 1) {
    const match = /^--(env|drop-stack)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new EnvironmentError([`synth: unknown argument ${JSON.stringify(argv[i])}; ${USAGE}`]);
    const flag = match[1] as keyof typeof lists;
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new EnvironmentError([`synth: --${flag} needs a value; ${USAGE}`]);
    lists[flag].push(value);
  }
  const { ENVIRONMENTS: environments, DROP_STACKS: dropStacks } = variables;
  if (lists.env.length > 0 && environments !== undefined)
    throw new EnvironmentError(["synth: pass --env or set ENVIRONMENTS, not both"]);
  if (lists["drop-stack"].length > 0 && dropStacks !== undefined)
    throw new EnvironmentError(["synth: pass --drop-stack or set DROP_STACKS, not both"]);
  return {
    environments:
      lists.env.length > 0
        ? parseEnvironmentList(lists.env.join(","), "--env")
        : environments !== undefined
          ? parseEnvironmentList(environments, "ENVIRONMENTS")
          : [...ENVIRONMENT_NAMES],
    dropStacks:
      lists["drop-stack"].length > 0
        ? dropList(lists["drop-stack"].join(","), "--drop-stack")
        : dropStacks
          ? dropList(dropStacks, "DROP_STACKS")
          : [],
  };
}

/** Names of removed environments; a defined one is an error (its stack is synthesized, not dropped). */
function dropList(list: string, source: string): string[] {
  const names = list.split(",").map((name) => name.trim());
  const defined = names.filter((name) => ENVIRONMENT_NAMES.includes(name));
  if (defined.length > 0)
    throw new EnvironmentError([
      `${source}: ${defined.map((n) => JSON.stringify(n)).join(", ")} is still defined (environments/index.ts); only a removed environment's stack can be dropped`,
    ]);
  return names.filter(Boolean);
}

// Validate every selected environment before any construct exists; an invalid one writes nothing.
try {
  const args = parseArgs(process.argv.slice(2), process.env);
  const environments = loadEnvironments(args.environments);
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  synthesizeEnvironments(environments, outdir, ENVIRONMENT_NAMES, args.dropStacks);
  const stacks = `${environments.length} stack${environments.length === 1 ? "" : "s"}`;
  // performance.now(): since the process started, so the time includes loading the project.
  const seconds = (performance.now() / 1000).toFixed(1);
  console.log(`synth: wrote ${outdir}: ${environments.map((env) => env.name).join(", ")} (${stacks}) in ${seconds} s`);
} catch (error) {
  if (!(error instanceof EnvironmentError)) throw error;
  for (const problem of error.problems) console.error(problem);
  console.error("synth stopped: nothing was written.");
  process.exit(1);
}
