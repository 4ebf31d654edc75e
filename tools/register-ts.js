/**
 * Loads .ts files by transpiling them with swc, without type-checking (`tsc --noEmit` is a step
 * of `npm test`). Used by synth instead of ts-node, whose always-on source-map-support makes every
 * stack trace cdktf captures for its tokens expensive (about 0.5 s and 100 MB per synth here).
 * Inline source maps are emitted: run with NODE_OPTIONS=--enable-source-maps for mapped stack traces.
 * Transpiled files are cached by content in node_modules/.cache: a synth whose sources did not
 * change does not even load swc.
 */
const { createHash } = require("crypto");
const fs = require("fs");
const path = require("path");

const OPTIONS = {
  sourceMaps: "inline",
  jsc: { parser: { syntax: "typescript" }, target: "es2022" },
  module: { type: "commonjs" },
};
const CACHE_DIR = path.join(__dirname, "..", "node_modules", ".cache", "register-ts");
const SWC_VERSION = require("@swc/core/package.json").version;

function transpile(source, filename) {
  const key = createHash("sha256")
    .update(JSON.stringify([SWC_VERSION, OPTIONS, filename, source]))
    .digest("hex");
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // Not transpiled yet.
  }
  const { code } = require("@swc/core").transformSync(source, { ...OPTIONS, filename });
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Write then rename: parallel processes never read a half-written file.
    fs.writeFileSync(`${cached}.${process.pid}.partial`, code);
    fs.renameSync(`${cached}.${process.pid}.partial`, cached);
  } catch {
    // A read-only node_modules: transpile again next time.
  }
  return code;
}

require.extensions[".ts"] = (module, filename) => {
  module._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
};
