/**
 * The environments the project defines, loaded one file at a time: an environment is validated
 * when a command uses it, so a broken `dev.ts` never blocks work on prod.
 */
import * as fs from "fs";
import * as path from "path";
import { MODEL } from "../models";
import { loadFailure, locationOf } from "./source-location";
import { ENVIRONMENT_NAME_PATTERN, ENVIRONMENT_NAME_RULE, EnvironmentConfig, EnvironmentError, parseEnvironment } from "./schema";

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on use, one file each (see above) */
/** Every environment, by name: its file is `environments/<name>.ts`. A new environment is its file and one line here. */
export const ENVIRONMENT_FILES: Record<string, () => unknown> = {
  dev: () => require("./dev"),
  staging: () => require("./staging"),
  prod: () => require("./prod"),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The defined environments' names (no file is loaded). */
export const ENVIRONMENT_NAMES: readonly string[] = Object.keys(ENVIRONMENT_FILES);

/** The file an environment is defined in, relative to the project root. */
export const environmentFile = (name: string): string => `environments/${name}.ts`;

const cache = new Map<string, EnvironmentConfig>();

/** Loads and validates one environment file; problems as lines (file, field, value, rule). */
function load(name: string, files: Record<string, () => unknown>): { config?: EnvironmentConfig; problems: string[] } {
  const file = environmentFile(name);
  const source = path.resolve(__dirname, `${name}.ts`);
  if (!ENVIRONMENT_NAME_PATTERN.test(name))
    return { problems: [`environments/index.ts: environment name ${JSON.stringify(name)} ${ENVIRONMENT_NAME_RULE}`] };
  let exported: unknown;
  try {
    exported = (files[name]() as { default?: unknown }).default;
  } catch (error) {
    return { problems: [loadFailure(source, file, error)] };
  }
  const { config, problems } = parseEnvironment(file, name, exported, MODEL);
  if (!config) return { problems };
  if (config.rawDataPath && !fs.existsSync(path.resolve(config.rawDataPath))) {
    const at = locationOf(source, "rawDataPath");
    return {
      problems: [
        `${file}${at}: rawDataPath must name an existing file, relative to the project root (got ${JSON.stringify(config.rawDataPath)}: not found)`,
      ],
    };
  }
  return { config, problems: [] };
}

/** The named environment, validated (once per process); an EnvironmentError naming the problem otherwise. */
export function getEnvironment(name: string, files = ENVIRONMENT_FILES): EnvironmentConfig {
  return loadEnvironments([name], files)[0];
}

/**
 * The named environments (default: every one), validated, in the order given. Every problem
 * of every named environment is reported at once.
 */
export function loadEnvironments(selected?: readonly string[], files = ENVIRONMENT_FILES): EnvironmentConfig[] {
  const names = selected ?? Object.keys(files);
  const unknown = names.filter((name) => !Object.hasOwn(files, name));
  if (unknown.length > 0) {
    throw new EnvironmentError(
      unknown.map((name) => `unknown environment ${JSON.stringify(name)} (defined: ${Object.keys(files).join(", ")})`),
    );
  }
  const problems: string[] = [];
  const configs: EnvironmentConfig[] = [];
  for (const name of names) {
    const cached = files === ENVIRONMENT_FILES ? cache.get(name) : undefined;
    const loaded = cached ? { config: cached, problems: [] } : load(name, files);
    problems.push(...loaded.problems);
    if (loaded.config) {
      configs.push(loaded.config);
      if (files === ENVIRONMENT_FILES) cache.set(name, loaded.config);
    }
  }
  problems.push(...promotionOrderProblems(configs));
  if (problems.length > 0) throw new EnvironmentError(problems);
  return configs;
}

/** Two environments promoted at the same step would race each other in deploy.yml. */
function promotionOrderProblems(configs: EnvironmentConfig[]): string[] {
  const byOrder = new Map<number, string>();
  const problems: string[] = [];
  for (const env of configs) {
    const first = byOrder.get(env.promotionOrder);
    if (first)
      problems.push(
        `${environmentFile(env.name)}: promotionOrder must be unique across environments (got ${env.promotionOrder}, also used by ${environmentFile(first)})`,
      );
    else byOrder.set(env.promotionOrder, env.name);
  }
  return problems;
}

/**
 * The environment names of a comma-separated list such as `ENVIRONMENTS=dev,prod` (`source`
 * names it in errors). Empty, repeated and unknown names are errors.
 */
export function parseEnvironmentList(list: string, source: string, files = ENVIRONMENT_FILES): string[] {
  const names = list.split(",").map((name) => name.trim());
  const problems: string[] = [];
  if (names.some((name) => name === ""))
    problems.push(`${source}: empty environment name in ${JSON.stringify(list)} (a comma-separated list such as dev,prod)`);
  const repeated = [...new Set(names.filter((name, i) => name !== "" && names.indexOf(name) !== i))];
  if (repeated.length > 0)
    problems.push(
      `${source}: environment ${repeated.map((n) => JSON.stringify(n)).join(", ")} named more than once in ${JSON.stringify(list)}`,
    );
  for (const name of names.filter((n, i) => n !== "" && names.indexOf(n) === i && !Object.hasOwn(files, n))) {
    problems.push(`${source}: unknown environment ${JSON.stringify(name)} (defined: ${Object.keys(files).join(", ")})`);
  }
  if (problems.length > 0) throw new EnvironmentError(problems);
  return names;
}

/** Every environment in promotion order (lowest `promotionOrder` first): the order deploy.yml releases them in. */
export function promotionOrder(files = ENVIRONMENT_FILES): EnvironmentConfig[] {
  return loadEnvironments(undefined, files).sort((a, b) => a.promotionOrder - b.promotionOrder);
}

/** The environments' names in promotion order, for help and messages; in index.ts order while one of them is invalid. */
export function namesInPromotionOrder(files = ENVIRONMENT_FILES): string[] {
  try {
    return promotionOrder(files).map((env) => env.name);
  } catch (error) {
    if (error instanceof EnvironmentError) return Object.keys(files);
    throw error;
  }
}

export * from "./schema";
