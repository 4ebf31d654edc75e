import * as path from "path";

/** Draws an ASL definition as a Mermaid flowchart (the CLI's `graph` command does the same). */
export type DrawWorkflow = (definition: Record<string, unknown>) => string;

/**
 * The CLI's `toMermaid` from `cli/graph.ts` of the project at `projectDir`, or undefined when
 * that project has none: the review then leaves the graph out rather than failing.
 */
export function loadWorkflowDrawer(projectDir: string): DrawWorkflow | undefined {
  const modulePath = path.join(path.resolve(projectDir), "cli", "graph");
  let graphModule: { toMermaid?: unknown };
  try {
    graphModule = require(modulePath);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && String((error as Error).message).includes(modulePath);
    if (missing) return undefined;
    throw error;
  }
  const toMermaid = graphModule.toMermaid;
  return typeof toMermaid === "function" ? (definition) => String(toMermaid(definition)) : undefined;
}
