import { sharedStacksDir, startSharedSynth } from "./shared-stacks";
import { useRunTempFolder } from "./temp-folder";

/** jest globalSetup (jest 29's globalConfig: testPathPattern is "" when no file is named). */
export default (globalConfig: { testPathPattern?: string }) => {
  useRunTempFolder();
  // A run of every file needs the shared stacks: synthesize them beside the first files.
  if (!globalConfig.testPathPattern) startSharedSynth(sharedStacksDir()!);
};
