/** Exit codes of every command, and the errors that carry them. */

/** What the process exit code tells a script or a pipeline. */
export enum ExitCode {
  /** The command did what was asked; for a followed execution, it succeeded. */
  Succeeded = 0,
  /** The workflow (or the endpoint deployment) failed, was aborted or timed out. */
  WorkflowFailed = 1,
  /** A flag, an environment or a configuration value is wrong; nothing was called. */
  Usage = 2,
  /** AWS refused or could not answer: access denied, not found, throttled after retries. */
  Aws = 3,
}

/** An error the CLI reports as one line (`message — hint`) and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** What the user should do about it, appended to the same line. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = "CliError";
  }

  /** The single line printed on stderr. */
  get line(): string {
    return oneLine(this.hint ? `${this.message} — ${this.hint}` : this.message);
  }
}

/** A wrong flag or configuration value (exit 2). */
export class UsageError extends CliError {
  constructor(message: string, hint = "run with --help for usage") {
    super(message, ExitCode.Usage, hint);
  }
}

/** AWS said no, or could not be reached (exit 3). */
export class AwsError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Aws, hint);
  }
}

/** The workflow or deployment ended badly (exit 1). */
export class WorkflowFailedError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.WorkflowFailed, hint);
  }
}

/** Collapses whitespace (AWS messages sometimes span lines) so every report is one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** The SDK error fields the mapping looks at. */
interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
}

const ACCESS_DENIED = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "ExpiredTokenException",
  "ExpiredToken",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
]);
const NOT_FOUND = new Set([
  "ExecutionDoesNotExist",
  "StateMachineDoesNotExist",
  "ResourceNotFound",
  "NoSuchBucket",
  "NoSuchKey",
  "PipelineNotFoundException",
  "PipelineExecutionNotFoundException",
]);
const THROTTLED = new Set(["ThrottlingException", "TooManyRequestsException", "Throttling", "RequestLimitExceeded"]);
const NETWORK = new Set(["ENOTFOUND", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN"]);

/** True for an error thrown by an AWS SDK client (it carries $metadata or $fault). */
export function isAwsSdkError(err: unknown): err is SdkErrorShape {
  return typeof err === "object" && err !== null && ("$metadata" in err || "$fault" in err);
}

/** SageMaker reports a missing resource as a ValidationException "Could not find ...". */
export function isSageMakerNotFound(err: unknown): boolean {
  const e = err as SdkErrorShape;
  return e?.name === "ValidationException" && /could not find/i.test(e.message ?? "");
}

/**
 * Turns an AWS SDK (or credentials/network) error into a one-line CliError with exit 3,
 * naming the call that failed and what to do. Other errors pass through unchanged.
 */
export function fromAwsError(err: unknown, call: string): unknown {
  if (err instanceof CliError) return err;
  const e = err as SdkErrorShape;
  const name = e?.name ?? "";
  const detail = oneLine(e?.message ?? String(err));
  if (ACCESS_DENIED.has(name)) {
    return new AwsError(
      `access denied calling ${call}: ${detail}`,
      "check the AWS credentials/profile (AWS_PROFILE, AWS_REGION) and that the role allows this action on this resource",
    );
  }
  if (NOT_FOUND.has(name) || isSageMakerNotFound(err)) {
    return new AwsError(
      `not found calling ${call}: ${detail}`,
      "check the name or ARN, the environment and its region, and that the stack is deployed",
    );
  }
  if (THROTTLED.has(name)) {
    return new AwsError(
      `throttled calling ${call} (after the SDK's adaptive retries): ${detail}`,
      "wait a minute and run the command again",
    );
  }
  if (name === "CredentialsProviderError") {
    return new AwsError(
      `no AWS credentials for ${call}: ${detail}`,
      "configure credentials (aws configure, AWS_PROFILE or an assumed role) and try again",
    );
  }
  if (NETWORK.has(e?.code ?? "") || name === "TimeoutError") {
    return new AwsError(`cannot reach AWS for ${call}: ${detail}`, "check the network connection and the region, then try again");
  }
  if (isAwsSdkError(err)) {
    return new AwsError(
      `${call} failed with ${name || "an AWS error"}: ${detail}`,
      "read the AWS message above; fix the request or the account set-up and try again",
    );
  }
  return err;
}

/** The pages of one of the SDK's paginators; a failed page is mapped with fromAwsError, as awsCall does. */
export async function* awsPages<T>(call: string, pages: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* pages;
  } catch (err) {
    throw fromAwsError(err, call);
  }
}

/** Runs one AWS call and maps its failure with fromAwsError. */
export async function awsCall<T>(call: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    throw fromAwsError(err, call);
  }
}
