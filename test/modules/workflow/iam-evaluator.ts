/**
 * Test helper: a small IAM evaluator for identity policies (Allow statements, `*`/`?` wildcards,
 * StringEquals/StringLike/ArnLike conditions). Enough to ask "may this role do X on Y?".
 */
interface Statement {
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );

/** Whether the policy document allows `action` on `resource` in the given request context. */
export function allows(
  policy: { Statement: Statement[] },
  action: string,
  resource: string,
  context: Record<string, string> = {},
): boolean {
  const matching = policy.Statement.filter(
    (s) =>
      list(s.Action).some((a) => glob(a).test(action)) &&
      list(s.Resource).some((r) => glob(r).test(resource)) &&
      Object.entries(s.Condition ?? {}).every(([operator, keys]) =>
        Object.entries(keys).every(([key, expected]) => {
          const actual = context[key];
          if (actual === undefined) return false;
          if (operator === "StringEquals") return list(expected).includes(actual);
          if (operator === "StringLike" || operator === "ArnLike") return list(expected).some((e) => glob(e).test(actual));
          throw new Error(`allows: condition operator ${operator} is not supported by this test helper`);
        }),
      ),
  );
  return matching.some((s) => s.Effect === "Allow") && !matching.some((s) => s.Effect === "Deny");
}
