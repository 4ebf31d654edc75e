import * as fs from "fs";

// cdktf loads only in the test files that use it (most do not): on its first require there, its
// jest matchers (toHaveResource, ...) are registered and Testing.app is wrapped as below.
let loading = false;
jest.mock("cdktf", () => {
  // cdktf's own modules require its index while it loads: they get it as it is (as in Node).
  if (loading) return jest.requireActual("cdktf");
  loading = true;
  const cdktf = jest.requireActual<typeof import("cdktf")>("cdktf");
  cdktf.Testing.setupJest();
  // cdktf's Testing.app() makes a temporary outdir for every app and never removes it: remember
  // each one this test file creates (Testing.synthScope goes through Testing.app too) and remove it
  // after the file.
  const testingApp = cdktf.Testing.app.bind(cdktf.Testing);
  cdktf.Testing.app = (...options) => {
    const app = testingApp(...options);
    outdirs.push(app.outdir);
    return app;
  };
  return cdktf;
});

const outdirs: string[] = [];
afterAll(() => {
  for (const outdir of outdirs.splice(0)) fs.rmSync(outdir, { recursive: true, force: true });
});
