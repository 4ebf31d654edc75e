import { ENVIRONMENT_NAMES, EnvironmentError, loadEnvironments, parseEnvironmentList } from "./environments";
import { synthesizeEnvironments } from "./stacks/synthesize";

const USAGE = "usage: npm run synth [-- --env <name>[,<name>...]]  or  ENVIRONMENTS=<name>[,<name>...] npm run synth";

/** The environments to synthesize: `--env` (repeatable, comma-separated), else $ENVIRONMENTS, else every one. */
function selectedEnvironments(argv: string[], variable: string | undefined): string[] {
  const lists: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const match = /^--env(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new EnvironmentError([`synth: unknown argument ${JSON.stringify(argv[i])}; ${USAGE}`]);
    const value = match[1] ?? argv[++i];
    if (value === undefined) throw new EnvironmentError([`synth: --env needs a value; ${USAGE}`]);
    lists.push(value);
  }
  if (lists.length > 0 && variable !== undefined) throw new EnvironmentError(["synth: pass --env or set ENVIRONMENTS, not both"]);
  if (lists.length > 0) return parseEnvironmentList(lists.join(","), "--env");
  if (variable !== undefined) return parseEnvironmentList(variable, "ENVIRONMENTS");
  return [...ENVIRONMENT_NAMES];
}

// Validate every selected environment before any construct exists; an invalid one writes nothing.
try {
  const environments = loadEnvironments(selectedEnvironments(process.argv.slice(2), process.env.ENVIRONMENTS));
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  synthesizeEnvironments(environments, outdir, ENVIRONMENT_NAMES);
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
