/** The one environment of the bundled CLI a build runs: the build's stack gives it as ENVIRONMENT_CONFIG. */
import { MODEL } from "../models";
import { parseEnvironment } from "../environments/schema";
import { ENVIRONMENT_CONFIG_VARIABLE } from "../modules/build-variables";
import { Environments } from "./deps";
import { UsageError } from "./errors";

const VARIABLE = `$${ENVIRONMENT_CONFIG_VARIABLE}`;

/**
 * The environment in `variables[ENVIRONMENT_CONFIG]` (JSON of a validated environment, as the stack
 * sets it on its build projects), validated again here with the schema the CLI was bundled with.
 */
export function stackEnvironment(variables: Record<string, string | undefined>): Environments {
  const text = variables[ENVIRONMENT_CONFIG_VARIABLE];
  const read = (): Record<string, unknown> | undefined => {
    if (text === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${VARIABLE} is not JSON (${(error as Error).message})`, "the stack's build projects set it");
    }
    if (
      typeof value !== "object" ||
      value === null ||
      Array.isArray(value) ||
      typeof (value as { name?: unknown }).name !== "string"
    )
      throw new UsageError(
        `${VARIABLE} must be a JSON object with the environment's name and settings (got ${text.slice(0, 80)})`,
      );
    return value as Record<string, unknown>;
  };
  return {
    names: () => {
      const config = read();
      return config ? [config.name as string] : [];
    },
    source: `${VARIABLE}, set by the stack's build projects`,
    load(name) {
      const config = read();
      if (!config) {
        throw new UsageError(
          `--env ${name}: this bundled CLI carries no environment files; it reads its environment from ${VARIABLE}`,
          "the stack's build projects set it; outside a build, run the project's CLI (npm run workflow)",
        );
      }
      const { name: own, ...settings } = config;
      if (own !== name)
        throw new UsageError(`--env ${name}: this build's environment is ${own} (${VARIABLE})`, `pass --env ${own}`);
      const parsed = parseEnvironment(VARIABLE, name, settings, MODEL);
      if (!parsed.config) throw new UsageError(`--env ${name}: invalid environment: ${parsed.problems.join("; ")}`);
      return parsed.config;
    },
  };
}
