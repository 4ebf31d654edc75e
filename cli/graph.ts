/**
 * The workflow as a diagram: `toMermaid(definition)` (renders on GitHub) and `toDot(definition)`
 * (Graphviz). Pure functions of an ASL definition: state names, task types, transitions, the
 * catch edges to the failure state and the threshold on the choice edges.
 */
import { failingOperator, gateOperator } from "../modules/workflow/gate";
import { transitionsOf } from "../modules/asl/states";
import { Condition, FailState, StateMachineDefinition } from "../modules/asl/types";
import { asDefinition, findThresholdGate } from "./asl";

export type EdgeKind = "start" | "next" | "choice" | "default" | "catch" | "end";

/** One state as drawn. */
export interface GraphNode {
  /** Stable identifier safe in both syntaxes (`s0`, `s1`, ... in definition order). */
  id: string;
  name: string;
  type: string;
  /** What a Task does, e.g. `sagemaker:createTrainingJob.sync`; a Fail state's error. */
  detail?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** Condition of a choice edge, errors of a catch edge. */
  label?: string;
}

/** Nodes and edges of a definition, plus the start and end markers. */
export interface WorkflowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const START_ID = "wf_start";
// `end` is a Mermaid keyword, so the markers get ids of their own.
export const END_ID = "wf_end";

const COMPARATORS: Record<string, string> = {
  NumericLessThan: "<",
  NumericLessThanEquals: "≤",
  NumericGreaterThan: ">",
  NumericGreaterThanEquals: "≥",
  NumericEquals: "=",
  StringEquals: "=",
  BooleanEquals: "=",
  TimestampEquals: "=",
  StringMatches: "matches",
};

/** `$.Result` → `Result`: the field a reader knows. */
const shortPath = (path: string) => path.replace(/^\$\.?/, "") || "$";

