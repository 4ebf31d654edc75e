import type { TerraformVariable } from "cdktf";

/** The workflow's tunables as Terraform variables, so a plan shows them and an operator can override them. */
export interface WorkflowVariables {
  epochs: TerraformVariable;
  batchSize: TerraformVariable;
  threshold: TerraformVariable;
}
