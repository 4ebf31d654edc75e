/**
 * A number known only later (a Terraform variable such as `${var.threshold}`): it must appear
 * in the final JSON unquoted, so `serializeDefinition` splices its expression in as is.
 */
export class RawNumber {
  /** @param expression text that evaluates to a number where the JSON is finally read, e.g. a Terraform reference. */
  constructor(readonly expression: string) {
    if (expression.trim() === "") throw new Error("RawNumber: expression must not be empty");
  }
}

// Marker strings cannot occur in a definition: they contain a character JSON always escapes.
const MARKER_PREFIX = "\u0001raw-number:";

/**
 * The definition as a JSON string, with every RawNumber's expression spliced in unquoted, e.g.
 * `"NumericLessThan":${var.threshold}` so Terraform interpolates a number, not a string.
 */
export function serializeDefinition(definition: unknown, indent?: number): string {
  const expressions: string[] = [];
  const json = JSON.stringify(
    definition,
    (_key, value) => {
      if (value instanceof RawNumber) {
        expressions.push(value.expression);
        return `${MARKER_PREFIX}${expressions.length - 1}`;
      }
      return value;
    },
    indent,
  );
  return json.replace(/"\\u0001raw-number:(\d+)"/g, (_match, index: string) => expressions[Number(index)]);
}
