import * as fs from "fs";
import { toMermaid } from "../cli/graph";
import { reviewStacks } from "./environment-review";
import { renderReview } from "./markdown";
import { ReviewError, synthesizeBaseAndHead } from "./synthesize-refs";

/** What `npm run review -- …` was asked to do. */
export interface ReviewArgs {
  /** Git ref to compare the working tree against (required). */
  base: string;
  /** Limit the report to this environment. Default: every environment. */
  env?: string;
  /** Write the Markdown here instead of standard output. */
  output?: string;
}

export const USAGE = "usage: npm run review -- --base <git-ref> [--env <name>] [--output <file>]";

/** Parses `--base <ref> [--env <name>] [--output <file>]` (also `--base=<ref>`). */
export function parseReviewArgs(argv: string[]): ReviewArgs {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const match = /^--(base|env|output)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new ReviewError(`unknown argument "${argv[i]}"\n${USAGE}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === "") throw new ReviewError(`--${match[1]} needs a value\n${USAGE}`);
    values[match[1]] = value;
  }
  if (!values.base) throw new ReviewError(`--base is required\n${USAGE}`);
  return { base: values.base, env: values.env, output: values.output };
}

/** Synthesizes both sides and returns the review as Markdown. */
export async function runReview(args: ReviewArgs, projectDir = process.cwd()): Promise<string> {
  const sides = await synthesizeBaseAndHead({ projectDir, baseRef: args.base });
  if (args.env && !sides.base.has(args.env) && !sides.head.has(args.env)) {
    const known = [...new Set([...sides.head.keys(), ...sides.base.keys()])].join(", ");
    throw new ReviewError(`--env "${args.env}" is not synthesized on either side (environments: ${known})`);
  }
  const reviews = reviewStacks(sides.base, sides.head, args.env);
  return renderReview(reviews, {
    baseRef: args.base,
    baseCommit: sides.baseCommit.slice(0, 7),
    drawWorkflow: toMermaid,
  });
}

async function main(): Promise<void> {
  try {
    const args = parseReviewArgs(process.argv.slice(2));
    const markdown = await runReview(args);
    if (args.output) {
      fs.writeFileSync(args.output, markdown);
      console.error(`review written to ${args.output}`);
    } else process.stdout.write(markdown);
  } catch (error) {
    if (!(error instanceof ReviewError)) throw error;
    console.error(`review: ${error.message}`);
    process.exit(error.exitCode);
  }
}

if (require.main === module) void main();
