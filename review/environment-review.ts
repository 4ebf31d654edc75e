import { diffIamStatements, RoleStatementDiff } from "./iam-diff";
import { DefinitionDiff, diffDefinitions, isEmptyDefinitionDiff, parseDefinition } from "./state-machine-diff";
import { AttributeChange, diffResources, diffSettings, diffVariables, ResourceChange, VariableChange } from "./terraform-diff";
import { promotionRank, resourcesByAddress, resourcesOf, SynthesizedStacks, TerraformJson } from "./terraform-json";

/** How one state machine resource's workflow changed. */
export interface StateMachineReview {
  address: string;
  kind: "added" | "removed" | "changed";
  /** State-by-state differences (for an added machine: every state is added). */
  diff: DefinitionDiff;
  /** Why a definition could not be compared state by state, when it could not. */
  problem?: string;
  /** The working tree's definition, parsed (interpolations kept as `${…}` strings), for the graph. */
  headDefinition?: Record<string, unknown>;
}

/** Everything the review says about one environment. */
export interface EnvironmentReview {
  name: string;
  /** `added`/`removed`: the environment is synthesized on one side only. */
  status: "unchanged" | "changed" | "added" | "removed";
  /** Number of resources and data sources on each side. */
  baseResources: number;
  headResources: number;
  resources: ResourceChange[];
  variables: VariableChange[];
  settings: AttributeChange[];
  stateMachines: StateMachineReview[];
  iam: RoleStatementDiff[];
}

/** Reviews every environment present on either side (or only those in `only`), in promotion order. */
export function reviewStacks(base: SynthesizedStacks, head: SynthesizedStacks, only?: readonly string[]): EnvironmentReview[] {
  const names = [...new Set([...head.keys(), ...base.keys()])]
    .filter((name) => only === undefined || only.includes(name))
    .sort((a, b) => promotionRank(a) - promotionRank(b) || a.localeCompare(b));
  return names.map((name) => reviewEnvironment(name, base.get(name), head.get(name)));
}

/** Compares one environment's synthesized stack before (`base`) and after (`head`). */
export function reviewEnvironment(
  name: string,
  base: TerraformJson | undefined,
  head: TerraformJson | undefined,
): EnvironmentReview {
  const before = base ?? {};
  const after = head ?? {};
  const review: EnvironmentReview = {
    name,
    status: "unchanged",
    baseResources: resourcesByAddress(before).size,
    headResources: resourcesByAddress(after).size,
    resources: diffResources(before, after),
    variables: diffVariables(before, after),
    settings: diffSettings(before, after),
    stateMachines: reviewStateMachines(before, after),
    iam: diffIamStatements(before, after),
  };
  if (!base) review.status = "added";
  else if (!head) review.status = "removed";
  else if (review.resources.length || review.variables.length || review.settings.length) review.status = "changed";
  return review;
}

function reviewStateMachines(base: TerraformJson, head: TerraformJson): StateMachineReview[] {
  const before = resourcesOf(base, "aws_sfn_state_machine");
  const after = resourcesOf(head, "aws_sfn_state_machine");
  const reviews: StateMachineReview[] = [];
  for (const name of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const address = `aws_sfn_state_machine.${name}`;
    const oldText = before[name]?.definition;
    const newText = after[name]?.definition;
    if (before[name] && after[name] && oldText === newText) continue;
    const kind = !before[name] ? "added" : !after[name] ? "removed" : "changed";
    const old = before[name] ? parseDefinition(oldText) : { definition: {} };
    const next = after[name] ? parseDefinition(newText) : { definition: {} };
    const problem = old.problem ?? next.problem;
    const diff = problem ? emptyDiff() : diffDefinitions(old.definition, next.definition);
    if (!problem && kind === "changed" && isEmptyDefinitionDiff(diff)) continue; // whitespace or key order only
    reviews.push({ address, kind, diff, problem, headDefinition: after[name] ? next.definition : undefined });
  }
  return reviews;
}

function emptyDiff(): DefinitionDiff {
  return { statesAdded: [], statesRemoved: [], transitions: [], fields: [] };
}
