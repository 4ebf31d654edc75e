import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { policyDocument, PolicyStatement, trustPolicy } from "./policy";

export interface ServiceRoleProps {
  /** Role name, from `ResourceNames.role(service)`. */
  name: string;
  /** What the role is for (shown in IAM). */
  description: string;
  /** The one service principal that may assume the role, e.g. `sagemaker.amazonaws.com`. */
  servicePrincipal: string;
  /**
   * Account the service must act for (`aws:SourceAccount` in the trust policy). Set it for services
   * that send the key (Step Functions, SageMaker, CodeBuild, CodePipeline). Default: no condition.
   */
  sourceAccount?: string;
  /** Permissions of the role's inline policy. More can be added with `addStatements` before synth. */
  statements?: PolicyStatement[];
}

/**
 * An IAM role for one AWS service: trust limited to that service (and account), permissions in
 * one inline `aws_iam_role_policy` (non-exclusive, never a shared `aws_iam_policy_attachment`).
 */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  /** Role name (known at synth). */
  readonly name: string;
  /** Role ARN (a Terraform reference). */
  readonly arn: string;
  private readonly statements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.name = props.name;
    this.statements = [...(props.statements ?? [])];
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: props.description,
      assumeRolePolicy: trustPolicy(props.servicePrincipal, props.sourceAccount),
    });
    this.arn = this.role.arn;
    this.policy = new IamRolePolicy(this, "permissions", {
      name: "permissions",
      role: this.role.name,
      // Lazy, so constructs created later (state machine, pipeline) can still add what they need.
      policy: Lazy.stringValue({
        produce: () => {
          if (this.statements.length === 0) {
            throw new Error(`IAM role ${props.name}: has no permission statements; IAM rejects an empty policy`);
          }
          return policyDocument(this.statements);
        },
      }),
    });
  }

  /** Adds permissions to the role's inline policy. */
  addStatements(...statements: PolicyStatement[]): void {
    this.statements.push(...statements);
  }
}
