import { parseTemplateJson } from "./template-json";
import { TerraformJson, resourcesOf } from "./terraform-json";
import { isPlainObject } from "./value-diff";

/** One IAM statement as the review shows it, with the key it is compared by. */
export interface ReviewedStatement {
  /** `permissions` (inline or attached policies) or `trust` (assume_role_policy). */
  kind: "permissions" | "trust";
  /** Where the statement comes from, e.g. `aws_iam_role_policy.workflow`. */
  source: string;
  /** One line: `Allow sagemaker:CreateTrainingJob on arn:…` */
  text: string;
  /** Canonical JSON: statements are equal when their keys are. */
  key: string;
}

/** Statements of one role that exist on one side only. */
export interface RoleStatementDiff {
  /** The role's Terraform address, or `role <name>` when a policy names a role this stack does not declare. */
  role: string;
  /** The role's IAM name when it is a literal in the configuration. */
  roleName?: string;
  added: ReviewedStatement[];
  removed: ReviewedStatement[];
  /** Policies whose document is one Terraform expression, so statements cannot be listed. */
  unreadable: string[];
}

interface RoleStatements {
  roleName?: string;
  statements: ReviewedStatement[];
  /** Policies that are one Terraform expression, by source, with that expression. */
  unreadable: Map<string, string>;
}

/** IAM statements added and removed, grouped by role; roles with no difference are left out. */
export function diffIamStatements(base: TerraformJson, head: TerraformJson): RoleStatementDiff[] {
  const before = statementsByRole(base);
  const after = statementsByRole(head);
  const roles = [...new Set([...before.keys(), ...after.keys()])].sort();
  const diffs: RoleStatementDiff[] = [];
  for (const role of roles) {
    const none: RoleStatements = { statements: [], unreadable: new Map() };
    const a = before.get(role) ?? none;
    const b = after.get(role) ?? none;
    const aKeys = new Set(a.statements.map((s) => s.key));
    const bKeys = new Set(b.statements.map((s) => s.key));
    const diff: RoleStatementDiff = {
      role,
      roleName: b.roleName ?? a.roleName,
      added: b.statements.filter((s) => !aKeys.has(s.key)),
      removed: a.statements.filter((s) => !bKeys.has(s.key)),
      // An opaque policy is listed when it is new or its expression changed.
      unreadable: [...b.unreadable]
        .filter(([source, expression]) => a.unreadable.get(source) !== expression)
        .map(([source]) => source),
    };
    if (diff.added.length || diff.removed.length || diff.unreadable.length) diffs.push(diff);
  }
  return diffs;
}

/** Every statement that applies to each role of one synthesized stack. */
export function statementsByRole(tf: TerraformJson): Map<string, RoleStatements> {
  const roles = new Map<string, RoleStatements>();
  const roleResources = resourcesOf(tf, "aws_iam_role");
  const entry = (role: string): RoleStatements => {
    if (!roles.has(role)) roles.set(role, { statements: [], unreadable: new Map() });
    return roles.get(role)!;
  };
  const add = (role: string, kind: ReviewedStatement["kind"], source: string, document: unknown) => {
    const target = entry(role);
    const statements = readStatements(document);
    if (statements === undefined) target.unreadable.set(source, String(document));
    else target.statements.push(...statements.map((statement) => describe(kind, source, statement)));
  };

  for (const [name, role] of Object.entries(roleResources)) {
    const address = `aws_iam_role.${name}`;
    const target = entry(address);
    if (typeof role.name === "string" && !role.name.includes("${")) target.roleName = role.name;
    add(address, "trust", `${address}.assume_role_policy`, role.assume_role_policy);
    asList(role.inline_policy).forEach((policy, i) =>
      add(address, "permissions", `${address}.inline_policy[${i}]`, policy.policy),
    );
    for (const arn of Array.isArray(role.managed_policy_arns) ? role.managed_policy_arns : [])
      managedPolicy(target, address, String(arn));
  }
  const resolveRole = (reference: unknown): string => roleAddress(reference, roleResources);
  for (const [name, policy] of Object.entries(resourcesOf(tf, "aws_iam_role_policy"))) {
    add(resolveRole(policy.role), "permissions", `aws_iam_role_policy.${name}`, policy.policy);
  }
  const policies = resourcesOf(tf, "aws_iam_policy");
  for (const [name, attachment] of Object.entries(resourcesOf(tf, "aws_iam_role_policy_attachment"))) {
    const role = resolveRole(attachment.role);
    const policyName = /^\$\{aws_iam_policy\.([\w-]+)\.(arn|id)\}$/.exec(String(attachment.policy_arn))?.[1];
    if (policyName && policies[policyName]) add(role, "permissions", `aws_iam_policy.${policyName}`, policies[policyName].policy);
    else managedPolicy(entry(role), `aws_iam_role_policy_attachment.${name}`, String(attachment.policy_arn));
  }
  return roles;
}

