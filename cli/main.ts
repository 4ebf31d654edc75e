/** The workflow CLI: `npm run workflow -- <command> [flags]` or the `workflow` bin. */
import { ENVIRONMENT_NAMES } from "../environments";
import { closest } from "../environments/schema";
import { Command, commandHelp, parseCommandArgs } from "./args";
import { deployCommand } from "./commands/deploy";
import { historyCommand, listCommand, outputCommand, statusCommand, stopCommand } from "./commands/executions";
import { graphCommand } from "./commands/graph";
import { approveCommand, pipelineCommand, rejectCommand } from "./commands/pipeline";
import { renderCommand } from "./commands/render";
import { runCommand } from "./commands/run";
import { simulateCommand } from "./commands/simulate";
import { CliDeps, processDeps } from "./deps";
import { CliError, ExitCode, fromAwsError } from "./errors";

/** The project's version (package.json), for --version. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- JSON; an import would widen tsconfig's rootDir
const VERSION: string = require("../package.json").version;

/** Every command, in the order `--help` lists them. */
export const COMMANDS: Command[] = [
  runCommand,
  statusCommand,
  outputCommand,
  listCommand,
  stopCommand,
  historyCommand,
  deployCommand,
  pipelineCommand,
  approveCommand,
  rejectCommand,
  renderCommand,
  graphCommand,
  simulateCommand,
];

/** `workflow --help`. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "Usage: workflow <command> [flags]   (npm run workflow -- <command> [flags])",
    "",
    "Starts, follows, lists and stops executions of an environment's ML workflow, deploys the",
    "approved model, and renders, draws or simulates the workflow offline.",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    `Environments: ${ENVIRONMENT_NAMES.join(", ")} (environments/<env>.ts)`,
    "",
    "Every command takes --help and --json; 'workflow help <command>' shows a command's flags. --version prints the version.",
    "Exit codes: 0 succeeded, 1 workflow (or deployment) failed or aborted, 2 usage or configuration error, 3 AWS error.",
    "",
  ].join("\n");
}

/** Runs one command line in-process and returns the exit code; every failure is one line on stderr. */
export async function runCli(argv: string[], deps: CliDeps): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-v") {
    deps.stdout.write(`workflow ${VERSION}\n`);
    return ExitCode.Succeeded;
  }
  if (name === "help" && rest.length > 0) return runCli([...rest.slice(0, 1), "--help", ...rest.slice(1)], deps);
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    deps.stdout.write(mainHelp());
    return name === undefined ? ExitCode.Usage : ExitCode.Succeeded;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const guess = closest(name, COMMANDS.map((c) => c.name));
    deps.stderr.write(
      `workflow: unknown command ${JSON.stringify(name)}${guess ? ` — did you mean '${guess}'?` : ""} (known: ${COMMANDS.map((c) => c.name).join(", ")}) — run 'workflow --help'\n`,
    );
    return ExitCode.Usage;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      deps.stdout.write(commandHelp(command));
      return ExitCode.Succeeded;
    }
    return await command.run(args, deps);
  } catch (err) {
    const mapped = fromAwsError(err, command.name);
    if (mapped instanceof CliError) {
      deps.stderr.write(`workflow ${command.name}: ${mapped.line}\n`);
      return mapped.exitCode;
    }
    throw err;
  }
}

/** Runs the process's command line and sets its exit code. */
export function main(): void {
  runCli(process.argv.slice(2), processDeps()).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      // Not a CLI or AWS error: a bug. Show the stack so it can be reported.
      process.stderr.write(`workflow: unexpected error (please report it with the command you ran): ${(err as Error)?.stack ?? err}\n`);
      process.exitCode = ExitCode.WorkflowFailed;
    },
  );
}

if (require.main === module) main();
