import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** A file shipped with the stack, named by its content. */
export interface ContentAsset {
  asset: TerraformAsset;
  /** Path relative to the stack directory (what `filename` / `source` take). */
  path: string;
  /** Hex SHA-256 of the content: a `source_hash` that changes only when the content does. */
  sha256: string;
  /** Base64 SHA-256 of the content: Lambda's `source_code_hash`. */
  base64Sha256: string;
}

/**
 * Where generated files wait to be copied into `cdktf.out`: content-addressed, in this project's
 * own cache (not the machine's shared temp folder), outside the sources.
 */
export const GENERATED_DIR = path.resolve(__dirname, "..", "..", "node_modules", ".cache", "ml-release-cdktf-assets");

/**
 * Makes bytes (a generated archive, or a file read from the repository) a Terraform asset whose
 * directory and hashes derive from the content only, so two synths are byte-identical.
 */
export function contentAsset(scope: Construct, id: string, fileName: string, content: Buffer): ContentAsset {
  const file = path.join(GENERATED_DIR, digestOf(content).toString("hex"), fileName);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Write then rename: parallel synths (jest workers) never see a half-written file.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, content);
    fs.renameSync(partial, file);
  }
  return assetOf(scope, id, file, content);
}

/** An asset of a file as it is on disk (a script, the raw dataset), hashed by content. */
export function fileAsset(scope: Construct, id: string, sourcePath: string): ContentAsset {
  if (!fs.existsSync(sourcePath) || !fs.statSync(sourcePath).isFile()) {
    throw new Error(`asset ${id}: ${sourcePath} must be an existing file`);
  }
  return assetOf(scope, id, path.resolve(sourcePath), fs.readFileSync(sourcePath));
}

const digests = new WeakMap<Buffer, Buffer>();

/** SHA-256 of `content`, once per buffer: every stack of a synth shares the same bundles and archives. */
function digestOf(content: Buffer): Buffer {
  let digest = digests.get(content);
  if (!digest) digests.set(content, (digest = createHash("sha256").update(content).digest()));
  return digest;
}

function assetOf(scope: Construct, id: string, file: string, content: Buffer): ContentAsset {
  const digest = digestOf(content);
  const sha256 = digest.toString("hex");
  const asset = new TerraformAsset(scope, id, { path: file, type: AssetType.FILE, assetHash: sha256 });
  return { asset, path: asset.path, sha256, base64Sha256: digest.toString("base64") };
}
