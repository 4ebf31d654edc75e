import * as fs from "fs";
import { ReviewError } from "./synthesize-refs";

/** Terraform's own summary numbers: a replacement counts once in `add` and once in `destroy`. */
export interface PlanCounts {
  add: number;
  change: number;
  destroy: number;
}

export interface PlanCommentInput {
  /** The environment (stack) planned. */
  environment: string;
  /** `terraform show -json tfplan`, parsed; absent when the plan failed. */
  plan?: { resource_changes?: Array<{ change?: { actions?: string[] } }> };
  /** `terraform plan -no-color` output (or the error it printed). */
  planText: string;
  /** Longest comment body GitHub accepts is 65,536 characters; the plan text is cut to fit. Default: 60000. */
  maxLength?: number;
}

/** The hidden first line that finds this environment's plan comment again on the next push. */
export const planCommentMarker = (environment: string) => `<!-- ml-release-plan:${environment} -->`;

/** Add/change/destroy counts from a JSON plan's resource changes. */
export function countPlanActions(plan: PlanCommentInput["plan"]): PlanCounts {
  const counts: PlanCounts = { add: 0, change: 0, destroy: 0 };
  for (const resource of plan?.resource_changes ?? []) {
    const actions = resource.change?.actions ?? [];
    if (actions.includes("create")) counts.add += 1;
    if (actions.includes("delete")) counts.destroy += 1;
    if (actions.includes("update")) counts.change += 1;
  }
  return counts;
}

/** One environment's plan comment: marker, summary line, and the full plan folded. */
export function renderPlanComment(input: PlanCommentInput): string {
  const limit = input.maxLength ?? 60_000;
  const heading = `### Terraform plan: ${input.environment}`;
  let summary: string;
  if (!input.plan) summary = "❌ **terraform plan failed** — the output below says why.";
  else {
    const c = countPlanActions(input.plan);
    summary =
      c.add + c.change + c.destroy === 0
        ? "**No changes.** The infrastructure matches the configuration."
        : `**Plan: ${c.add} to add, ${c.change} to change, ${c.destroy} to destroy.**`;
  }
  const head = [
    planCommentMarker(input.environment),
    heading,
    "",
    summary,
    "",
    `<details><summary>Full plan (${input.environment})</summary>`,
    "",
    "",
  ].join("\n");
  const fence = "`".repeat(Math.max(3, longestBacktickRun(input.planText) + 1));
  const budget = limit - head.length - 200;
  const text =
    input.planText.length > budget
      ? `${input.planText.slice(0, budget)}\n… cut: ${input.planText.length - budget} more characters (see the workflow log)`
      : input.planText;
  return `${head}${fence}text\n${text.trimEnd()}\n${fence}\n\n</details>\n`;
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}

// `node … review/plan-comment.ts --env dev --text plan.txt [--json plan.json] --output comment.md`
if (require.main === module) {
  try {
    const args = new Map<string, string>();
    const argv = process.argv.slice(2);
    for (let i = 0; i < argv.length; i += 2) args.set(argv[i].replace(/^--/, ""), argv[i + 1]);
    const environment = args.get("env");
    const textFile = args.get("text");
    const output = args.get("output");
    if (!environment || !textFile || !output)
      throw new ReviewError("usage: plan-comment.ts --env <name> --text <plan.txt> [--json <plan.json>] --output <comment.md>");
    const jsonFile = args.get("json");
    const plan =
      jsonFile && fs.existsSync(jsonFile) && fs.statSync(jsonFile).size > 0
        ? JSON.parse(fs.readFileSync(jsonFile, "utf8"))
        : undefined;
    fs.writeFileSync(output, renderPlanComment({ environment, plan, planText: fs.readFileSync(textFile, "utf8") }));
  } catch (error) {
    if (!(error instanceof ReviewError)) throw error;
    console.error(`plan-comment: ${error.message}`);
    process.exit(error.exitCode);
  }
}
