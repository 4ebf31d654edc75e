import { parseTemplateJson } from "./template-json";
import { TerraformJson, resourcesByAddress } from "./terraform-json";
import { diffValues, formatPath, isPlainObject, PathSegment, ValueChange } from "./value-diff";

/** One changed attribute of a resource, variable or setting. */
export interface AttributeChange {
  /** `memory_size`, `rule[0].expiration[0].days`, `policy: Statement[Logs].Action`. */
  path: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
  /** Where the review explains this change in detail (`state machine`, `IAM`). */
  detailedIn?: string;
}

/** A resource, data source or module call that is new, gone, or different. */
export interface ResourceChange {
  address: string;
  kind: "added" | "removed" | "changed";
  attributes: AttributeChange[];
}

/** A Terraform variable that is new, gone, or whose default, type, validation, ... changed. */
export interface VariableChange {
  name: string;
  kind: "added" | "removed" | "changed";
  attributes: AttributeChange[];
}

/** Resources added, removed and changed by address. */
export function diffResources(base: TerraformJson, head: TerraformJson): ResourceChange[] {
  const before = resourcesByAddress(base);
  const after = resourcesByAddress(head);
  const changes: ResourceChange[] = [];
  for (const address of before.keys()) {
    if (!after.has(address)) changes.push({ address, kind: "removed", attributes: [] });
  }
  for (const [address, body] of after) {
    const old = before.get(address);
    if (!old) {
      changes.push({ address, kind: "added", attributes: [] });
      continue;
    }
    const attributes = attributeChanges(address, old, body);
    if (attributes.length) changes.push({ address, kind: "changed", attributes });
  }
  const order = { added: 0, removed: 1, changed: 2 };
  return changes.sort((a, b) => order[a.kind] - order[b.kind] || a.address.localeCompare(b.address));
}

/** Variables added, removed, or changed in default, type, validation or any other field. */
export function diffVariables(base: TerraformJson, head: TerraformJson): VariableChange[] {
  const before = isPlainObject(base.variable) ? base.variable : {};
  const after = isPlainObject(head.variable) ? head.variable : {};
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: VariableChange[] = [];
  for (const name of names) {
    if (!(name in after)) changes.push({ name, kind: "removed", attributes: [] });
    else if (!(name in before)) changes.push({ name, kind: "added", attributes: describeNew(after[name]) });
    else {
      const attributes = diffValues(before[name], after[name]).map((change) => toAttribute(change.path, change));
      if (attributes.length) changes.push({ name, kind: "changed", attributes });
    }
  }
  return changes;
}

/**
 * Everything else that changes the plan: outputs, provider configuration, required provider
 * versions, backend settings. The local backend's path is left out: it only says where the
 * synth ran from.
 */
export function diffSettings(base: TerraformJson, head: TerraformJson): AttributeChange[] {
  return diffValues(settingsOf(base), settingsOf(head)).map((change) => toAttribute(change.path, outputValueOnly(change)));
}

// A new or removed output reads best as what it exposes, not as its whole block.
function outputValueOnly(change: ValueChange): ValueChange {
  if (change.path.length !== 2 || change.path[0] !== "output" || change.kind === "changed") return change;
  const valueOf = (block: unknown) => (isPlainObject(block) && "value" in block ? block.value : block);
  return { ...change, before: valueOf(change.before), after: valueOf(change.after) };
}

const NOT_SETTINGS = new Set(["//", "resource", "data", "module", "variable"]);

function settingsOf(tf: TerraformJson): Record<string, unknown> {
  // Present on both sides, so a first output is reported by name rather than as a whole `output` block.
  const settings: Record<string, unknown> = { output: {}, provider: {} };
  for (const [key, value] of Object.entries(tf)) if (!NOT_SETTINGS.has(key)) settings[key] = value;
  const terraform = settings.terraform;
  if (isPlainObject(terraform) && isPlainObject(terraform.backend) && isPlainObject(terraform.backend.local)) {
    const { path: _where, ...local } = terraform.backend.local;
    settings.terraform = { ...terraform, backend: { ...terraform.backend, local } };
  }
  return settings;
}

function describeNew(variable: unknown): AttributeChange[] {
  if (!isPlainObject(variable)) return [];
  return ["type", "default"].filter((key) => key in variable).map((key) => ({ path: key, kind: "added", after: variable[key] }));
}

/**
 * Attributes that another section of the review explains in full, by resource type.
 * Their change is listed with a pointer instead of a JSON diff.
 */
const DETAILED_ELSEWHERE: Record<string, Record<string, string>> = {
  aws_sfn_state_machine: { definition: "state machine" },
  aws_iam_role: { assume_role_policy: "IAM", inline_policy: "IAM" },
  aws_iam_role_policy: { policy: "IAM" },
  aws_iam_policy: { policy: "IAM" },
};

function attributeChanges(address: string, before: Record<string, unknown>, after: Record<string, unknown>): AttributeChange[] {
  const type = address.replace(/^data\./, "").split(".")[0];
  const detailed = address.startsWith("data.") ? {} : (DETAILED_ELSEWHERE[type] ?? {});
  const changes: AttributeChange[] = [];
  for (const change of diffValues(before, after)) {
    const topKey = change.path[0] as string;
    if (detailed[topKey]) {
      if (!changes.some((c) => c.path === topKey))
        changes.push({ path: topKey, kind: change.kind as AttributeChange["kind"], detailedIn: detailed[topKey] });
      continue;
    }
    changes.push(...expandJsonString(change));
  }
  return changes;
}

/** A changed JSON-string attribute (a bucket policy, a pipeline definition) is diffed inside. */
function expandJsonString(change: ValueChange): AttributeChange[] {
  if (change.kind === "changed" && typeof change.before === "string" && typeof change.after === "string") {
    const before = tryParseObject(change.before);
    const after = tryParseObject(change.after);
    const inner = before && after ? diffValues(before, after) : [];
    if (inner.length) {
      return inner.map((innerChange) => ({
        ...toAttribute(innerChange.path, innerChange),
        path: `${formatPath(change.path)}: ${formatPath(innerChange.path)}`,
      }));
    }
  }
  return [toAttribute(change.path, change)];
}

function tryParseObject(text: string): Record<string, unknown> | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    const parsed = parseTemplateJson(text);
    return isPlainObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function toAttribute(path: PathSegment[], change: ValueChange): AttributeChange {
  return { path: formatPath(path), kind: change.kind as AttributeChange["kind"], before: change.before, after: change.after };
}
