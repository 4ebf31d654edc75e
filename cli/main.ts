/** The workflow CLI as the project runs it: `npm run workflow -- <command> [flags]` or the `workflow` bin. */
import { ENVIRONMENT_NAMES, EnvironmentError, getEnvironment, namesInPromotionOrder } from "../environments";
import { Environments, processDeps } from "./deps";
import { UsageError } from "./errors";
import { runProcess } from "./program";

/** The project's environment files (environments/index.ts), each loaded and validated when a command names it. */
export const PROJECT_ENVIRONMENTS: Environments = {
  names: () => namesInPromotionOrder(),
  source: "environments/<env>.ts",
  load(name) {
    if (!ENVIRONMENT_NAMES.includes(name)) {
      throw new UsageError(
        `--env: unknown environment ${JSON.stringify(name)} (defined: ${namesInPromotionOrder().join(", ")})`,
        "pick a defined environment, or add one in environments/ (README: Adding an environment)",
      );
    }
    try {
      return getEnvironment(name);
    } catch (err) {
      if (err instanceof EnvironmentError)
        throw new UsageError(`--env ${name}: invalid environment: ${err.problems.join("; ")}`, "fix the environment file");
      throw err;
    }
  },
};

/** The project's version (package.json), for --version. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- JSON; an import would widen tsconfig's rootDir
export const projectVersion = (): string => require("../package.json").version;

export function main(): void {
  runProcess(processDeps(PROJECT_ENVIRONMENTS, projectVersion));
}

if (require.main === module) main();
