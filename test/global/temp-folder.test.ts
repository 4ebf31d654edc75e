import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkRunTempFolder } from "./temp-folder";

describe("the run's temp folder check", () => {
  const runFolder = () => fs.mkdtempSync(path.join(os.tmpdir(), "run-"));

  it("passes on an empty folder and removes it", () => {
    const dir = runFolder();
    expect(() => checkRunTempFolder(dir)).not.toThrow();
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("fails naming every entry a test left behind, and removes them", () => {
    const dir = runFolder();
    fs.mkdirSync(path.join(dir, "cdktf.outdir.abc123"));
    fs.writeFileSync(path.join(dir, "evaluation.json"), "{}");
    expect(() => checkRunTempFolder(dir)).toThrow(
      "npm test left 2 entries in the temp folder (now removed): cdktf.outdir.abc123, evaluation.json — a test must remove what it creates (afterAll)",
    );
    expect(fs.existsSync(dir)).toBe(false);
  });
});
