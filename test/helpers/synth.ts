import { isDeepStrictEqual } from "node:util";
import { ENVIRONMENT_NAMES, getEnvironment } from "../../environments";
import { EnvironmentConfig } from "../../environments/schema";
import { MODEL } from "../../models";
import { ModelDeclaration } from "../../modules/model/declaration";
import { sharedConfigJson, sharedStackJson, sharedStacksDir } from "../global/shared-stacks";

export { ENVIRONMENT_NAMES } from "../../environments";

/** A synthesized stack: the JSON string (for cdktf's matchers) and the parsed Terraform. */
export interface SynthesizedStack {
  json: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  tf: any;
}

/**
 * One environment's synthesized stack of `model` (default: the chosen one; call it in beforeAll). The
 * chosen model's stacks come from the run's shared synth (test/global/shared-stacks.ts): a shipped
 * environment, by name or unchanged, as synthesized for every file, any other configuration that JSON
 * carries whole on request. Anything else is synthesized here, loading cdktf and the provider only then.
 */
export function synthEnvironment(env: EnvironmentConfig | string, model: ModelDeclaration = MODEL): SynthesizedStack {
  const config = typeof env === "string" ? getEnvironment(env) : env;
  const shared = sharedStacksDir() !== undefined && model === MODEL;
  const shipped = ENVIRONMENT_NAMES.includes(config.name) && isDeepStrictEqual(config, getEnvironment(config.name));
  const json =
    shared && shipped
      ? sharedStackJson(config.name)
      : shared && isDeepStrictEqual(JSON.parse(JSON.stringify(config)), config)
        ? sharedConfigJson(config)
        : synthHere(config, model);
  return { json, tf: JSON.parse(json) };
}

function synthHere(config: EnvironmentConfig, model: ModelDeclaration): string {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only by the files that synthesize a variant */
  const { Testing } = require("cdktf") as typeof import("cdktf");
  const { MlPipelineStack } = require("../../stacks/ml-pipeline-stack") as typeof import("../../stacks/ml-pipeline-stack");
  /* eslint-enable @typescript-eslint/no-require-imports */
  return Testing.synth(new MlPipelineStack(Testing.app(), { env: config, model }));
}

/** Every resource of one Terraform type in a synthesized stack, by logical name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function resourcesOfType(tf: any, type: string): Record<string, any> {
  return tf.resource?.[type] ?? {};
}

/** One synthesized Terraform block (resource, data source, ...). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Block = Record<string, any>;

/** The one resource of a type (optionally among those `matching`), with its logical id; fails the test otherwise. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function onlyResource(tf: any, type: string, matching: (block: Block) => boolean = () => true): [string, Block] {
  const found = Object.entries(resourcesOfType(tf, type)).filter(([, block]) => matching(block));
  expect(found.map(([id]) => `${type}.${id}`)).toHaveLength(1);
  return found[0];
}

/** The resource of a type whose `name` (or `alarm_name`) is `name`, with its logical id. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function namedResource(tf: any, type: string, name: string): [string, Block] {
  const found = Object.entries(resourcesOfType(tf, type)).find(([, r]) => r.name === name || r.alarm_name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
}

/** A reference as it appears in synthesized JSON: `${type.id.attribute}`. */
export const terraformRef = (type: string, id: string, attribute: string) => `\${${type}.${id}.${attribute}}`;

/** The one inline `aws_iam_role_policy` of the role named `roleName` (its `policy` is a JSON string). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function inlinePolicyOf(tf: any, roleName: string): Block {
  const [roleId] = namedResource(tf, "aws_iam_role", roleName);
  return onlyResource(tf, "aws_iam_role_policy", (p) => p.role === terraformRef("aws_iam_role", roleId, "name"))[1];
}
