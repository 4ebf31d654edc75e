/** Checks shared by the task builders; each error names the state, the field, the value and the rule. */

/**
 * True for values known only at deploy time: a Terraform reference such as `${aws_s3_bucket.x.bucket}`,
 * or the readable placeholder (`<artifact-bucket>`) a rendered preview shows in its place.
 */
export function isDeferred(value: string): boolean {
  return value.includes("${") || /<[\w-]+>/.test(value);
}

export function requireInstanceType(where: string, field: string, value: string): void {
  if (!isDeferred(value) && !/^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(value)) {
    throw new Error(`${where}: ${field} must be a SageMaker instance type such as ml.m5.xlarge (got ${JSON.stringify(value)})`);
  }
}

export function requireIntegerInRange(where: string, field: string, value: number, min: number, max: number): void {
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw new Error(`${where}: ${field} must be an integer from ${min} to ${max} (got ${value})`);
  }
}

export function requireS3Uri(where: string, field: string, value: string): void {
  if (!isDeferred(value) && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(value)) {
    throw new Error(`${where}: ${field} must be an s3:// URI (got ${JSON.stringify(value)})`);
  }
}

export function requireNotEmpty(where: string, field: string, value: string): void {
  if (value.trim() === "") throw new Error(`${where}: ${field} must not be empty`);
}

/** SageMaker names: letters and digits, '-' between them, at most 63 characters. A prefix may end with '-'. */
export function requireSageMakerNamePrefix(where: string, field: string, value: string): void {
  if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9])*-*$/.test(value) || value.length > 62) {
    throw new Error(
      `${where}: ${field} must be the start of a SageMaker name: letters, digits and '-', at most 62 characters (got ${JSON.stringify(value)})`,
    );
  }
}

/** A literal name must start with the prefix the IAM statements are scoped to, or the task would be denied at run time. */
export function requireNameWithinPrefix(where: string, field: string, name: unknown, prefix: string): void {
  if (typeof name === "string" && !isDeferred(name) && !name.startsWith(prefix)) {
    throw new Error(
      `${where}: ${field} ${JSON.stringify(name)} must start with ${JSON.stringify(prefix)}, the prefix its IAM permissions are scoped to`,
    );
  }
}
