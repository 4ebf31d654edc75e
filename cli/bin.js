#!/usr/bin/env node
// The package's `workflow` bin: ts-node (transpile only, as `npm run synth` uses it) runs the TypeScript CLI
// with the project's tsconfig, wherever it is called from.
require("ts-node").register({ transpileOnly: true, project: require("path").join(__dirname, "..", "tsconfig.json") });
require("./main.ts").main();
