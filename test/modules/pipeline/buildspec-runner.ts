/**
 * Test helper: runs a buildspec's phases the way CodeBuild (buildspec 0.2, `shell: bash`) does —
 * every command in one shell, in phase order, the build stopping at the first command that exits
 * non-zero — with a stub `npm` on PATH that records its arguments. `npm ci` succeeds; the workflow
 * CLI (`npm run --silent workflow -- ...`) exits with `workflowExitCode`.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
  /** Every npm invocation, as its argument list. */
  npmCalls: string[][];
}

/** CodeBuild's phase order. */
export const PHASES = ["install", "pre_build", "build", "post_build"] as const;

const NPM_STUB = `#!/usr/bin/env bash
{ for arg in "$@"; do printf '%s\\x1f' "$arg"; done; printf '\\n'; } >> "$NPM_CALLS_FILE"
if [ "$1" = "ci" ]; then exit 0; fi
if [ "$1" = "run" ] && [ "$2" = "--silent" ] && [ "$3" = "workflow" ]; then
  echo "workflow stub: \${*:5}"
  exit "$WORKFLOW_EXIT_CODE"
fi
echo "npm stub: unexpected npm $*" >&2
exit 99
`;

/** Runs `spec` with the project's and the pipeline's variables in `env`. */
export function runBuildspec(spec: Buildspec, env: Record<string, string>, { workflowExitCode = 0 } = {}): BuildResult {
  const dir = mkdtempSync(join(tmpdir(), "buildspec-"));
  try {
    writeFileSync(join(dir, "npm"), NPM_STUB);
    chmodSync(join(dir, "npm"), 0o755);
    const exportedFile = join(dir, "exported");
    const callsFile = join(dir, "npm-calls");
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
        PATH: `${dir}:/usr/bin:/bin`,
        HOME: dir,
        ...spec.env?.variables,
        ...env,
        NPM_CALLS_FILE: callsFile,
        WORKFLOW_EXIT_CODE: String(workflowExitCode),
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
      npmCalls: read(callsFile)
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split("\x1f").slice(0, -1)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
