/** Raised when a JSON attribute (state machine definition, IAM policy) cannot be read even with interpolations masked. */
export class TemplateJsonError extends Error {}

// Private-use characters: they cannot occur in synthesized Terraform, so a placeholder never collides.
const OPEN = "\uE000";
const CLOSE = "\uE001";
const PLACEHOLDER = new RegExp(`${OPEN}(\\d+)${CLOSE}`, "g");

/**
 * Parses JSON that may hold Terraform template sequences, either inside a string
 * (`"Resource": "${aws_lambda_function.analyze.arn}"`) or in place of a value
 * (`"NumericLessThan": ${var.threshold}`), as CDKTF writes a token into a JSON string attribute.
 * Every `${…}` / `%{…}` stays opaque text: a bare one becomes the string `"${var.threshold}"`.
 */
export function parseTemplateJson(text: string): unknown {
  const interpolations: string[] = [];
  let masked = "";
  let inString = false;
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === "$" && text[i + 1] === "$" && text[i + 2] === "{") {
      // `$${` is Terraform's escape for a literal `${`: keep it as text.
      masked += "$${";
      i += 3;
    } else if ((char === "$" || char === "%") && text[i + 1] === "{") {
      const end = endOfTemplateSequence(text, i);
      const placeholder = `${OPEN}${interpolations.push(text.slice(i, end)) - 1}${CLOSE}`;
      masked += inString ? placeholder : `"${placeholder}"`;
      i = end;
    } else if (inString && char === "\\") {
      masked += text.slice(i, i + 2);
      i += 2;
    } else {
      if (char === '"') inString = !inString;
      masked += char;
      i += 1;
    }
  }
  try {
    return JSON.parse(masked, (_key, value) =>
      typeof value === "string" ? value.replace(PLACEHOLDER, (_m, n: string) => interpolations[Number(n)]) : value,
    );
  } catch (error) {
    throw new TemplateJsonError(
      `not JSON even with ${interpolations.length} Terraform interpolation(s) masked: ${(error as Error).message}`,
    );
  }
}

/** Index just after the `}` closing the template sequence that starts at `start` (`${` or `%{`). */
function endOfTemplateSequence(text: string, start: number): number {
  let depth = 0;
  let i = start + 1;
  while (i < text.length) {
    const char = text[i];
    if (char === "{") depth += 1;
    else if (char === "}") {
      depth -= 1;
      if (depth === 0) return i + 1;
    } else if (char === '"') {
      i = endOfQuotedExpressionString(text, i);
      continue;
    }
    i += 1;
  }
  throw new TemplateJsonError(
    `unterminated Terraform interpolation starting at character ${start}: ${text.slice(start, start + 40)}…`,
  );
}

/** Index just after a quoted HCL string inside an expression; it may itself hold `${…}`. */
function endOfQuotedExpressionString(text: string, openQuote: number): number {
  let i = openQuote + 1;
  while (i < text.length) {
    const char = text[i];
    if (char === "\\") i += 2;
    else if (char === '"') return i + 1;
    else if ((char === "$" || char === "%") && text[i + 1] === "{") i = endOfTemplateSequence(text, i);
    else i += 1;
  }
  throw new TemplateJsonError(`unterminated string inside a Terraform interpolation at character ${openQuote}`);
}

/** True when the whole value is one Terraform reference or expression, e.g. `${var.threshold}`. */
export function isInterpolation(value: unknown): value is string {
  return typeof value === "string" && /^[$%]\{[\s\S]*\}$/.test(value);
}

/**
 * The same value with every `${expr}` replaced by `‹expr›`: a placeholder a reader (or a graph
 * label) shows as is, with no `$`/`{` that Markdown or Mermaid would interpret.
 */
export function withReferencePlaceholders<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, v) =>
    typeof v === "string" ? v.replace(/\$\{([^{}]*)\}/g, (_m, expr: string) => `‹${expr.trim()}›`) : v,
  );
}
