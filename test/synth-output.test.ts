/**
 * What a synth writes: the same bytes for the same sources wherever the project lives, and, after an
 * edit, changes only where the edit should. One pair of project copies and their synths serve both.
 */
import * as fs from "fs";
import * as path from "path";
import { ENVIRONMENT_NAMES, promotionOrder } from "../environments";
import { copyProject, runSynth, snapshotFiles } from "./helpers/project-copy";

// Four synths in scratch copies: a busy 2-core machine needs headroom.
jest.setTimeout(120_000);

/** Synthesizes the project in `dir`; every file under its cdktf.out, as its SHA-256, keyed by relative path. */
function synthesizedFiles(dir: string): Record<string, string> {
  const result = runSynth(dir);
  if (result.status !== 0) throw new Error(`synth failed in ${dir}: ${result.stderr}`);
  return snapshotFiles(path.join(dir, "cdktf.out"));
}

/** The files of each stack directory (cdk.tf.json and assets) in a cdktf.out snapshot, by stack, keyed relative to it. */
const byStack = (files: Record<string, string>): Record<string, Record<string, string>> =>
  Object.fromEntries(
    ENVIRONMENT_NAMES.map((name) => [
      name,
      Object.fromEntries(
        Object.entries(files)
          .filter(([file]) => file.startsWith(`stacks/${name}/`))
          .map(([file, hash]) => [file.slice(`stacks/${name}/`.length), hash]),
      ),
    ]),
  );

let dirs: string[];
let first: Record<string, string>;
let second: Record<string, string>;
beforeAll(() => {
  const original = copyProject(undefined, "synth-output-");
  // The second copies the first, so both hold exactly the same sources.
  dirs = [original, copyProject(original, "synth-output-")];
  [first, second] = dirs.map(synthesizedFiles);
});
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe("two synths of the same commit in different directories", () => {
  it("write byte-identical cdk.tf.json files", () => {
    const stacks = Object.keys(first).filter((file) => file.endsWith("cdk.tf.json"));
    expect(stacks).toEqual([...ENVIRONMENT_NAMES].sort().map((env) => `stacks/${env}/cdk.tf.json`));
    for (const file of stacks) expect(second[file]).toBe(first[file]);
  });

  it("write the same assets, under the same content-hash directories, byte for byte", () => {
    const assets = Object.keys(first).filter((file) => file.includes("/assets/"));
    expect(assets.filter((file) => file.startsWith("stacks/dev/"))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/analyze-results\.zip$/),
        expect.stringMatching(/sourcedir\.tar\.gz$/),
        expect.stringMatching(/preprocessing\.py$/),
        expect.stringMatching(/evaluate\.py$/),
      ]),
    );
    expect(Object.keys(second).filter((file) => file.includes("/assets/"))).toEqual(assets);
    for (const file of assets) expect(second[file]).toBe(first[file]);
  });

  it("give the Lambda the same source_code_hash in every environment (one bundle per synth)", () => {
    const hashes = ["dev", "staging", "prod"].map((env) => {
      const tf = JSON.parse(fs.readFileSync(path.join(dirs[0], "cdktf.out", "stacks", env, "cdk.tf.json"), "utf8"));
      return (Object.values(tf.resource.aws_lambda_function)[0] as { source_code_hash: string }).source_code_hash;
    });
    expect(new Set(hashes).size).toBe(1);
    expect(hashes[0]).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });
});

/**
 * A reviewer trusts that a change to one environment's file changes that environment and nothing
 * else, and that a package.json change that leaves the builds' code alone changes no stack. The
 * edits go into the second copy, after its synth above.
 */
describe("what an edit changes in cdktf.out", () => {
  const edited = promotionOrder().at(-1)!.name;
  const others = ENVIRONMENT_NAMES.filter((name) => name !== edited);
  const edit = (file: string, change: (text: string) => string) => {
    const full = path.join(dirs[1], file);
    const before = fs.readFileSync(full, "utf8");
    const after = change(before);
    if (after === before) throw new Error(`${file}: the edit changed nothing`);
    fs.writeFileSync(full, after);
  };
  let base: Record<string, Record<string, string>>;
  beforeAll(() => (base = byStack(second)));

  it(`editing ${edited}'s file changes ${edited}'s stack and leaves every other stack byte-identical`, () => {
    edit(`environments/${edited}.ts`, (text) => text.replace(/epochs: (\d+)/, (_m, n) => `epochs: ${Number(n) + 1}`));
    const after = byStack(synthesizedFiles(dirs[1]));
    expect(after[edited]["cdk.tf.json"]).not.toBe(base[edited]["cdk.tf.json"]);
    for (const name of others) expect([name, after[name]]).toEqual([name, base[name]]);
    base = after;
  });

  it("a new package.json version (and a new script) leaves every stack byte-identical", () => {
    edit("package.json", (text) => {
      const pkg = JSON.parse(text);
      pkg.version = `${pkg.version}-next.1`;
      pkg.scripts["hello"] = "echo hello";
      return `${JSON.stringify(pkg, null, 2)}\n`;
    });
    const after = byStack(synthesizedFiles(dirs[1]));
    for (const name of ENVIRONMENT_NAMES) expect([name, after[name]]).toEqual([name, base[name]]);
  });
});
