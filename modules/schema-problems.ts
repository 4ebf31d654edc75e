/**
 * Valibot issues as one line each, the way every declaration file of the project reports them:
 * `<file>: <field> <rule> (got <value>)`, `<file>: <field> is required: it <rule>`, and for an
 * unknown field `<file>: unknown field "<field>" — did you mean "<known>"?`.
 */
import * as v from "valibot";

export const show = (value: unknown): string =>
  typeof value === "string"
    ? JSON.stringify(value)
    : typeof value === "object" && value !== null
      ? JSON.stringify(value)
      : String(value);

export interface ProblemOptions {
  /** What the whole input must be, said when it is not an object at all. */
  root: string;
  /** Written before every field name, e.g. `models.<model>.` for a section of a larger file. */
  prefix?: string;
  /** A likely meant value for a broken field (`keys` is its path), if there is one. */
  guess?: (keys: string[], value: unknown) => string | undefined;
}

/** One line per field with a problem: its first broken rule. */
export function schemaProblems(
  file: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any valibot object schema
  schema: any,
  input: unknown,
  issues: readonly v.BaseIssue<unknown>[],
  options: ProblemOptions,
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const prefix = options.prefix ?? "";
  for (const issue of issues) {
    const keys = (issue.path ?? []).map((item) => String(item.key));
    const field = prefix + keys.join(".");
    if (seen.has(field)) continue;
    seen.add(field);
    if (issue.type === "strict_object" && issue.expected === "never") {
      const known = Object.keys(objectSchemaAt(schema, keys.slice(0, -1), input)?.entries ?? {});
      const guess = closest(keys[keys.length - 1], known);
      const parent =
        prefix +
        keys
          .slice(0, -1)
          .map((k) => `${k}.`)
          .join("");
      problems.push(
        `${file}: unknown field "${field}" — ${guess ? `did you mean "${parent}${guess}"?` : `known fields: ${known.map((k) => parent + k).join(", ")}`}`,
      );
    } else if (issue.input === undefined && issue.kind === "schema" && keys.length > 0) {
      const entry = objectSchemaAt(schema, keys.slice(0, -1), input)?.entries?.[keys[keys.length - 1]];
      const rule = ownRule(issue.message) ?? (entry && ownRule(v.safeParse(entry, undefined).issues?.[0].message));
      problems.push(`${file}: ${field} is required${rule ? `: it ${rule}` : ""}`);
    } else {
      const guess = options.guess?.(keys, issue.input);
      problems.push(
        keys.length === 0
          ? `${file}: ${prefix ? `${prefix.slice(0, -1)} must be ` : "the default export must be "}${options.root} (got ${show(issue.input)})`
          : `${file}: ${field} ${ownRule(issue.message) ?? `must be ${issue.expected === "Object" ? "an object" : issue.expected}`} (got ${show(issue.input)})${guess ? ` — did you mean "${guess}"?` : ""}`,
      );
    }
  }
  return problems;
}

/** A rule a schema states, or undefined for valibot's own wording ("Invalid type: …"). */
const ownRule = (message: string | undefined): string | undefined =>
  message && !message.startsWith("Invalid ") ? message : undefined;

/** The object schema at `keys` (following a variant's `kind`), or undefined where there is none (a record's values). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks valibot's schema objects, whose types are generic per schema
function objectSchemaAt(root: any, keys: string[], input: unknown): any {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks valibot's schema objects, whose types are generic per schema
  let schema: any = unwrap(root);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the unvalidated input being walked alongside
  let value: any = input;
  for (const key of keys) {
    value = value?.[key];
    if (!schema?.entries?.[key]) return undefined;
    schema = unwrap(schema.entries[key]);
    if (schema.type === "variant")
      schema =
        schema.options.find((o: { entries: { kind: { literal: unknown } } }) => o.entries.kind.literal === value?.kind) ??
        schema.options[0];
  }
  return schema;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see objectSchemaAt
const unwrap = (schema: any): any => (schema.type === "optional" ? unwrap(schema.wrapped) : schema);

/** The known name within two edits of `name` (case-insensitive), if there is one. */
export function closest(name: string, known: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.min(2, Math.max(1, Math.floor(candidate.length / 3))) && (!best || distance < best.distance))
      best = { name: candidate, distance };
  }
  return best?.name;
}

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
