/**
 * The shell the project ships, checked by Debian's shellcheck: the buildspecs' commands (run by
 * CodeBuild in one bash shell, in phase order), every `run:` script of the GitHub workflows and of
 * their composite actions (bash -e, with GitHub's `${{ … }}` expressions replaced by a placeholder
 * word), the workflows' scripts in .github/scripts and `.ci/run`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { BUILDSPECS, readBuildspec } from "../modules/pipeline/buildspec";
import { Buildspec, PHASES } from "./modules/pipeline/buildspec-runner";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const ACTIONS = path.join(ROOT, ".github", "actions");
const SCRIPTS = path.join(ROOT, ".github", "scripts");

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

  type Steps = { name?: string; run?: string }[];
  const scriptsOf = (where: string, steps: Steps = []) =>
    steps.filter((step) => step.run).map((step) => [`${where}: ${step.name ?? step.run!.split("\n")[0]}`, step.run!] as const);
  const runScripts = [
    ...fs
      .readdirSync(WORKFLOWS)
      .filter((file) => /\.ya?ml$/.test(file))
      .flatMap((file) => {
        const doc = parse(fs.readFileSync(path.join(WORKFLOWS, file), "utf8"));
        return Object.entries<{ steps?: Steps }>(doc.jobs).flatMap(([job, { steps }]) => scriptsOf(`${file} ${job}`, steps));
      }),
    ...fs.readdirSync(ACTIONS).flatMap((name) => {
      const file = path.join(".github", "actions", name, "action.yml");
      return scriptsOf(file, parse(fs.readFileSync(path.join(ROOT, file), "utf8")).runs.steps);
    }),
  ];

  it("finds nothing in .ci/run", () => {
    const result = shellcheck(fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8"));
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  it.each(fs.readdirSync(SCRIPTS))("finds nothing in .github/scripts/%s", (file) => {
    const result = shellcheck(fs.readFileSync(path.join(SCRIPTS, file), "utf8"));
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  it("finds the run scripts of the workflows and of their composite actions", () => {
    expect(runScripts.length).toBeGreaterThan(5);
    expect(runScripts.filter(([where]) => where.startsWith(".github/actions/")).length).toBeGreaterThan(0);
  });

  it.each(runScripts)("finds nothing in %s", (_where, script) => {
    const result = shellcheck(
      ["#!/usr/bin/env bash", "set -e", script.replace(/\$\{\{[^}]*\}\}/g, "GITHUB_EXPRESSION")].join("\n"),
    );
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });
});
