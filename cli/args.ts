/** Command definitions, flag parsing, generated usage and help, and the flag checks commands share. */
import { closest, EnvironmentConfig } from "../environments/schema";
import { CliDeps, Environments } from "./deps";
import { ExitCode, UsageError } from "./errors";

/** One flag of a command. */
export interface OptionSpec {
  type: "string" | "boolean";
  /** One line for --help. */
  description: string;
  /** Placeholder shown in --help, e.g. `<env>`. Default: `<value>`. */
  valueName?: string;
  short?: string;
  /** Shown without brackets in the usage line (the command checks it). Default: optional. */
  required?: boolean;
  /** May be given more than once; the values are joined with commas. Default: once. */
  multiple?: boolean;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** A command's help text and flags (what parsing and help need; the CLI's one-line summaries are in cli/main.ts). */
export interface CommandSpec {
  name: string;
  /** Paragraphs and examples for `workflow <command> --help`. */
  description: string;
  options: Record<string, OptionSpec>;
  /** Names of positional arguments, in order (all required). Default: none. */
  positionals?: string[];
  /** How a person types the command. Default: `workflow <name>`. */
  invocation?: string;
}

/** A workflow CLI command: its spec and the function that runs it. */
export interface Command extends CommandSpec {
  run(args: ParsedArgs, deps: CliDeps): Promise<ExitCode>;
}

const invocationOf = (command: CommandSpec) => command.invocation ?? `workflow ${command.name}`;

/** Flags every command accepts. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  json: { type: "boolean", description: "print one machine-readable JSON document on stdout instead of text" },
  help: { type: "boolean", short: "h", description: "show this help" },
};

/** `--env`: the help of a command that takes it lists the environments (`environmentsLine`). */
export const ENV_OPTION: OptionSpec = {
  type: "string",
  valueName: "<env>",
  required: true,
  description: "environment (listed below)",
};
export const STATE_MACHINE_OPTION: OptionSpec = {
  type: "string",
  valueName: "<arn>",
  description: "state machine ARN. Default: $STATE_MACHINE_ARN, else found by name in the environment's region",
};

/**
 * Parses argv for one command: `--flag value`, `--flag=value`, `-h`. Unknown flags (with the
 * nearest of the command's own), a flag given twice, a missing or empty value and a wrong
 * number of positionals are usage errors. A value may start with `-` (`--metric -1`).
 */
export function parseCommandArgs(command: CommandSpec, argv: string[]): ParsedArgs {
  const options = { ...command.options, ...COMMON_OPTIONS };
  const hint = `run '${invocationOf(command)} --help' for its flags`;
  const values: ParsedArgs["values"] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i];
    if (token === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith("-") || token === "-") {
      positionals.push(token);
      continue;
    }
    const [, long, inline] = /^--([^=]*)(?:=(.*))?$/s.exec(token) ?? [];
    const name = long ?? Object.keys(options).find((n) => `-${options[n].short}` === token);
    // Own keys only: `--constructor` is an unknown flag, not Object.prototype's.
    const spec = name === undefined || !Object.hasOwn(options, name) ? undefined : options[name];
    if (!spec || name === undefined) {
      const guess = closest(long ?? token.slice(1), Object.keys(options));
      throw new UsageError(`unknown flag ${token}${guess ? ` — did you mean --${guess}?` : ""}`, hint);
    }
    if (Object.hasOwn(values, name) && !spec.multiple) throw new UsageError(`--${name} given more than once`, "give it once");
    if (spec.type === "boolean") {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value (got ${JSON.stringify(inline)})`, hint);
      values[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--")))
      throw new UsageError(`--${name} needs a value ${spec.valueName ?? "<value>"}`, hint);
    if (value.trim() === "") throw new UsageError(`--${name} must not be empty`, hint);
    values[name] = Object.hasOwn(values, name) ? `${values[name]},${value}` : value;
  }
  if (values.help) return { values, positionals };
  const expected = command.positionals ?? [];
  if (positionals.length !== expected.length) {
    const want = expected.length === 0 ? "no arguments" : expected.map((p) => `<${p}>`).join(" ");
    throw new UsageError(
      `expected ${want}, got ${positionals.length === 0 ? "none" : JSON.stringify(positionals.join(" "))}`,
      `run '${invocationOf(command)} --help'`,
    );
  }
  return { values, positionals };
}

/** `run --env <env> [--run-id <id>] [--wait] [--json] [--help]`: every flag, required ones without brackets. */
export function usageLine(command: CommandSpec): string {
  const options = { ...command.options, ...COMMON_OPTIONS };
  const flag = (name: string, o: OptionSpec) => `--${name}${o.type === "string" ? ` ${o.valueName ?? "<value>"}` : ""}`;
  const flags = Object.entries(options).map(
    ([name, o]) => (o.required ? flag(name, o) : `[${flag(name, o)}]`) + (o.multiple ? "..." : ""),
  );
  return [invocationOf(command), ...(command.positionals ?? []).map((p) => `<${p}>`), ...flags].join(" ");
}

/** `Environments: dev, staging, prod (environments/<env>.ts)`: what --env may name, in promotion order. */
export function environmentsLine(environments: Environments): string {
  return `Environments: ${environments.names().join(", ") || "none"} (${environments.source})`;
}

/** `workflow <command> --help`; with `environments`, a command that takes --env lists them. */
export function commandHelp(command: CommandSpec, environments?: Environments): string {
  const options = { ...command.options, ...COMMON_OPTIONS };
  const flag = (name: string, o: OptionSpec) =>
    `${o.short ? `-${o.short}, ` : ""}--${name}${o.type === "string" ? ` ${o.valueName ?? "<value>"}` : ""}`;
  const width = Math.max(...Object.entries(options).map(([n, o]) => flag(n, o).length));
  const lines = Object.entries(options).map(([name, o]) => `  ${flag(name, o).padEnd(width)}  ${o.description}`);
  if (environments && command.options.env) lines.push("", environmentsLine(environments));
  return `Usage: ${usageLine(command)}\n\n${command.description.trim()}\n\nOptions:\n${lines.join("\n")}\n`;
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
export function environmentFlag(args: ParsedArgs, deps: CliDeps): EnvironmentConfig {
  return deps.environments.load(stringFlag(args, "env", true));
}

/** A number flag (e.g. --metric 2.4); anything that is not a finite number is a usage error. */
export function numberFlag(
  args: ParsedArgs,
  name: string,
  rule: (n: number) => boolean = Number.isFinite,
  ruleText = "a number",
): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || !rule(value))
    throw new UsageError(`--${name} must be ${ruleText} (got ${JSON.stringify(raw)})`);
  return value;
}

/** Writes a JSON document (dates as ISO strings) followed by a newline. */
export function writeJson(deps: CliDeps, document: unknown): void {
  deps.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}
