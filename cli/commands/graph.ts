/** `workflow graph`: the environment's workflow as a Mermaid or Graphviz diagram, offline. */
import { MODEL } from "../../models";
import { renderEnvironmentDefinition } from "../../modules/workflow/render-environment";
import { Command, ENV_OPTION, environmentFlag, stringFlag, writeJson } from "../args";
import { ExitCode, UsageError } from "../errors";
import { toDot, toMermaid } from "../graph";

const FORMATS = { mermaid: toMermaid, dot: toDot } as const;

export const graphCommand: Command = {
  name: "graph",
  description: `
Draws the environment's rendered definition: every state with its type and service integration,
the transitions, the dashed catch edges to the failure state and the threshold on the choice
edges. Mermaid renders on GitHub inside a \`\`\`mermaid block; dot renders with Graphviz.

Examples:
  workflow graph --env prod                        # Mermaid
  workflow graph --env dev --format dot | dot -Tsvg > workflow.svg`,
  options: {
    env: ENV_OPTION,
    format: { type: "string", valueName: "<format>", description: "mermaid or dot. Default: mermaid" },
  },
  async run(args, deps) {
    const env = environmentFlag(args, deps);
    const format = stringFlag(args, "format") ?? "mermaid";
    if (!(format in FORMATS)) throw new UsageError(`--format must be mermaid or dot (got ${JSON.stringify(format)})`);
    const diagram = FORMATS[format as keyof typeof FORMATS](renderEnvironmentDefinition(env, MODEL));
    if (args.values.json) writeJson(deps, { environment: env.name, format, diagram });
    else deps.stdout.write(diagram);
    return ExitCode.Succeeded;
  },
};
