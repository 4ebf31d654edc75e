/**
 * Test helper: runs a buildspec's phases the way CodeBuild (buildspec 0.2, `shell: bash`) does —
 * every command in one shell, in phase order, the build stopping at the first command that exits
 * non-zero — with stubs of `aws`, `node` and `npm` on PATH that record their arguments.
 * `aws s3 cp <uri> <file>` writes a stand-in CLI to <file> (or exits with `fetchExitCode`);
 * `node <file> ...` of that file is the workflow CLI and exits with `workflowExitCode` (writing `report`
 * to the file `--report` names, when it succeeds); `node -e` runs the real Node; anything else fails.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { modelGroup, resourceName, runName } from "../../helpers/chosen-model";

/** The parts of a buildspec the runner reads. */
export interface Buildspec {
  version: number | string;
  env?: { shell?: string; variables?: Record<string, string>; "exported-variables"?: string[] };
  phases: Record<string, { "on-failure"?: string; "runtime-versions"?: Record<string, unknown>; commands?: string[] }>;
}

export interface BuildResult {
  /** The build's exit status: 0, or that of the first failing command. */
  status: number;
  stdout: string;
  stderr: string;
  /** Values of the exported variables at the end of a successful build. */
  exported: Record<string, string>;
  /** Every stubbed program run, as its name then its arguments. */
  calls: string[][];
}

/** CodeBuild's phase order. */
export const PHASES = ["install", "pre_build", "build", "post_build"] as const;

/** A stub that records its name and arguments, then does what `body` says. */
const stub = (body: string) => `#!/usr/bin/env bash
{ printf '%s\\x1f' "$(basename "$0")"; for arg in "$@"; do printf '%s\\x1f' "$arg"; done; printf '\\n'; } >> "$CALLS_FILE"
${body}
echo "$(basename "$0") stub: unexpected $(basename "$0") $*" >&2
exit 99
`;

const STUBS = {
  aws: stub(`if [ "$1 $2" = "s3 cp" ] && [ "$#" -ge 4 ]; then
  source="\${@: -2:1}" target="\${@: -1}"
  if [ "$FETCH_EXIT_CODE" -ne 0 ]; then echo "download failed: $source" >&2; exit "$FETCH_EXIT_CODE"; fi
  echo "stand-in for $source" > "$target"; exit 0
fi`),
  node: stub(`if [ "$1" = "-e" ]; then exec "$REAL_NODE" "$@"; fi
if [ -f "$1" ] && grep -q "^stand-in for " "$1"; then
  echo "workflow stub: \${*:2}"
  args=("$@")
  for ((i = 1; i < $#; i++)); do
    if [ "\${args[i]}" = "--report" ] && [ "$WORKFLOW_EXIT_CODE" -eq 0 ]; then printf '%s' "$WORKFLOW_REPORT" > "\${args[i+1]}"; fi
  done
  exit "$WORKFLOW_EXIT_CODE"
fi`),
  npm: stub(""),
};

/** Runs `spec` with the project's and the pipeline's variables in `env`. */
/** What the stub CLI writes for `run --report <file>`: the fields of cli/run-report.ts the buildspec reads. */
export const STUB_RUN_REPORT = {
  metric: 0.93,
  execution: {
    consoleUrl: `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/arn:aws:states:us-east-1:111122223333:execution:${resourceName("prod", "ml-workflow")}:r-1`,
  },
  report: {
    markdown: `s3://${resourceName("prod", "artifacts-111122223333")}/r-1/${runName("prod", "r-1", "TrainingJob")}/evaluation/report.md`,
  },
  modelVersion: { arn: `arn:aws:sagemaker:us-east-1:111122223333:model-package/${modelGroup("prod")}/4` },
};

export function runBuildspec(
  spec: Buildspec,
  env: Record<string, string>,
  { workflowExitCode = 0, fetchExitCode = 0, report = STUB_RUN_REPORT as unknown } = {},
): BuildResult {
  const dir = mkdtempSync(join(tmpdir(), "buildspec-"));
  try {
    const bin = join(dir, "bin");
    mkdirSync(bin);
    for (const [name, script] of Object.entries(STUBS)) {
      writeFileSync(join(bin, name), script);
      chmodSync(join(bin, name), 0o755);
    }
    const exportedFile = join(dir, "exported");
    const callsFile = join(dir, "calls");
    writeFileSync(callsFile, "");
    const commands = PHASES.flatMap((phase) => spec.phases[phase]?.commands ?? []);
    const exported = spec.env?.["exported-variables"] ?? [];
    const script = [
      ...commands.flatMap((command) => [command, '__rc=$?; if [ "$__rc" -ne 0 ]; then exit "$__rc"; fi']),
      `for name in ${exported.join(" ")}; do printf '%s=%s\\n' "$name" "\${!name-}"; done > ${JSON.stringify(exportedFile)}`,
    ].join("\n");
    writeFileSync(join(dir, "build.sh"), script);
    const result = spawnSync(spec.env?.shell ?? "sh", [join(dir, "build.sh")], {
      cwd: dir,
      encoding: "utf8",
      env: {
        PATH: `${bin}:/usr/bin:/bin`,
        HOME: dir,
        ...spec.env?.variables,
        ...env,
        CALLS_FILE: callsFile,
        WORKFLOW_EXIT_CODE: String(workflowExitCode),
        WORKFLOW_REPORT: JSON.stringify(report),
        REAL_NODE: process.execPath,
        FETCH_EXIT_CODE: String(fetchExitCode),
      },
    });
    const read = (file: string) => {
      try {
        return readFileSync(file, "utf8");
      } catch {
        return "";
      }
    };
    return {
      status: result.status ?? -1,
      stdout: result.stdout,
      stderr: result.stderr,
      exported: Object.fromEntries(
        read(exportedFile)
          .split("\n")
          .filter(Boolean)
          .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      ),
      calls: read(callsFile)
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split("\x1f").slice(0, -1)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
