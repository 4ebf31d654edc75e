import type { TerraformVariable } from "cdktf";

/** The workflow's tunables as Terraform variables, so a plan shows them and an operator can override them. */
export interface WorkflowVariables {
  /** The model's tunable hyperparameters, by their name in the declaration. */
  hyperparameters: Record<string, TerraformVariable>;
  /** The gate's threshold of the model's metric. */
  threshold: TerraformVariable;
}
