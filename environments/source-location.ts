/** Where in an environment file a problem is, as `file:line:column`, for one-line errors. */
import * as fs from "fs";

/**
 * One line for an environment file that failed to load: a syntax error at its line and column
 * (found by TypeScript's parser, loaded only on this path), a missing file, or the error the file
 * threw while it ran.
 */
export function loadFailure(absolutePath: string, file: string, error: unknown): string {
  if (!fs.existsSync(absolutePath)) return `${file}: file not found (environments/index.ts lists it)`;
  const syntax = syntaxError(absolutePath);
  if (syntax) return `${file}:${syntax.line}:${syntax.column}: ${syntax.message}`;
  const stack = String((error as Error)?.stack ?? error);
  const frame = stack.split("\n").find((line) => line.includes(absolutePath));
  const at = frame && /:(\d+):(\d+)\)?$/.exec(frame);
  const message = String((error as Error)?.message ?? error).split("\n")[0];
  return `${file}${at ? `:${at[1]}:${at[2]}` : ""}: ${message}`;
}

/** The first syntax error of a TypeScript file, or undefined (also when TypeScript is not installed). */
function syntaxError(absolutePath: string): { line: number; column: number; message: string } | undefined {
  let ts: typeof import("typescript");
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- only on this error path: TypeScript takes ~0.3 s to load
    ts = require("typescript");
  } catch {
    return undefined;
  }
  const text = fs.readFileSync(absolutePath, "utf8");
  const { diagnostics = [] } = ts.transpileModule(text, { fileName: absolutePath, reportDiagnostics: true });
  const first = diagnostics.find((d) => d.file && d.start !== undefined);
  if (!first?.file || first.start === undefined) return undefined;
  const { line, character } = first.file.getLineAndCharacterOfPosition(first.start);
  return { line: line + 1, column: character + 1, message: ts.flattenDiagnosticMessageText(first.messageText, " ") };
}

/** `:line:column` of the first `field:` in a file, or "" when it is not written there. */
export function locationOf(absolutePath: string, field: string): string {
  const text = fs.readFileSync(absolutePath, "utf8");
  const match = new RegExp(`\\b${field}\\s*:`).exec(text);
  if (!match) return "";
  const before = text.slice(0, match.index).split("\n");
  return `:${before.length}:${before[before.length - 1].length + 1}`;
}
