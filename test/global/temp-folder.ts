/**
 * `npm test` leaves the temp folder as it found it. The run gets a private temp folder (TMPDIR, so
 * os.tmpdir() in every jest worker and child process points into it); at the end, anything a test
 * left there fails the run, named, and the folder is removed either way.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Names the run's temp folder for the processes of the run (jest workers, the shared synth). */
export const RUN_DIR_VARIABLE = "ML_RELEASE_TEST_TMPDIR";

/** jest globalSetup: runs in the parent process before any worker starts. */
export function useRunTempFolder(): void {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "ml-release-test-"));
  process.env[RUN_DIR_VARIABLE] = runDir;
  process.env.TMPDIR = runDir;
}

/** jest globalTeardown: fails the run when a test left anything behind. */
export function checkRunTempFolder(runDir = process.env[RUN_DIR_VARIABLE]): void {
  if (!runDir) return;
  const left = fs.readdirSync(runDir).sort();
  fs.rmSync(runDir, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(
      `npm test left ${left.length} entr${left.length === 1 ? "y" : "ies"} in the temp folder (now removed): ${left.join(", ")} — a test must remove what it creates (afterAll)`,
    );
  }
}
