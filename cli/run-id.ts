/** The run id of `run` and `simulate`: one flag, one default, one check. */
import { MODEL } from "../models";
import { timestampRunId } from "../modules/run-names";
import { runIdProblems } from "../modules/workflow/execution-input";
import { ParsedArgs, stringFlag } from "./args";
import { CliDeps } from "./deps";
import { UsageError } from "./errors";

/** The `--run-id` option both commands take. */
export const RUN_ID_OPTION = {
  type: "string",
  valueName: "<id>",
  description: "run id naming the execution and the SageMaker jobs. Default: UTC time YYYYMMDDHHMMSS",
} as const;

/** `--run-id`, or the clock's UTC time; a usage error when a name it makes in `environment` breaks SageMaker's rule. */
export function runIdFlag(args: ParsedArgs, deps: CliDeps, environment: string): string {
  const runId = stringFlag(args, "run-id") ?? timestampRunId(new Date(deps.clock.now()));
  const problems = runIdProblems(MODEL.name, environment, runId);
  if (problems.length > 0)
    throw new UsageError(`--run-id: ${problems.join("; ")}`, "choose a shorter run id of letters, digits and '-'");
  return runId;
}