// An attached managed policy's statements live in AWS, not in the stack: compare it by ARN.
function managedPolicy(target: RoleStatements, source: string, arn: string): void {
  const text = `attached managed policy ${arn}`;
  target.statements.push({ kind: "permissions", source, text, key: JSON.stringify({ managedPolicy: arn }) });
}

/** `${aws_iam_role.workflow.name}` or a literal role name → the role's address. */
function roleAddress(reference: unknown, roles: Record<string, Record<string, unknown>>): string {
  const text = String(reference);
  const name = /^\$\{aws_iam_role\.([\w-]+)\.(name|id|arn|unique_id)\}$/.exec(text)?.[1];
  if (name) return `aws_iam_role.${name}`;
  const byName = Object.entries(roles).find(([, role]) => role.name === text);
  return byName ? `aws_iam_role.${byName[0]}` : `role ${text}`;
}

function asList(value: unknown): Record<string, unknown>[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(isPlainObject);
}

/** The statements of a policy document (a JSON string or an object), or undefined when it is an opaque expression. */
function readStatements(document: unknown): Record<string, unknown>[] | undefined {
  if (document === undefined || document === null) return [];
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = parseTemplateJson(document);
    } catch {
      return undefined;
    }
  }
  if (!isPlainObject(parsed)) return undefined;
  const statement = parsed.Statement;
  return (Array.isArray(statement) ? statement : statement === undefined ? [] : [statement]).filter(isPlainObject);
}

const sortedList = (value: unknown): unknown =>
  Array.isArray(value) ? [...value].map(String).sort() : value === undefined ? undefined : [String(value)];

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical(value[key])]),
  );
}

function describe(kind: ReviewedStatement["kind"], source: string, statement: Record<string, unknown>): ReviewedStatement {
  const normalized = canonical({
    Sid: statement.Sid,
    Effect: statement.Effect ?? "Allow",
    Action: sortedList(statement.Action),
    NotAction: sortedList(statement.NotAction),
    Resource: sortedList(statement.Resource),
    NotResource: sortedList(statement.NotResource),
    Principal: statement.Principal,
    NotPrincipal: statement.NotPrincipal,
    Condition: statement.Condition,
  });
  return { kind, source, text: statementText(statement), key: JSON.stringify(normalized) };
}

/** `Allow sagemaker:CreateTrainingJob on arn:… when {…} (Sid Training)` */
function statementText(s: Record<string, unknown>): string {
  const list = (value: unknown) => (sortedList(value) as string[] | undefined)?.join(", ");
  const parts = [String(s.Effect ?? "Allow")];
  if (s.Action !== undefined) parts.push(list(s.Action)!);
  if (s.NotAction !== undefined) parts.push(`all actions except ${list(s.NotAction)}`);
  if (s.Principal !== undefined) parts.push(`to ${principalText(s.Principal)}`);
  if (s.NotPrincipal !== undefined) parts.push(`to all principals except ${principalText(s.NotPrincipal)}`);
  if (s.Resource !== undefined) parts.push(`on ${list(s.Resource)}`);
  if (s.NotResource !== undefined) parts.push(`on all resources except ${list(s.NotResource)}`);
  if (s.Condition !== undefined) parts.push(`when ${JSON.stringify(s.Condition)}`);
  if (typeof s.Sid === "string" && s.Sid) parts.push(`(Sid ${s.Sid})`);
  return parts.join(" ");
}

function principalText(principal: unknown): string {
  if (!isPlainObject(principal)) return String(principal);
  return Object.entries(principal)
    .map(([type, ids]) => `${type} ${(sortedList(ids) as string[]).join(", ")}`)
    .join("; ");
}
