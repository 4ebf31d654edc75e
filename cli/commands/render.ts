/** `workflow render`: the environment's state machine definition as JSON, offline. */
import { MODEL } from "../../models";
import { PLACEHOLDERS, renderEnvironmentDefinition } from "../../modules/workflow/render-environment";
import { Command, ENV_OPTION, environmentFlag, writeJson } from "../args";
import { ExitCode } from "../errors";

export const renderCommand: Command = {
  name: "render",
  description: `
Prints the Amazon States Language definition the environment's stack deploys, rendered from the
same typed template, without AWS or Terraform: the environment's values and the Terraform
variables at their defaults, and a readable placeholder wherever the stack puts a Terraform
reference (${Object.values(PLACEHOLDERS).join(", ")}, image URIs). The output is JSON either way.

Examples:
  workflow render --env prod > prod-workflow.asl.json
  workflow render --env dev | jq '.States["Threshold Evaluation Check"]'`,
  options: { env: ENV_OPTION },
  async run(args, deps) {
    writeJson(deps, renderEnvironmentDefinition(environmentFlag(args, deps), MODEL));
    return ExitCode.Succeeded;
  },
};
