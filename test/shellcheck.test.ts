/**
 * The shell the project ships, checked by Debian's shellcheck: the buildspecs' commands (run by
 * CodeBuild in one bash shell, in phase order), every `run:` script of the GitHub workflows
 * (bash -e, with GitHub's `${{ … }}` expressions replaced by a placeholder word) and `.ci/run`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { BUILDSPECS, readBuildspec } from "../modules/pipeline/buildspec";
import { Buildspec, PHASES } from "./modules/pipeline/buildspec-runner";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");

const shellcheck = (script: string) =>
  spawnSync("shellcheck", ["--shell=bash", "--severity=style", "-"], { input: script, encoding: "utf8" });

describe("shell scripts, by shellcheck", () => {
  it("has shellcheck to run (Debian/Ubuntu: sudo apt-get install shellcheck), and it reports a known mistake", () => {
    const probe = spawnSync("shellcheck", ["--version"], { encoding: "utf8" });
    expect(probe.error?.message ?? "").toBe("");
    expect(probe.status).toBe(0);
    expect(shellcheck("#!/usr/bin/env bash\nrm -rf $1/*\n").stdout).toContain("SC2086");
  });

  it.each(Object.values(BUILDSPECS))("finds nothing in the commands of %s", (file) => {
    const spec = parse(readBuildspec(file)) as Buildspec;
    const commands = PHASES.flatMap((phase) => spec.phases[phase]?.commands ?? []);
    const result = shellcheck(["#!/usr/bin/env bash", ...commands].join("\n"));
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  const runScripts = fs
    .readdirSync(WORKFLOWS)
    .filter((file) => /\.ya?ml$/.test(file))
    .flatMap((file) => {
      const doc = parse(fs.readFileSync(path.join(WORKFLOWS, file), "utf8"));
      return Object.entries<{ steps?: { name?: string; run?: string }[] }>(doc.jobs).flatMap(([job, { steps = [] }]) =>
        steps
          .filter((step) => step.run)
          .map((step) => [`${file} ${job}: ${step.name ?? step.run!.split("\n")[0]}`, step.run!] as const),
      );
    });

  it("finds nothing in .ci/run", () => {
    const result = shellcheck(fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8"));
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  it("finds the workflows' run scripts", () => {
    expect(runScripts.length).toBeGreaterThan(5);
  });

  it.each(runScripts)("finds nothing in %s", (_where, script) => {
    const result = shellcheck(
      ["#!/usr/bin/env bash", "set -e", script.replace(/\$\{\{[^}]*\}\}/g, "GITHUB_EXPRESSION")].join("\n"),
    );
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });
});
