import * as fs from "fs";
import { awaitSharedSynth, sharedStacksDir } from "./shared-stacks";
import { checkRunTempFolder } from "./temp-folder";

export default () => {
  const shared = sharedStacksDir();
  if (shared) {
    awaitSharedSynth(shared);
    fs.rmSync(shared, { recursive: true, force: true });
  }
  checkRunTempFolder();
};
