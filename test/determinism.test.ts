import * as fs from "fs";
import * as path from "path";
import { ENVIRONMENT_NAMES } from "../environments";
import { copyProject, runSynth, snapshotFiles } from "./helpers/project-copy";

/** Every file under cdktf.out after a synth in `dir`, as its SHA-256, keyed by relative path. */
function synthesizedFiles(dir: string): Record<string, string> {
  const result = runSynth(dir);
  if (result.status !== 0) throw new Error(`synth failed in ${dir}: ${result.stderr}`);
  return snapshotFiles(path.join(dir, "cdktf.out"));
}

describe("two synths of the same commit in different directories", () => {
  let dirs: string[];
  let first: Record<string, string>;
  let second: Record<string, string>;
  beforeAll(() => {
    const original = copyProject(undefined, "determinism-");
    // The second copies the first, so both hold exactly the same sources.
    dirs = [original, copyProject(original, "determinism-")];
    [first, second] = dirs.map(synthesizedFiles);
  }, 60_000);
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

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
