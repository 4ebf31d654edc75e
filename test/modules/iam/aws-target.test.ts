import { partitionOf } from "../../../modules/iam/aws-target";

describe("partitionOf", () => {
  it.each([
    ["us-east-1", "aws"],
    ["eu-west-1", "aws"],
    ["cn-north-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
    ["us-iso-east-1", "aws-iso"],
    ["us-isob-east-1", "aws-iso-b"],
    ["eu-isoe-west-1", "aws-iso-e"],
  ])("maps %s to %s", (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });

  it("refuses a region the SDK does not know rather than guessing its partition", () => {
    expect(() => partitionOf("us-east-9")).toThrow(`region "us-east-9" is not in the AWS SDK's partition data`);
  });
});
