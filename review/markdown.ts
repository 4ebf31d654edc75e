import { EnvironmentReview, StateMachineReview } from "./environment-review";
import { RoleStatementDiff } from "./iam-diff";
import { withReferencePlaceholders } from "./template-json";
import { AttributeChange, ResourceChange } from "./terraform-diff";
import { formatValue } from "./value-diff";

export interface RenderOptions {
  /** The base git ref as the user named it. */
  baseRef: string;
  /** Its commit, shortened. */
  baseCommit: string;
  /** Draws an ASL definition as a Mermaid flowchart; without it, no graph is shown. */
  drawWorkflow?: (definition: Record<string, unknown>) => string;
  /** Most attribute lines shown per resource before "… and N more". Default: 15. */
  maxAttributesPerResource?: number;
}

const MARK = { added: "➕", removed: "➖", changed: "✏️" } as const;

/**
 * The whole review as GitHub-flavoured Markdown. Only the environments whose stacks changed are
 * named, so a change to one environment reads as that environment alone.
 */
export function renderReview(reviews: EnvironmentReview[], options: RenderOptions): string {
  const changed = reviews.filter((review) => review.status !== "unchanged");
  const unchanged = reviews.length - changed.length;
  const others = unchanged === 1 ? "the other environment did not change" : `the other ${unchanged} environments did not change`;
  const summary =
    reviews.length === 0
      ? "no environment synthesized"
      : changed.length === 0
        ? `no environment changed (${unchanged} reviewed)`
        : `${changed.map((r) => `${r.name} ${statusWord(r)}`).join(" · ")}${unchanged ? `; ${others}` : ""}`;
  const lines = [
    `## Infrastructure review: \`${options.baseRef}\` → this change`,
    "",
    `Synthesized offline (no AWS): base \`${options.baseRef}\` (${options.baseCommit}) against the working tree.`,
    `Summary: ${summary}.`,
    "",
  ];
  for (const review of changed) lines.push(...renderEnvironment(review, options), "");
  return (
    lines
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trimEnd() + "\n"
  );
}

const STATUS_WORDS = { changed: "changed", added: "new", removed: "removed" } as const;
const statusWord = (review: EnvironmentReview) => STATUS_WORDS[review.status as keyof typeof STATUS_WORDS];

/** One environment's section; a removed environment is one line. */
function renderEnvironment(review: EnvironmentReview, options: RenderOptions): string[] {
  if (review.status === "removed") {
    return [
      `### ${review.name}: removed — synthesized in \`${options.baseRef}\` only; its ${review.baseResources} resource(s) are no longer in this project`,
    ];
  }
  const lines = [
    review.status === "added" ? `### ${review.name}: new environment (not in \`${options.baseRef}\`)` : `### ${review.name}`,
    "",
  ];
  lines.push(...resourceSection(review, options));
  if (review.variables.length) {
    lines.push("", "**Variables**", "");
    for (const variable of review.variables) {
      const details = variable.attributes.map(attributeText).join("; ");
      lines.push(`- ${MARK[variable.kind]} \`${variable.name}\`${details ? `: ${details}` : ` ${variable.kind}`}`);
    }
  }
  if (review.settings.length) {
    lines.push("", "**Outputs and settings**", "");
    for (const setting of review.settings) lines.push(`- ${attributeText(setting)}`);
  }
  for (const machine of review.stateMachines) lines.push("", ...stateMachineSection(machine, options));
  if (review.iam.length) {
    lines.push("", "**IAM statements**", "");
    for (const role of review.iam) lines.push(...roleLines(role));
  }
  return lines;
}

function resourceSection(review: EnvironmentReview, options: RenderOptions): string[] {
  const count = (kind: ResourceChange["kind"]) => review.resources.filter((r) => r.kind === kind).length;
  if (!review.resources.length) return [`**Resources**: none added, removed or changed (${review.headResources} in total)`];
  const lines = [
    `**Resources**: ${count("added")} added, ${count("removed")} removed, ${count("changed")} changed (${review.baseResources} → ${review.headResources})`,
    "",
  ];
  const limit = options.maxAttributesPerResource ?? 15;
  for (const resource of review.resources) {
    lines.push(`- ${MARK[resource.kind]} \`${resource.address}\`${resource.kind === "changed" ? "" : ` ${resource.kind}`}`);
    for (const attribute of resource.attributes.slice(0, limit)) lines.push(`  - ${attributeText(attribute)}`);
    if (resource.attributes.length > limit) lines.push(`  - … and ${resource.attributes.length - limit} more`);
  }
  return lines;
}

