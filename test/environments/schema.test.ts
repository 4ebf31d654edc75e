import { ENVIRONMENT_SOURCES, EnvironmentError, getEnvironment, loadEnvironments } from "../../environments";
import { EnvironmentConfig, EnvironmentSource, validateEnvironments } from "../../environments/schema";

const prod = getEnvironment("prod");
const withProd = (patch: Partial<EnvironmentConfig>): EnvironmentSource[] => [
  { file: "environments/prod.ts", config: { ...prod, ...patch } },
];

describe("environment validation", () => {
  it("accepts the shipped environments", () => {
    expect(validateEnvironments(ENVIRONMENT_SOURCES)).toEqual([]);
  });

  it("keeps prod at the reference values: 200 epochs, batch size 8, threshold 2.1, approval, protected", () => {
    expect(prod).toMatchObject({ epochs: 200, batchSize: 8, threshold: 2.1, requireApproval: true, allowDestroy: false });
    const dev = getEnvironment("dev");
    expect(dev.epochs).toBeLessThan(prod.epochs);
    expect(dev.threshold).toBeGreaterThan(prod.threshold);
    expect(dev.allowDestroy).toBe(true);
  });

  it.each<[string, Partial<EnvironmentConfig>, string]>([
    ["a fractional epochs", { epochs: 2.5 }, "environments/prod.ts: epochs must be an integer >= 1 (got 2.5)"],
    ["zero epochs", { epochs: 0 }, "environments/prod.ts: epochs must be an integer >= 1 (got 0)"],
    ["a batch size below 1", { batchSize: 0 }, "environments/prod.ts: batchSize must be an integer >= 1 (got 0)"],
    ["a negative threshold", { threshold: -1 }, "environments/prod.ts: threshold must be a positive number (got -1)"],
    ["a zero threshold", { threshold: 0 }, "environments/prod.ts: threshold must be a positive number (got 0)"],
    ["an infinite threshold", { threshold: Infinity }, "environments/prod.ts: threshold must be a positive number (got Infinity)"],
    ["a NaN threshold", { threshold: NaN }, "environments/prod.ts: threshold must be a positive number (got NaN)"],
    ["an unknown region format", { region: "europe-1" }, 'environments/prod.ts: region must be an AWS region such as eu-west-1 (got "europe-1")'],
    ["an 11-digit account id", { accountId: "12345678901" }, 'environments/prod.ts: accountId must be 12 digits (got "12345678901")'],
    [
      "an instance type outside ml.*",
      { instanceTypes: { ...prod.instanceTypes, training: "m5.xlarge" } },
      'environments/prod.ts: instanceTypes.training must be a SageMaker instance type such as ml.m5.xlarge (got "m5.xlarge")',
    ],
    [
      "a name not usable in AWS names",
      { name: "Prod_1" },
      `environments/prod.ts: name must be usable in AWS names: a lowercase letter, then lowercase letters, digits or '-', at most 16 characters (got "Prod_1")`,
    ],
    ["a log retention CloudWatch refuses", { logRetentionDays: 10 }, "environments/prod.ts: logRetentionDays must be one of"],
    ["an assume-role value that is not a role ARN", { assumeRoleArn: "admin" }, 'environments/prod.ts: assumeRoleArn must be an IAM role ARN (got "admin")'],
    ["a remote state bucket with an invalid name", { remoteState: { bucket: "Bad_Bucket" } }, 'environments/prod.ts: remoteState.bucket must be an S3 bucket name (got "Bad_Bucket")'],
  ])("rejects %s with a line naming the file, field, value and rule", (_case, patch, message) => {
    const problems = validateEnvironments(withProd(patch));
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(message)).toBe(true);
  });

  it("reports every problem of every environment, one line each", () => {
    const problems = validateEnvironments([
      { file: "environments/dev.ts", config: { ...getEnvironment("dev"), epochs: 0, batchSize: -2 } },
      { file: "environments/prod.ts", config: { ...prod, threshold: -1 } },
    ]);
    expect(problems).toEqual([
      "environments/dev.ts: epochs must be an integer >= 1 (got 0)",
      "environments/dev.ts: batchSize must be an integer >= 1 (got -2)",
      "environments/prod.ts: threshold must be a positive number (got -1)",
    ]);
  });

  it("rejects two environments with the same name", () => {
    const problems = validateEnvironments([
      { file: "environments/prod.ts", config: prod },
      { file: "environments/prod-copy.ts", config: prod },
    ]);
    expect(problems).toEqual([
      'environments/prod-copy.ts: name must be unique across environments (got "prod", also used by environments/prod.ts)',
    ]);
  });
});

describe("environment selection", () => {
  it("returns all environments when ENVIRONMENTS is empty, and a subset when set", () => {
    expect(loadEnvironments(undefined).map((e) => e.name)).toEqual(["dev", "staging", "prod"]);
    expect(loadEnvironments("prod, dev").map((e) => e.name)).toEqual(["dev", "prod"]);
  });

  it("names an unknown environment and lists the known ones", () => {
    expect(() => loadEnvironments("qa")).toThrow('ENVIRONMENTS: unknown environment "qa" (known: dev, staging, prod)');
  });

  it("validates every environment even when only one is selected", () => {
    const sources = [...ENVIRONMENT_SOURCES.slice(0, 2), { file: "environments/prod.ts", config: { ...prod, epochs: 0 } }];
    expect(() => loadEnvironments("dev", sources)).toThrow(EnvironmentError);
  });
});
