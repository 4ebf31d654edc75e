/** Command definitions, flag parsing (node:util parseArgs), generated help, and the flag checks commands share. */
import { parseArgs } from "node:util";
import { ENVIRONMENT_SOURCES, EnvironmentError, getEnvironment } from "../environments";
import { EnvironmentConfig } from "../environments/schema";
import { CliDeps } from "./deps";
import { ExitCode, UsageError } from "./errors";

/** One flag of a command. */
export interface OptionSpec {
  type: "string" | "boolean";
  /** One line for --help. */
  description: string;
  /** Placeholder shown in --help, e.g. `<env>`. Default: `<value>`. */
  valueName?: string;
  short?: string;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** A command: its help text, its flags, and the function that runs it. */
export interface Command {
  name: string;
  /** One line for `workflow --help`. */
  summary: string;
  /** Synopsis, e.g. `run --env <env> [--run-id <id>] [--wait]`. */
  synopsis: string;
  /** Paragraphs and examples for `workflow <command> --help`. */
  description: string;
  options: Record<string, OptionSpec>;
  /** Names of positional arguments, in order (all required). Default: none. */
  positionals?: string[];
  run(args: ParsedArgs, deps: CliDeps): Promise<ExitCode>;
}

/** Flags every command accepts. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  json: { type: "boolean", description: "print one machine-readable JSON document on stdout instead of text" },
  help: { type: "boolean", short: "h", description: "show this help" },
};

export const ENV_OPTION: OptionSpec = { type: "string", valueName: "<env>", description: "environment: dev, staging or prod (environments/*.ts)" };
export const STATE_MACHINE_OPTION: OptionSpec = {
  type: "string",
  valueName: "<arn>",
  description: "state machine ARN. Default: $STATE_MACHINE_ARN, else found by name in the environment's region",
};

/** Parses argv for one command; unknown flags, missing values and wrong positional counts are usage errors. */
export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  const options = { ...command.options, ...COMMON_OPTIONS };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message, `run 'workflow ${command.name} --help' for its flags`);
  }
  const values = parsed.values as ParsedArgs["values"];
  if (values.help) return { values, positionals: parsed.positionals };
  const expected = command.positionals ?? [];
  if (parsed.positionals.length !== expected.length) {
    const want = expected.length === 0 ? "no arguments" : expected.map((p) => `<${p}>`).join(" ");
    throw new UsageError(`expected ${want}, got ${parsed.positionals.length === 0 ? "none" : JSON.stringify(parsed.positionals.join(" "))}`, `run 'workflow ${command.name} --help'`);
  }
  return { values, positionals: parsed.positionals };
}

/** `workflow <command> --help`. */
export function commandHelp(command: Command): string {
  const options = { ...command.options, ...COMMON_OPTIONS };
  const flag = (name: string, o: OptionSpec) => `${o.short ? `-${o.short}, ` : ""}--${name}${o.type === "string" ? ` ${o.valueName ?? "<value>"}` : ""}`;
  const width = Math.max(...Object.entries(options).map(([n, o]) => flag(n, o).length));
  const lines = Object.entries(options).map(([name, o]) => `  ${flag(name, o).padEnd(width)}  ${o.description}`);
  return `Usage: workflow ${command.synopsis}\n\n${command.description.trim()}\n\nOptions:\n${lines.join("\n")}\n`;
}

/** A string flag's value, or a usage error naming the flag when it is required and missing. */
export function stringFlag(args: ParsedArgs, name: string, required: true): string;
export function stringFlag(args: ParsedArgs, name: string, required?: false): string | undefined;
export function stringFlag(args: ParsedArgs, name: string, required = false): string | undefined {
  const value = args.values[name];
  if (typeof value === "string" && value.length > 0) return value;
  if (required) throw new UsageError(`--${name} is required`);
  return undefined;
}

/** The environment named by --env, validated; unknown names list the known ones. */
export function environmentFlag(args: ParsedArgs): EnvironmentConfig {
  const name = stringFlag(args, "env", true);
  const known = ENVIRONMENT_SOURCES.map((s) => s.config.name);
  if (!known.includes(name)) throw new UsageError(`--env: unknown environment ${JSON.stringify(name)} (known: ${known.join(", ")})`, "pick one of the known environments or add one in environments/");
  try {
    return getEnvironment(name);
  } catch (err) {
    if (err instanceof EnvironmentError) throw new UsageError(`--env ${name}: invalid environment: ${err.problems.join("; ")}`, "fix the environment file");
    throw err;
  }
}

/** A number flag (e.g. --rmse 2.4); anything that is not a finite number is a usage error. */
export function numberFlag(args: ParsedArgs, name: string, rule: (n: number) => boolean = Number.isFinite, ruleText = "a number"): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || !rule(value)) throw new UsageError(`--${name} must be ${ruleText} (got ${JSON.stringify(raw)})`);
  return value;
}

/** Writes a JSON document (dates as ISO strings) followed by a newline. */
export function writeJson(deps: CliDeps, document: unknown): void {
  deps.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}
