import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..");

/** Lints each `[path, code]` as if it were that file of the project, with the project's config, in one ESLint process. */
function lint(files: Array<[string, string]>): string[][] {
  const script = `
    const { ESLint } = require("eslint");
    const files = JSON.parse(process.argv[1]);
    const eslint = new ESLint({ cwd: process.cwd() });
    Promise.all(files.map(([filePath, code]) => eslint.lintText(code, { filePath })))
      .then((results) => process.stdout.write(JSON.stringify(results.map(([r]) => r.messages.map((m) => m.ruleId + ": " + m.message)))));`;
  const run = spawnSync(process.execPath, ["-e", script, JSON.stringify(files)], { cwd: ROOT, encoding: "utf8" });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout);
}

const importing = (from: string, names: string) => `import { ${names} } from "${from}";\nexport const probe = [${names}];\n`;

describe("the layer rules (npm run lint)", () => {
  const results = lint([
    // Upward or sideways: refused.
    ["modules/probe.ts", importing("../stacks/ml-pipeline-stack", "MlPipelineStack")],
    ["modules/probe.ts", importing("../cli/args", "parseCommandArgs")],
    ["modules/probe.ts", importing("../review/markdown", "renderReview")],
    ["stacks/probe.ts", importing("../cli/program", "COMMANDS")],
    ["review/probe.ts", importing("../cli/program", "COMMANDS")],
    // What the layers allow.
    ["stacks/probe.ts", importing("../modules/naming", "ResourceNames")],
    ["cli/probe.ts", importing("../environments", "getEnvironment")],
    ["review/probe.ts", importing("../cli/graph", "toMermaid")],
  ]);

  it("fail an import from modules/ into stacks/, cli/ or review/", () => {
    for (const messages of results.slice(0, 3)) {
      expect(messages).toEqual([
        expect.stringMatching(
          /^boundaries\/dependencies: There is no policy allowing dependencies from elements of type "modules"/,
        ),
      ]);
    }
  });

  it("fail an import from stacks/ into cli/, and from the review into the CLI beyond what they share", () => {
    expect(results[3]).toEqual([expect.stringMatching(/^boundaries\/dependencies: .*"stacks" to elements of type "cli"/)]);
    expect(results[4]).toEqual([expect.stringMatching(/^boundaries\/dependencies: .*"review" to elements of type "cli"/)]);
  });

  it("pass the imports the layers allow", () => {
    expect(results.slice(5)).toEqual([[], [], []]);
  });
});
