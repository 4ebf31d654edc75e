import * as fs from "fs";
import * as path from "path";
import { parseEnvironmentList } from "../environments";
import { EnvironmentError } from "../environments/schema";
import { commandHelp, CommandSpec, parseCommandArgs } from "../cli/args";
import { CliError } from "../cli/errors";
import { toMermaid } from "../cli/graph";
import { EnvironmentReview, reviewStacks } from "./environment-review";
import { renderReview } from "./markdown";
import { ReviewError, synthesizeBaseAndHead } from "./synthesize-refs";

/** What `npm run review -- …` was asked to do. */
export interface ReviewArgs {
  /** Git ref to compare the working tree against (required). */
  base: string;
  /** Limit the report to these environments. Default: every environment. */
  envs?: string[];
  /** Write the report here instead of standard output. */
  output?: string;
  /** A JSON document instead of Markdown. */
  json?: boolean;
}

/** The review's flags and help, parsed as the workflow CLI parses its own. */
export const REVIEW_COMMAND: CommandSpec = {
  name: "review",
  invocation: "npm run review --",
  description: `
Synthesizes the working tree and <git-ref> (offline, in a temporary worktree) and reports what
changes per environment: resources, Terraform variables, the state machine state by state, and
IAM by role. Exit codes: 0 reviewed, 2 a usage error or a side that does not synthesize.

Examples:
  npm run review -- --base origin/main
  npm run review -- --base HEAD~3 --env staging --env prod
  npm run review -- --base main --json --output review.json`,
  options: {
    base: { type: "string", valueName: "<git-ref>", required: true, description: "the ref to compare against, e.g. origin/main" },
    env: {
      type: "string",
      valueName: "<name>",
      multiple: true,
      description: "limit the report to these environments (repeat it, or dev,prod). Default: every one",
    },
    output: { type: "string", valueName: "<file>", description: "write the report to this file instead of standard output" },
  },
};

/** Parses the review's command line; usage errors are ReviewErrors (exit 2) of one line. */
export function parseReviewArgs(argv: string[]): ReviewArgs | "help" {
  try {
    const { values } = parseCommandArgs(REVIEW_COMMAND, argv);
    if (values.help) return "help";
    if (typeof values.base !== "string") throw new ReviewError("--base is required — run 'npm run review -- --help'");
    const envs = typeof values.env === "string" ? parseEnvironmentList(values.env, "--env") : undefined;
    return { base: values.base, envs, output: values.output as string | undefined, json: Boolean(values.json) };
  } catch (error) {
    if (error instanceof CliError) throw new ReviewError(error.line);
    if (error instanceof EnvironmentError) throw new ReviewError(error.problems.join("; "));
    throw error;
  }
}

/** Synthesizes both sides and returns the reviews of the asked-for environments. */
export async function reviewRefs(
  args: ReviewArgs,
  projectDir = process.cwd(),
): Promise<{ reviews: EnvironmentReview[]; baseCommit: string }> {
  const sides = await synthesizeBaseAndHead({ projectDir, baseRef: args.base });
  const missing = (args.envs ?? []).filter((env) => !sides.base.has(env) && !sides.head.has(env));
  if (missing.length > 0) {
    const known = [...new Set([...sides.head.keys(), ...sides.base.keys()])].join(", ");
    throw new ReviewError(
      `--env ${missing.map((env) => JSON.stringify(env)).join(", ")} is not synthesized on either side (environments: ${known})`,
    );
  }
  return { reviews: reviewStacks(sides.base, sides.head, args.envs), baseCommit: sides.baseCommit };
}

/** Synthesizes both sides and returns the review as Markdown (or JSON with `json`). */
export async function runReview(args: ReviewArgs, projectDir = process.cwd()): Promise<string> {
  const { reviews, baseCommit } = await reviewRefs(args, projectDir);
  if (args.json) {
    // As the Markdown: the environments whose stacks changed, and how many did not.
    const environments = reviews.filter((review) => review.status !== "unchanged");
    const unchanged = reviews.length - environments.length;
    return `${JSON.stringify({ base: args.base, baseCommit, environments, unchanged }, null, 2)}\n`;
  }
  return renderReview(reviews, { baseRef: args.base, baseCommit: baseCommit.slice(0, 7), drawWorkflow: toMermaid });
}

/** Refuses an --output the report could not be written to, before two synths are spent on it. */
function checkWritable(output: string): void {
  const problem = fs.existsSync(output)
    ? fs.statSync(output).isDirectory() && "is a directory"
    : !fs.existsSync(path.dirname(path.resolve(output))) && "is in a directory that does not exist";
  if (problem) throw new ReviewError(`--output: cannot write ${JSON.stringify(output)}: it ${problem}`);
}

async function main(): Promise<void> {
  try {
    const args = parseReviewArgs(process.argv.slice(2));
    if (args === "help") {
      process.stdout.write(commandHelp(REVIEW_COMMAND));
      return;
    }
    if (args.output) checkWritable(args.output);
    const report = await runReview(args);
    if (!args.output) {
      process.stdout.write(report);
      return;
    }
    try {
      fs.writeFileSync(args.output, report);
    } catch (error) {
      throw new ReviewError(
        `--output: cannot write ${JSON.stringify(args.output)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    console.error(`review written to ${args.output}`);
  } catch (error) {
    if (!(error instanceof ReviewError)) throw error;
    console.error(`review: ${error.message}`);
    process.exit(error.exitCode);
  }
}

if (require.main === module) void main();
