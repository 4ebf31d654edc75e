/** AWS SDK clients as the CLI uses them: the SDK's adaptive retry, so throttling backs off before it fails. */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { SFNClient } from "@aws-sdk/client-sfn";

// On Node.js 20 the SDK's first client prints a multi-line notice that its releases after January
// 2027 need Node 22. It is for whoever maintains the project (package.json's engines), not for the
// CLI's user, whose failed command prints the one line the exit-code table promises. This is the
// SDK's documented switch (aws/aws-sdk-js-v3#7983); a value the user set wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Attempts per call (first try included) before a throttling error reaches the user. */
export const MAX_ATTEMPTS = 8;

/** Client settings shared by every service: region plus adaptive retry (client-side rate limiting on throttles). */
export function clientConfig(region: string) {
  return { region, retryMode: "adaptive", maxAttempts: MAX_ATTEMPTS } as const;
}

export const createSfnClient = (region: string) => new SFNClient(clientConfig(region));
export const createSageMakerClient = (region: string) => new SageMakerClient(clientConfig(region));
export const createSageMakerRuntimeClient = (region: string) => new SageMakerRuntimeClient(clientConfig(region));
export const createS3Client = (region: string) => new S3Client(clientConfig(region));
export const createCloudWatchClient = (region: string) => new CloudWatchClient(clientConfig(region));
export const createCodePipelineClient = (region: string) => new CodePipelineClient(clientConfig(region));
