import * as fs from "fs";
import * as path from "path";
import { ENVIRONMENT_NAMES, promotionOrder } from "../../environments";
import { copyProject, runSynth, snapshotFiles } from "../helpers/project-copy";

// Three synths in a scratch copy: a busy 2-core machine needs headroom.
jest.setTimeout(120_000);

/**
 * A reviewer trusts that a change to one environment's file changes that environment and nothing
 * else, and that a package.json change that leaves the builds' code alone changes no stack.
 */
describe("what an edit changes in cdktf.out", () => {
  let dir: string;
  const edited = promotionOrder().at(-1)!.name;
  const others = ENVIRONMENT_NAMES.filter((name) => name !== edited);

  /** Synthesizes the copy and returns every file of every stack directory (cdk.tf.json and assets), by stack. */
  const synth = (): Record<string, Record<string, string>> => {
    const result = runSynth(dir);
    if (result.status !== 0) throw new Error(`synth failed: ${result.stderr}`);
    return Object.fromEntries(
      ENVIRONMENT_NAMES.map((name) => [name, snapshotFiles(path.join(dir, "cdktf.out", "stacks", name))]),
    );
  };
  const edit = (file: string, change: (text: string) => string) => {
    const full = path.join(dir, file);
    const before = fs.readFileSync(full, "utf8");
    const after = change(before);
    if (after === before) throw new Error(`${file}: the edit changed nothing`);
    fs.writeFileSync(full, after);
  };

  let base: Record<string, Record<string, string>>;
  beforeAll(() => {
    dir = copyProject(undefined, "one-environment-change-");
    base = synth();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`editing ${edited}'s file changes ${edited}'s stack and leaves every other stack byte-identical`, () => {
    edit(`environments/${edited}.ts`, (text) => text.replace(/epochs: (\d+)/, (_m, n) => `epochs: ${Number(n) + 1}`));
    const after = synth();
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
    const after = synth();
    for (const name of ENVIRONMENT_NAMES) expect([name, after[name]]).toEqual([name, base[name]]);
  });
});
