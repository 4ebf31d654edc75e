/**
 * AWS's own lists of what a setting may be, read from the data the AWS SDK ships rather than
 * written by hand: regions (the SDK's partition data) and SageMaker instance types per job kind
 * (the SageMaker client's enums). Both move with the SDK version in package-lock.json.
 */
import { partition } from "@aws-sdk/core/client";
import * as fs from "fs";
import * as path from "path";

/** The ARN partition of a region the SDK knows (`aws`, `aws-cn`, `aws-us-gov`, ...), or undefined for any other name. */
export function partitionOfRegion(region: string): string | undefined {
  const info = partition(region) as { name: string; description?: string };
  // A region of the partition data carries its description; `aws-global` and the like are endpoints, not regions.
  const known = info.description !== undefined && !region.startsWith("aws");
  return known ? info.name : undefined;
}

/** The SageMaker API's instance-type enums, one per kind of job. */
export const SAGEMAKER_INSTANCE_TYPE_ENUMS = {
  processing: "ProcessingInstanceType",
  training: "TrainingInstanceType",
  endpoint: "ProductionVariantInstanceType",
} as const;

export type SageMakerInstanceKind = keyof typeof SAGEMAKER_INSTANCE_TYPE_ENUMS;

let instanceTypes: Record<SageMakerInstanceKind, ReadonlySet<string>> | undefined;

/**
 * The instance types SageMaker accepts for a kind of job. Read from the enums module of
 * `@aws-sdk/client-sagemaker` as text: loading the whole client would add about 0.1 s to every
 * synth. A test checks the result against the client's exported enums.
 */
export function sageMakerInstanceTypes(kind: SageMakerInstanceKind): ReadonlySet<string> {
  instanceTypes ??= readInstanceTypeEnums();
  return instanceTypes[kind];
}

function readInstanceTypeEnums(): Record<SageMakerInstanceKind, ReadonlySet<string>> {
  let read: (enumName: string) => string[];
  try {
    const packageDir = path.dirname(require.resolve("@aws-sdk/client-sagemaker/package.json"));
    const source = fs.readFileSync(path.join(packageDir, "dist-es", "models", "enums.js"), "utf8");
    read = (enumName) =>
      [...(new RegExp(`export const ${enumName} = \\{([^}]*)\\}`).exec(source)?.[1] ?? "").matchAll(/:\s*"([^"]+)"/g)].map(
        (m) => m[1],
      );
  } catch {
    // Not installed as a package (the CLI bundle): the client itself is part of the bundle.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the slow path, see above
    const client = require("@aws-sdk/client-sagemaker") as Record<string, Record<string, string>>;
    read = (enumName) => Object.values(client[enumName] ?? {});
  }
  const set = (kind: SageMakerInstanceKind) => {
    const values = read(SAGEMAKER_INSTANCE_TYPE_ENUMS[kind]);
    if (values.length === 0) throw new Error(`@aws-sdk/client-sagemaker has no enum ${SAGEMAKER_INSTANCE_TYPE_ENUMS[kind]}`);
    return new Set(values);
  };
  return { processing: set("processing"), training: set("training"), endpoint: set("endpoint") };
}

/**
 * Which SageMaker instance families have local instance storage (instance store, NVMe or SSD), by family
 * (`ml.<family>.<size>`). SageMaker refuses a volume KMS key for them: "You can't request a VolumeKmsKeyId
 * when using an instance type with local storage" (SageMaker API Reference: ResourceConfig and
 * ProcessingClusterConfig VolumeKmsKeyId, CreateEndpointConfig KmsKeyId); their storage is encrypted by
 * the hardware. Source: the list those pages link, the "Instance store volumes" table of the Amazon EC2
 * User Guide (awsdocs/amazon-ec2-user-guide, doc_source/InstanceStorage.md, last revision June 2023),
 * whose every size of these families has instance store. The EBS-only families are those SageMaker
 * offered by then that the table leaves out. A family released since is in neither list: environment
 * validation refuses it until it is added here from AWS's EC2 instance-type documentation.
 */
export const INSTANCE_STORAGE_BY_FAMILY: Readonly<Record<string, "instance store" | "EBS only">> = {
  ...Object.fromEntries(
    ["c5d", "c6gd", "dl1", "g4dn", "g5", "m5d", "m6gd", "p3dn", "p4d", "p4de", "r5d", "r6gd", "trn1", "trn1n"].map((family) => [
      family,
      "instance store" as const,
    ]),
  ),
  ...Object.fromEntries(
    [
      ...["c4", "c5", "c5n", "c6g", "c6gn", "c6i", "c6in", "c7g", "inf1", "inf2", "m4", "m5", "m6g", "m6i"],
      ...["p2", "p3", "r5", "r6g", "r6i", "t2", "t3"],
    ].map((family) => [family, "EBS only" as const]),
  ),
};

/** The family of a SageMaker instance type: `g4dn` of `ml.g4dn.xlarge`. */
export const instanceFamily = (instanceType: string): string => instanceType.split(".")[1] ?? instanceType;

/** Why an instance type cannot be used with the environment's volume key, or undefined when it can. */
export function instanceStorageProblem(instanceType: string): string | undefined {
  if (INSTANCE_STORAGE_BY_FAMILY[instanceFamily(instanceType)]) return undefined;
  const family = `ml.${instanceFamily(instanceType)}`;
  return `is of a family, ${family}, whose local storage this project does not know (SageMaker refuses the volume key on instance store): add it to INSTANCE_STORAGE_BY_FAMILY in modules/aws-catalog.ts from AWS's EC2 instance-type documentation, or pick a listed family`;
}

/** The volume KMS key for an instance type: none with local instance storage, which SageMaker refuses a key for. */
export function volumeKmsKeyFor(instanceType: string, keyId: string | undefined): string | undefined {
  return INSTANCE_STORAGE_BY_FAMILY[instanceFamily(instanceType)] === "instance store" ? undefined : keyId;
}

/**
 * Retention periods CloudWatch Logs accepts (PutRetentionPolicy's `retentionInDays`). The SDK
 * has no enum for them; a test checks this list against the API documentation the
 * CloudWatch Logs client ships.
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
