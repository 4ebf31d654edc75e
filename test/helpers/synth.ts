import { Testing } from "cdktf";
import { getEnvironment } from "../../environments";
import { EnvironmentConfig } from "../../environments/schema";
import { MlPipelineStack } from "../../stacks/ml-pipeline-stack";

/** The names of the environments the project ships. */
export const ENVIRONMENT_NAMES = ["dev", "staging", "prod"] as const;

/** A synthesized stack: the JSON string (for cdktf's matchers) and the parsed Terraform. */
export interface SynthesizedStack {
  stack: MlPipelineStack;
  json: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  tf: any;
}

/** Synthesizes one environment's stack (call it in beforeAll: once per test file). */
export function synthEnvironment(env: EnvironmentConfig | string): SynthesizedStack {
  const config = typeof env === "string" ? getEnvironment(env) : env;
  const stack = new MlPipelineStack(Testing.app(), { env: config });
  const json = Testing.synth(stack);
  return { stack, json, tf: JSON.parse(json) };
}

/** Every resource of one Terraform type in a synthesized stack, by logical name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function resourcesOfType(tf: any, type: string): Record<string, any> {
  return tf.resource?.[type] ?? {};
}
