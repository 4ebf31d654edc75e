import { JsonValue, PayloadTemplate } from "./types";

/**
 * A value taken at run time: a JSONPath into the state input (`$.x`), the context object (`$$.x`),
 * or an intrinsic function (`States.Format(...)`). In a payload template it renders as a `Key.$` field.
 */
export class JsonPath {
  private constructor(readonly expression: string) {}

  /** A JSONPath into the state input (`$...`) or the context object (`$$...`). */
  static at(path: string): JsonPath {
    if (!/^\$\$?(\.[A-Za-z_][\w-]*|\[\d+\])*$/.test(path)) {
      throw new Error(`JsonPath.at: ${JSON.stringify(path)} must be a JSONPath such as $.TrainingJobName or $$.Execution.Name`);
    }
    return new JsonPath(path);
  }

  /** The name of the running execution (this project names executions after the run id). */
  static readonly executionName = JsonPath.at("$$.Execution.Name");

  /**
   * `States.Format(template, ...args)`: a string built at run time. Each `{}` in the template takes
   * one argument; literal arguments are quoted and escaped, JSONPath arguments are read at run time.
   */
  static format(template: string, ...args: Array<string | JsonPath>): JsonPath {
    const placeholders = template.split("{}").length - 1;
    if (placeholders !== args.length) {
      throw new Error(
        `JsonPath.format: ${JSON.stringify(template)} has ${placeholders} placeholder(s) but got ${args.length} argument(s)`,
      );
    }
    const quotedTemplate = template.split("{}").map(escapeIntrinsicLiteral).join("{}");
    const rendered = args.map((arg) => (arg instanceof JsonPath ? arg.expression : `'${escapeIntrinsicLiteral(arg)}'`));
    return new JsonPath(`States.Format('${quotedTemplate}'${rendered.map((a) => `, ${a}`).join("")})`);
  }
}

/**
 * Escapes the characters intrinsic-function string literals reserve (`' { } \`), leaving
 * `${...}` alone: that is a Terraform reference, replaced by a plain name before Step Functions reads it.
 */
export function escapeIntrinsicLiteral(text: string): string {
  return text
    .split(/(\$\{[^}]*\})/)
    .map((part) => (part.startsWith("${") ? part : part.replace(/[{}'\\]/g, (c) => `\\${c}`)))
    .join("");
}

/** A payload template before rendering: plain JSON anywhere, JsonPath where a value is read at run time. */
export type Payload = { [key: string]: PayloadValue };
export type PayloadValue = JsonValue | JsonPath | Payload | PayloadValue[] | undefined;

/** Renders a payload: `{Key: JsonPath.at("$.x")}` becomes `{"Key.$": "$.x"}`; undefined fields are left out. */
export function renderPayload(payload: Payload, where = "payload"): PayloadTemplate {
  const rendered: PayloadTemplate = {};
  for (const [key, value] of Object.entries(payload)) {
    if (value === undefined) continue;
    if (key.endsWith(".$")) throw new Error(`${where}.${key}: write the field without ".$" and give it a JsonPath value`);
    if (value instanceof JsonPath) rendered[`${key}.$`] = value.expression;
    else rendered[key] = renderValue(value, `${where}.${key}`);
  }
  return rendered;
}

function renderValue(value: Exclude<PayloadValue, undefined>, where: string): JsonValue {
  if (value instanceof JsonPath) {
    throw new Error(`${where}: a JsonPath value must be an object field (ASL has no dynamic array elements)`);
  }
  if (Array.isArray(value)) {
    return value
      .filter((v) => v !== undefined)
      .map((v, i) => renderValue(v as Exclude<PayloadValue, undefined>, `${where}[${i}]`));
  }
  if (value !== null && typeof value === "object") return renderPayload(value as Payload, where);
  return value;
}
