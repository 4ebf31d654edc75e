/**
 * Loads .ts files by transpiling them with swc, without type-checking (`tsc --noEmit` is a step
 * of `npm test`). Used by synth instead of ts-node, whose always-on source-map-support makes every
 * stack trace cdktf captures for its tokens expensive (about 0.5 s and 100 MB per synth here).
 * Inline source maps are emitted: run with NODE_OPTIONS=--enable-source-maps for mapped stack traces.
 */
const { transformSync } = require("@swc/core");
const fs = require("fs");

require.extensions[".ts"] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, "utf8"), {
    filename,
    sourceMaps: "inline",
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
  });
  module._compile(code, filename);
};
