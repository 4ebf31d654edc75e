import dev from "./dev";
import prod from "./prod";
import staging from "./staging";
import { EnvironmentConfig, EnvironmentError, EnvironmentSource, validateEnvironments } from "./schema";

/** Every environment with the file it is defined in. Add a new one here and in its own file. */
export const ENVIRONMENT_SOURCES: EnvironmentSource[] = [
  { file: "environments/dev.ts", config: dev },
  { file: "environments/staging.ts", config: staging },
  { file: "environments/prod.ts", config: prod },
];

/**
 * Validates every environment, then returns those selected by `selection`
 * (a comma-separated list such as the `ENVIRONMENTS` variable; empty means all).
 * Throws EnvironmentError with one line per problem.
 */
export function loadEnvironments(
  selection: string | undefined,
  sources: EnvironmentSource[] = ENVIRONMENT_SOURCES,
): EnvironmentConfig[] {
  const problems = validateEnvironments(sources);
  if (problems.length > 0) throw new EnvironmentError(problems);
  const all = sources.map((s) => s.config);
  const wanted = (selection ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) return all;
  const known = all.map((e) => e.name);
  const unknown = wanted.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new EnvironmentError(
      unknown.map((name) => `ENVIRONMENTS: unknown environment ${JSON.stringify(name)} (known: ${known.join(", ")})`),
    );
  }
  return all.filter((e) => wanted.includes(e.name));
}

/** The named environment, validated; an EnvironmentError naming the known ones otherwise. */
export function getEnvironment(name: string, sources: EnvironmentSource[] = ENVIRONMENT_SOURCES): EnvironmentConfig {
  return loadEnvironments(name, sources)[0];
}

export * from "./schema";
