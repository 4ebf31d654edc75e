import * as fs from "fs";
import { stopSharedSynth, sharedStacksDir } from "./shared-stacks";
import { checkRunTempFolder } from "./temp-folder";

export default () => {
  const shared = sharedStacksDir();
  if (shared) {
    stopSharedSynth(shared);
    fs.rmSync(shared, { recursive: true, force: true });
  }
  checkRunTempFolder();
};
