#!/usr/bin/env node
/**
 * npm run bench: times (median of RUNS after one warm-up) and measures the peak memory of
 *  (a) this app's synth of all environments,
 *  (b) the same app with 30 generated environments,
 *  (c) a baseline written the way the CDKTF TypeScript template does it (provider classes imported
 *      from the package root, ts-node type-checking), made from this project's own source by
 *      rewriting its imports, so it creates exactly the same resources;
 * then prints the ratios. Only the app is measured (what `cdktf synth` spawns), not the CLI.
 */
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PEAK_RSS = path.join(__dirname, "peak-rss.js");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));

function measure(label, cwd, args, env = {}) {
  const samples = [];
  for (let i = 0; i <= RUNS; i++) {
    const rssFile = path.join(work, "rss");
    const outdir = path.join(work, `out-${label.replace(/\W+/g, "-")}`);
    fs.rmSync(outdir, { recursive: true, force: true });
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ["--require", PEAK_RSS, ...args], {
      cwd,
      env: { ...process.env, ...env, CDKTF_OUTDIR: outdir, BENCH_RSS_FILE: rssFile },
      encoding: "utf8",
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`${label} failed:\n${result.stderr}`);
    if (i > 0) samples.push({ ms, rss: Number(fs.readFileSync(rssFile, "utf8")) }); // run 0 warms caches
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const row = { label, ms: median(samples.map((s) => s.ms)), mb: median(samples.map((s) => s.rss)) / 2 ** 20 };
  console.log(`${label.padEnd(44)} ${row.ms.toFixed(0).padStart(7)} ms ${row.mb.toFixed(0).padStart(6)} MB`);
  return row;
}

/** A copy of the project whose provider imports go through the package root, checked by ts-node. */
function makeBaseline() {
  const dir = path.join(work, "baseline");
  fs.cpSync(ROOT, dir, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|cdktf\.out|\.git|test)$/.test(src),
  });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  const camel = (file) => file.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
  for (const file of fs.readdirSync(dir, { recursive: true })) {
    if (!file.endsWith(".ts") || file.startsWith("node_modules")) continue;
    const full = path.join(dir, file);
    const source = fs.readFileSync(full, "utf8");
    const rewritten = source.replace(
      /import \{([^}]+)\} from "@cdktf\/provider-aws\/lib\/([a-z0-9-]+)";/g,
      (_, names, lib) =>
        [`import { ${camel(lib)} as ${camel(lib)}Ns } from "@cdktf/provider-aws";`]
          .concat(names.split(",").map((n) => n.trim()).filter(Boolean).map((n) => `import ${n} = ${camel(lib)}Ns.${n};`))
          .join("\n"),
    );
    if (rewritten !== source) fs.writeFileSync(full, rewritten);
  }
  const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8"));
  delete tsconfig.compilerOptions.incremental;
  delete tsconfig.compilerOptions.tsBuildInfoFile;
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  return dir;
}

try {
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, median of ${RUNS} runs after a warm-up\n`);
  const app = measure("(a) this app, 3 environments", ROOT, ["--require", "./tools/register-ts.js", "main.ts"]);
  const many = measure("(b) this app, 30 generated environments", ROOT, ["--require", "./tools/register-ts.js", "bench/synth-many.ts"], { BENCH_ENVIRONMENTS: "30" });
  const base = measure("(c) template-style baseline, 3 environments", makeBaseline(), ["--require", "ts-node/register", "main.ts"], { TS_NODE_TRANSPILE_ONLY: "false" });
  console.log(`\nbaseline / app: ${(base.ms / app.ms).toFixed(1)}x time, ${(base.mb / app.mb).toFixed(1)}x memory`);
  console.log(`30 environments / 3 environments: ${(many.ms / app.ms).toFixed(1)}x time`);
  console.log(`targets: (a) < 1000 ms and < 250 MB, (c)/(a) >= 6x, (b) < 3000 ms`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
