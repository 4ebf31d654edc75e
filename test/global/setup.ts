import { findPython } from "../../tools/prerequisites";
import { sharedStacksDir, startSharedSynth } from "./shared-stacks";
import { useRunTempFolder } from "./temp-folder";

/**
 * jest globalSetup (jest 29's globalConfig: testPathPattern is "" when no file is named). Runs in the
 * parent process before any worker starts; workers and their child processes inherit its environment.
 */
export default (globalConfig: { testPathPattern?: string }) => {
  useRunTempFolder();
  // The SDK's notice that its 2027 releases need Node 22 is for package.json's engines, not test output
  // (cli/aws-clients.ts turns it off the same way for the CLI).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // A run of every file needs the shared stacks: synthesize them beside the first files, starting
  // before the Python is looked for (half a second where `python3` is a pyenv shim).
  if (!globalConfig.testPathPattern) startSharedSynth(sharedStacksDir()!);
  // The Python `npm test`'s prerequisite check found (tools/prerequisites.ts), found once for every test.
  const python = process.env.PYTHON ? undefined : findPython().python;
  if (python) process.env.PYTHON = python;
};
