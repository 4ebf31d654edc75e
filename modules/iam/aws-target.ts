import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { Construct } from "constructs";
import { partitionOf } from "../partition";

/** Where a stack deploys: what every ARN this project writes is built from. */
export interface AwsTarget {
  /** ARN partition: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, ... */
  partition: string;
  region: string;
  /** 12-digit account id: the environment's `accountId`, or a token of the deploying caller's account. */
  accountId: string;
}

export { partitionOf };

/**
 * The stack's target. A configured `accountId` is used as is (plans show real ARNs); otherwise
 * the account of the credentials Terraform runs with, read by `data.aws_caller_identity`.
 */
export function awsTarget(scope: Construct, region: string, accountId?: string): AwsTarget {
  const account = accountId ?? new DataAwsCallerIdentity(scope, "current").accountId;
  return { partition: partitionOf(region), region, accountId: account };
}

/** ARN of a CloudWatch Logs log group name or name pattern (without the `:*` suffix). */
export function logGroupArn(target: AwsTarget, name: string): string {
  return `arn:${target.partition}:logs:${target.region}:${target.accountId}:log-group:${name}`;
}
