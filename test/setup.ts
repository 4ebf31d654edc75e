import { Testing } from "cdktf";
import * as fs from "fs";
// Types of the matchers below (a global augmentation of jest.Matchers).
import "cdktf/lib/testing/adapters/jest";

// Registers toHaveResource, toHaveResourceWithProperties, ... on expect().
Testing.setupJest();

// cdktf's Testing.app() makes a temporary outdir for every app and never removes it: remember
// each one this test file creates (Testing.synthScope goes through Testing.app too) and remove it
// after the file.
const outdirs: string[] = [];
const testingApp = Testing.app.bind(Testing);
Testing.app = (...options) => {
  const app = testingApp(...options);
  outdirs.push(app.outdir);
  return app;
};
afterAll(() => {
  for (const outdir of outdirs.splice(0)) fs.rmSync(outdir, { recursive: true, force: true });
});
