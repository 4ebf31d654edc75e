#!/usr/bin/env node
// The package's `workflow` bin: the TypeScript CLI, transpiled on load as `npm run synth` does, from any directory.
require("../tools/register-ts.js");
require("./main.ts").main();
