import { EnvironmentError, loadEnvironments } from "./environments";
import { synthesizeEnvironments } from "./stacks/synthesize";

// Validate every environment before any construct exists; an invalid one writes nothing.
try {
  const environments = loadEnvironments(process.env.ENVIRONMENTS);
  synthesizeEnvironments(environments, process.env.CDKTF_OUTDIR ?? "cdktf.out");
} catch (error) {
  if (!(error instanceof EnvironmentError)) throw error;
  for (const problem of error.problems) console.error(problem);
  console.error(`synth stopped: ${error.problems.length} invalid environment value(s); nothing was written.`);
  process.exit(1);
}
