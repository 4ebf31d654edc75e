/**
 * The workflow CLI's commands, help and dispatch, whichever entry point runs it: the project's
 * (`cli/main.ts`: `npm run workflow`, the `workflow` bin) or the bundle the builds run (`cli/build-main.ts`).
 */
import { closest } from "../environments/schema";
import { Command, commandHelp, environmentsLine, parseCommandArgs } from "./args";
import { CliDeps } from "./deps";
import { CliError, ExitCode, fromAwsError } from "./errors";

/* eslint-disable @typescript-eslint/no-require-imports -- each command's module is loaded on use (see COMMANDS) */
const executions = () => require("./commands/executions") as typeof import("./commands/executions");
const pipeline = () => require("./commands/pipeline") as typeof import("./commands/pipeline");

/**
 * Every command, in the order `--help` lists them, with its one-line summary. A command's module,
 * with what it imports (AWS SDK clients, the local simulator), is loaded only when that command
 * runs or shows its help: `workflow --help` loads none.
 */
export const COMMANDS: ReadonlyArray<{ name: string; summary: string; load: () => Command }> = [
  {
    name: "run",
    summary: "start the workflow for a run id (and follow it with --wait)",
    load: () => (require("./commands/run") as typeof import("./commands/run")).runCommand,
  },
  { name: "status", summary: "show an execution's status, times and input", load: () => executions().statusCommand },
  { name: "output", summary: "print a succeeded execution's output (JSON)", load: () => executions().outputCommand },
  { name: "list", summary: "list the environment's executions, newest first", load: () => executions().listCommand },
  { name: "stop", summary: "stop a running execution", load: () => executions().stopCommand },
  {
    name: "history",
    summary: "replay an execution's states with durations, metric and outcome",
    load: () => executions().historyCommand,
  },
  {
    name: "deploy",
    summary: "deploy a registered model to the environment's endpoint and wait for InService",
    load: () => (require("./commands/deploy") as typeof import("./commands/deploy")).deployCommand,
  },
  {
    name: "models",
    summary: "list the environment's registered model versions, newest first, and which one the endpoint serves",
    load: () => (require("./commands/models") as typeof import("./commands/models")).modelsCommand,
  },
  {
    name: "rollback",
    summary: "put the previous approved model version (or --to <version>) back through the guarded rollout",
    load: () => (require("./commands/rollback") as typeof import("./commands/rollback")).rollbackCommand,
  },
  {
    name: "teardown",
    summary: "delete what the pipeline created at run time for the environment (endpoint, configs, models), before destroy",
    load: () => (require("./commands/teardown") as typeof import("./commands/teardown")).teardownCommand,
  },
  {
    name: "pipeline",
    summary: "show where the environment's release stands: stages, source commit, run, metric, approval, endpoint",
    load: () => pipeline().pipelineCommand,
  },
  {
    name: "approve",
    summary: "approve the model waiting at the environment's approval (token from the pipeline state)",
    load: () => pipeline().approveCommand,
  },
  {
    name: "reject",
    summary: "reject the model waiting at the environment's approval (ends the execution)",
    load: () => pipeline().rejectCommand,
  },
  {
    name: "render",
    summary: "print the environment's state machine definition (ASL JSON), offline",
    load: () => (require("./commands/render") as typeof import("./commands/render")).renderCommand,
  },
  {
    name: "graph",
    summary: "draw the environment's workflow as Mermaid or Graphviz (dot), offline",
    load: () => (require("./commands/graph") as typeof import("./commands/graph")).graphCommand,
  },
  {
    name: "simulate",
    summary: "run the environment's workflow locally (no AWS) with stand-ins and the real analyze-results handler",
    load: () => (require("./commands/simulate") as typeof import("./commands/simulate")).simulateCommand,
  },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** The command named `name` (its module loaded), or undefined. */
export function loadCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name)?.load();
}

/** `workflow --help`. */
export function mainHelp(environments: CliDeps["environments"]): string {
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
    environmentsLine(environments),
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
    deps.stdout.write(`workflow ${deps.version()}\n`);
    return ExitCode.Succeeded;
  }
  if (name === "help" && rest.length > 0) return runCli([...rest.slice(0, 1), "--help", ...rest.slice(1)], deps);
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    deps.stdout.write(mainHelp(deps.environments));
    return name === undefined ? ExitCode.Usage : ExitCode.Succeeded;
  }
  const command = loadCommand(name);
  if (!command) {
    const guess = closest(
      name,
      COMMANDS.map((c) => c.name),
    );
    deps.stderr.write(
      `workflow: unknown command ${JSON.stringify(name)}${guess ? ` — did you mean '${guess}'?` : ""} (known: ${COMMANDS.map((c) => c.name).join(", ")}) — run 'workflow --help'\n`,
    );
    return ExitCode.Usage;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      deps.stdout.write(commandHelp(command, deps.environments));
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
export function runProcess(deps: CliDeps): void {
  runCli(process.argv.slice(2), deps).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      // Not a CLI or AWS error: a bug. Show the stack so it can be reported.
      process.stderr.write(
        `workflow: unexpected error (please report it with the command you ran): ${(err as Error)?.stack ?? err}\n`,
      );
      process.exitCode = ExitCode.WorkflowFailed;
    },
  );
}
