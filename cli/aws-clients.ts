/** AWS SDK clients as the CLI uses them: the SDK's adaptive retry, so throttling backs off before it fails. */
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SFNClient } from "@aws-sdk/client-sfn";

/** Attempts per call (first try included) before a throttling error reaches the user. */
export const MAX_ATTEMPTS = 8;

/** Client settings shared by every service: region plus adaptive retry (client-side rate limiting on throttles). */
export function clientConfig(region: string) {
  return { region, retryMode: "adaptive", maxAttempts: MAX_ATTEMPTS } as const;
}

export const createSfnClient = (region: string) => new SFNClient(clientConfig(region));
export const createSageMakerClient = (region: string) => new SageMakerClient(clientConfig(region));
