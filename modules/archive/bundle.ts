import { createHash } from "crypto";
import type { BuildOptions } from "esbuild";
import * as fs from "fs";
import * as path from "path";
import { GENERATED_DIR } from "./content-asset";

/** The project root: bundles are built from it, so their bytes do not depend on where it lives. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** What a bundle is built with besides its entry point (esbuild's own names). */
export type BundleOptions = Pick<BuildOptions, "target" | "external" | "minify">;

interface Manifest {
  /** Every file esbuild read, relative to the project root, with its SHA-256, size and mtime. */
  inputs: Array<[file: string, sha256: string, size: number, mtimeMs: number]>;
  /** SHA-256 of the bundle (its file name in the cache). */
  output: string;
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
/** Bundles built or read by this process, by entry and options. */
const memo = new Map<string, Buffer>();

/**
 * `entry` (absolute, or relative to the project root) bundled by esbuild into one CommonJS file for Node. The
 * result is cached across processes with the hash of every file esbuild read: a synth whose
 * sources did not change reads the bundle instead of building it (esbuild is not even loaded).
 */
export function nodeBundle(entry: string, options: BundleOptions): Buffer {
  const memoKey = JSON.stringify([entry, options]);
  let bundle = memo.get(memoKey);
  if (!bundle) memo.set(memoKey, (bundle = cachedBuild(entry, options)));
  return bundle;
}

function cachedBuild(entry: string, options: BundleOptions): Buffer {
  const buildOptions: BuildOptions = {
    ...options,
    entryPoints: [entry],
    // Paths esbuild writes into the bundle are relative to this: the same wherever the project lives.
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: "node",
    format: "cjs",
    write: false,
    outfile: "index.js",
    legalComments: "none",
    logLevel: "silent",
    metafile: true,
  };
  // Independent of where the project lives (copies of it share the cache; the inputs decide), and
  // a dependency changed by the lock file rebuilds the bundle even where no file it read changed.
  const lock = fs.readFileSync(path.join(PROJECT_ROOT, "package-lock.json"), "utf8");
  const key = sha256(JSON.stringify([path.relative(PROJECT_ROOT, path.resolve(PROJECT_ROOT, entry)), options, lock]));
  const dir = path.join(GENERATED_DIR, "bundles", key);
  return readCached(dir) ?? build(dir, buildOptions);
}

function readCached(dir: string): Buffer | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  } catch {
    return undefined;
  }
  for (const [file, hash, size, mtimeMs] of manifest.inputs) {
    const stat = fs.statSync(path.join(PROJECT_ROOT, file), { throwIfNoEntry: false });
    if (!stat) return undefined;
    // Unchanged size and time: the same file (as make decides); otherwise its content decides.
    if ((stat.size !== size || stat.mtimeMs !== mtimeMs) && sha256(fs.readFileSync(path.join(PROJECT_ROOT, file))) !== hash)
      return undefined;
  }
  const bundle = fs.readFileSync(path.join(dir, `${manifest.output}.js`));
  return sha256(bundle) === manifest.output ? bundle : undefined;
}

function build(dir: string, options: BuildOptions): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a bundle is built, not read from the cache
  const { buildSync } = require("esbuild") as typeof import("esbuild");
  const result = buildSync(options);
  const bundle = Buffer.from(result.outputFiles![0].contents);
  const manifest: Manifest = {
    inputs: Object.keys(result.metafile!.inputs)
      .filter((file) => fs.existsSync(path.join(PROJECT_ROOT, file)))
      .sort()
      .map((file) => {
        const full = path.join(PROJECT_ROOT, file);
        const { size, mtimeMs } = fs.statSync(full);
        return [file, sha256(fs.readFileSync(full)), size, mtimeMs];
      }),
    output: sha256(bundle),
  };
  fs.mkdirSync(dir, { recursive: true });
  writeAtomically(path.join(dir, `${manifest.output}.js`), bundle);
  writeAtomically(path.join(dir, "manifest.json"), JSON.stringify(manifest));
  return bundle;
}

/** Write then rename: parallel synths (jest workers) never see a half-written file. */
function writeAtomically(file: string, content: Buffer | string): void {
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, content);
  fs.renameSync(partial, file);
}
