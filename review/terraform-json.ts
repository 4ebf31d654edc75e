import * as fs from "fs";
import * as path from "path";
import { EnvironmentConfig, EnvironmentError, promotionOrder } from "../environments";
import { isPlainObject } from "./value-diff";

/** A synthesized stack, `cdktf.out/stacks/<env>/cdk.tf.json`, parsed. */
export type TerraformJson = Record<string, unknown>;

/** Synthesized stacks by environment (stack) name, in the order the app declared them. */
export type SynthesizedStacks = Map<string, TerraformJson>;

type Blocks = Record<string, Record<string, unknown>>;

/** Every resource of one type, by logical name (`{}` when there is none). */
export function resourcesOf(tf: TerraformJson, type: string, block: "resource" | "data" = "resource"): Blocks {
  const byType = tf[block];
  if (!isPlainObject(byType) || !isPlainObject(byType[type])) return {};
  return byType[type] as Blocks;
}

/**
 * Every resource and data source by Terraform address (`aws_s3_bucket.artifacts`,
 * `data.aws_caller_identity.current`), and every module call (`module.network`).
 */
export function resourcesByAddress(tf: TerraformJson): Map<string, Record<string, unknown>> {
  const addresses = new Map<string, Record<string, unknown>>();
  for (const block of ["resource", "data"] as const) {
    const byType = tf[block];
    if (!isPlainObject(byType)) continue;
    for (const [type, byName] of Object.entries(byType)) {
      if (!isPlainObject(byName)) continue;
      for (const [name, body] of Object.entries(byName)) {
        if (isPlainObject(body)) addresses.set(`${block === "data" ? "data." : ""}${type}.${name}`, body);
      }
    }
  }
  const modules = tf.module;
  if (isPlainObject(modules)) {
    for (const [name, body] of Object.entries(modules)) if (isPlainObject(body)) addresses.set(`module.${name}`, body);
  }
  return addresses;
}

/** The stacks a synth wrote under `<outdir>/stacks`, in promotion order (dev, test, staging, prod, others). */
export function readSynthesizedStacks(outdir: string): SynthesizedStacks {
  const stacksDir = path.join(outdir, "stacks");
  const found = fs.existsSync(stacksDir)
    ? fs.readdirSync(stacksDir).filter((name) => fs.existsSync(path.join(stacksDir, name, "cdk.tf.json")))
    : [];
  found.sort((a, b) => promotionRank(a) - promotionRank(b) || a.localeCompare(b));
  const stacks: SynthesizedStacks = new Map();
  for (const name of found) {
    const file = path.join(stacksDir, name, "cdk.tf.json");
    stacks.set(name, JSON.parse(fs.readFileSync(file, "utf8")) as TerraformJson);
  }
  return stacks;
}

let ranks: Map<string, number> | undefined;

/**
 * Where an environment comes in the release order (its `promotionOrder`), so a review reads in the
 * order a change is promoted; environments not defined in this working tree come last.
 */
export function promotionRank(name: string): number {
  if (!ranks) {
    let defined: EnvironmentConfig[] = [];
    try {
      defined = promotionOrder();
    } catch (error) {
      // An invalid environment stops the head's synth, which reports it; the order is secondary.
      if (!(error instanceof EnvironmentError)) throw error;
    }
    ranks = new Map(defined.map((env, index) => [env.name, index]));
  }
  return ranks.get(name) ?? ranks.size;
}
