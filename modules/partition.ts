import { partitionOfRegion } from "./aws-catalog";

/**
 * The ARN partition of a region, from the SDK's partition data (so no data source is needed).
 * In its own module, without cdktf: the CLI's `render` needs it too.
 */
export function partitionOf(region: string): string {
  const partition = partitionOfRegion(region);
  if (!partition) throw new Error(`region ${JSON.stringify(region)} is not in the AWS SDK's partition data`);
  return partition;
}