/** The service integration of a Task (`arn:aws:states:::sagemaker:createTrainingJob.sync` → `sagemaker:createTrainingJob.sync`). */
function taskDetail(resource: unknown): string | undefined {
  if (typeof resource !== "string") return undefined;
  const integration = /^arn:[^:]+:states:::(.+)$/.exec(resource);
  if (integration) return integration[1];
  return /:lambda:|^\$\{.*lambda/i.test(resource) ? "lambda" : resource;
}

/** What a Fail state reports: its error name, or where it reads it (the error a catcher kept). */
function failDetail(state: FailState): string | undefined {
  return state.Error ?? state.Cause ?? (state.ErrorPath ? `error at ${state.ErrorPath}` : undefined);
}

/** A readable condition of one Choice rule: `Result < 2.1`, `a and b`, `not (...)`. */
export function describeRule(condition: Condition): string {
  // Read as plain fields: a deployed rule may use comparators (or JSONata) this project never renders.
  const rule = condition as unknown as Record<string, unknown>;
  if (Array.isArray(rule.And)) return rule.And.map(describeRule).join(" and ");
  if (Array.isArray(rule.Or)) return rule.Or.map(describeRule).join(" or ");
  if (rule.Not) return `not (${describeRule(rule.Not as Condition)})`;
  if (typeof rule.Condition === "string") return rule.Condition;
  const test = Object.keys(rule).find((key) => /^Is[A-Z]/.test(key));
  if (test) return `${shortPath(String(rule.Variable ?? "$"))} is ${rule[test] ? "" : "not "}${test.slice(2).toLowerCase()}`;
  for (const [key, value] of Object.entries(rule)) {
    if (key === "Variable" || key === "Next") continue;
    const base = key.endsWith("Path") ? key.slice(0, -4) : key;
    const operator = COMPARATORS[base] ?? base;
    const operand = key.endsWith("Path")
      ? shortPath(String(value))
      : typeof value === "string"
        ? JSON.stringify(value)
        : String(value);
    return `${shortPath(String(rule.Variable ?? "$"))} ${operator} ${operand}`;
  }
  return "rule";
}

/** The graph model both syntaxes print. */
export function workflowGraph(deployed: StateMachineDefinition | Record<string, unknown>): WorkflowGraph {
  const definition = asDefinition(deployed);
  const states = definition?.States ?? {};
  const names = Object.keys(states);
  const idOf = new Map(names.map((name, i) => [name, `s${i}`]));
  const id = (name: string) => idOf.get(name) ?? `missing_${name.replace(/\W+/g, "_")}`;
  const nodes: GraphNode[] = names.map((name) => {
    const state = states[name];
    const detail = state.Type === "Task" ? taskDetail(state.Resource) : state.Type === "Fail" ? failDetail(state) : undefined;
    return { id: id(name), name, type: String(state.Type), ...(detail ? { detail } : {}) };
  });
  const edges: GraphEdge[] = [];
  const gate = findThresholdGate(definition);
  const startAt = definition?.StartAt;
  if (startAt) edges.push({ from: START_ID, to: id(startAt), kind: "start" });
  for (const name of names) {
    const state = states[name];
    // The threshold gate's edges read as the comparison a reviewer looks for, not the full rule.
    const isGate = gate?.choiceState === name;
    for (const edge of transitionsOf(state)) {
      const from = id(name);
      const to = id(edge.to);
      if (edge.kind === "choice") {
        const label =
          isGate && edge.to === gate.passState
            ? `${shortPath(gate.variable)} ${gateOperator(gate.direction)} ${gate.threshold}`
            : describeRule(edge.rule);
        edges.push({ from, to, kind: "choice", label });
      } else if (edge.kind === "default") {
        const label = isGate
          ? `otherwise: ${shortPath(gate.variable)} ${failingOperator(gate.direction)} ${gate.threshold} or not a number`
          : "otherwise";
        edges.push({ from, to, kind: "default", label });
      } else if (edge.kind === "next") edges.push({ from, to, kind: "next" });
      else edges.push({ from, to, kind: "catch", label: `catch ${edge.errors.join(", ")}` });
    }
    if (("End" in state && state.End === true) || state.Type === "Succeed" || state.Type === "Fail")
      edges.push({ from: id(name), to: END_ID, kind: "end" });
  }
  return { nodes, edges };
}

/** Mermaid text: entity codes for the characters Mermaid would read as syntax. */
const mermaidText = (text: string) => text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");

/** The workflow as a Mermaid flowchart (a ```mermaid block renders on GitHub). */
export function toMermaid(definition: StateMachineDefinition | Record<string, unknown>): string {
  const { nodes, edges } = workflowGraph(definition);
  const lines = ["flowchart TD", `  ${START_ID}(("start"))`];
  for (const node of nodes) {
    const label = mermaidText(
      `${node.name}${node.detail ? `<br/><small>${node.type}: ${node.detail}</small>` : `<br/><small>${node.type}</small>`}`,
    ).replace(/#lt;(\/?)(br\/|small)#gt;/g, "<$1$2>");
    const shape =
      node.type === "Choice" ? [`{"`, `"}`] : node.type === "Fail" || node.type === "Succeed" ? [`(["`, `"])`] : [`["`, `"]`];
    lines.push(`  ${node.id}${shape[0]}${label}${shape[1]}`);
  }
  lines.push(`  ${END_ID}(("end"))`);
  for (const edge of edges) {
    const arrow = edge.kind === "catch" ? "-.->" : "-->";
    lines.push(`  ${edge.from} ${arrow}${edge.label ? `|"${mermaidText(edge.label)}"|` : ""} ${edge.to}`);
  }
  const failIds = nodes.filter((n) => n.type === "Fail").map((n) => n.id);
  // Where a successful execution ends: a Succeed state, or any other state but a Fail that ends it.
  const passIds = nodes
    .filter((n) => n.type === "Succeed" || (n.type !== "Fail" && edges.some((e) => e.from === n.id && e.kind === "end")))
    .map((n) => n.id);
  lines.push("  classDef failed fill:#fde2e1,stroke:#c0392b,color:#7b241c");
  lines.push("  classDef succeeded fill:#e3f4e1,stroke:#2e7d32,color:#1b5e20");
  if (failIds.length > 0) lines.push(`  class ${failIds.join(",")} failed`);
  if (passIds.length > 0) lines.push(`  class ${passIds.join(",")} succeeded`);
  return `${lines.join("\n")}\n`;
}

/** DOT string literal. */
const dotText = (text: string) => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** The workflow as a Graphviz digraph (`dot -Tsvg`). */
export function toDot(definition: StateMachineDefinition | Record<string, unknown>): string {
  const { nodes, edges } = workflowGraph(definition);
  const lines = [
    "digraph workflow {",
    "  rankdir=TB;",
    '  node [shape=box, style="rounded,filled", fillcolor="#f4f6f8", fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
    `  ${START_ID} [label="start", shape=circle, fillcolor="#dddddd"];`,
    `  ${END_ID} [label="end", shape=doublecircle, fillcolor="#dddddd"];`,
  ];
  for (const node of nodes) {
    const label = `${node.name}\\n${node.type}${node.detail ? `: ${node.detail}` : ""}`;
    const style =
      node.type === "Choice"
        ? ', shape=diamond, fillcolor="#fff4d6"'
        : node.type === "Fail"
          ? ', fillcolor="#fde2e1", color="#c0392b"'
          : node.type === "Succeed" || node.type === "Pass"
            ? ', fillcolor="#e3f4e1"'
            : "";
    lines.push(`  ${node.id} [label=${dotText(label).replace(/\\\\n/g, "\\n")}${style}];`);
  }
  for (const edge of edges) {
    const attributes = [
      ...(edge.label ? [`label=${dotText(edge.label)}`] : []),
      ...(edge.kind === "catch" ? ["style=dashed", 'color="#c0392b"', 'fontcolor="#c0392b"'] : []),
    ];
    lines.push(`  ${edge.from} -> ${edge.to}${attributes.length > 0 ? ` [${attributes.join(", ")}]` : ""};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
