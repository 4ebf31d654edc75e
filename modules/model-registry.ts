import { SagemakerModelPackageGroup } from "@cdktf/provider-aws/lib/sagemaker-model-package-group";
import { Construct } from "constructs";
import { ResourceNames } from "./naming";

export interface ModelRegistryProps {
  names: ResourceNames;
}

/**
 * The environment's SageMaker Model Registry group: each run that passes its gate registers a version
 * in it, pending approval; the release pipeline approves it, deploy and rollback serve approved ones.
 * Tagged by the provider's default tags (versions carry their group's); the registry holds no data of
 * its own to encrypt: a version points at the run's model and evaluation in the encrypted bucket.
 */
export class ModelRegistry extends Construct {
  readonly group: SagemakerModelPackageGroup;
  /** The group's name (known at synth). */
  readonly groupName: string;

  constructor(scope: Construct, id: string, { names }: ModelRegistryProps) {
    super(scope, id);
    this.groupName = names.modelPackageGroup(names.project);
    this.group = new SagemakerModelPackageGroup(this, "group", {
      modelPackageGroupName: this.groupName,
      modelPackageGroupDescription: `Model versions that passed the ${names.environment} workflow's gate, with their evaluation`,
    });
  }
}