/** `memory_size`: 128 → 256, or a pointer to the section that details it. */
function attributeText(change: AttributeChange): string {
  const name = `\`${change.path}\``;
  if (change.detailedIn) return `${name} ${change.kind} (see ${change.detailedIn} below)`;
  return `${name} ${transition(change.kind, change.before, change.after)}`;
}

/** `2.1 → 2.0`, `added 3600`, `removed (was 3600)` */
function transition(kind: "added" | "removed" | "changed", before: unknown, after: unknown): string {
  if (kind === "added") return `added ${inline(after)}`;
  if (kind === "removed") return `removed (was ${inline(before)})`;
  return `${inline(before)} → ${inline(after)}`;
}

function stateMachineSection(machine: StateMachineReview, options: RenderOptions): string[] {
  const lines = [`**State machine \`${machine.address}\`** (${machine.kind})`, ""];
  if (machine.problem) return [...lines, `- definition changed; ${machine.problem}`];
  const { diff } = machine;
  // A new machine's Comment and StartAt say nothing its added states do not.
  for (const field of diff.fields.filter((f) => f.state === undefined && machine.kind !== "added")) {
    lines.push(`- definition: ${field.field} ${transition(field.kind, field.before, field.after)}`);
  }
  for (const state of diff.statesAdded)
    lines.push(`- State added: ${name(state.name)} (${state.type})${state.next ? ` → ${name(state.next)}` : ""}`);
  for (const state of diff.statesRemoved) lines.push(`- State removed: ${name(state.name)} (${state.type})`);
  for (const t of diff.transitions) {
    lines.push(`- Transition ${name(t.state)}: ${t.label} ${name(t.before ?? "(none)")} → ${name(t.after ?? "(none)")}`);
  }
  for (const field of diff.fields.filter((f) => f.state !== undefined)) {
    lines.push(`- ${name(field.state!)}: ${field.field} ${transition(field.kind, field.before, field.after)}`);
  }
  if (options.drawWorkflow && machine.headDefinition) {
    const graph = options.drawWorkflow(withReferencePlaceholders(machine.headDefinition));
    lines.push(
      "",
      "<details><summary>Workflow graph (this change)</summary>",
      "",
      "```mermaid",
      graph.trimEnd(),
      "```",
      "",
      "</details>",
    );
  }
  return lines;
}

function roleLines(role: RoleStatementDiff): string[] {
  const title = role.roleName ? `\`${role.roleName}\` (\`${role.role}\`)` : `\`${role.role}\``;
  const lines = [`- ${title}`];
  const kindLabel = (kind: string) => (kind === "trust" ? "trust: " : "");
  for (const s of role.added) lines.push(`  - ${MARK.added} ${kindLabel(s.kind)}${code(s.text)} — from \`${s.source}\``);
  for (const s of role.removed) lines.push(`  - ${MARK.removed} ${kindLabel(s.kind)}${code(s.text)} — from \`${s.source}\``);
  for (const source of role.unreadable)
    lines.push(`  - ✏️ \`${source}\`: the policy is a Terraform expression; its statements cannot be listed offline`);
  return lines;
}

/** A value inline: bare when it is plain text Markdown leaves alone, else in a code span. */
function inline(value: unknown): string {
  const text = formatValue(value);
  return /^[A-Za-z0-9][A-Za-z0-9.:/,+=@ -]*$/.test(text) && !/\s$/.test(text) ? text : code(text);
}

function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${fence.length > 1 ? " " : ""}${text}${fence.length > 1 ? " " : ""}${fence}`;
}

/** A state name as plain text, with Markdown's special characters escaped. */
function name(text: string): string {
  return text.replace(/([\\`*_[\]<>|#~])/g, "\\$1");
}
