#!/usr/bin/env node
/**
 * npm run bench: one run that reports, as medians of RUNS interleaved runs after a warm-up round
 * (every scenario once per round, so a busy machine slows them all alike), wall and CPU time
 * (user + system: what other processes on the machine do not inflate) and peak memory:
 *  - synth: (f) a floor app (cdktf creating three empty stacks), (a) this app's three environments,
 *    (e) the same right after an edit of one environment file (prod's epochs, a new value each run),
 *    (b) 30 generated environments, (c) a baseline written the way the CDKTF TypeScript template
 *    does it (provider classes from the package root, ts-node type-checking), made from this
 *    project's own source by rewriting its imports, so it creates exactly the same resources;
 *  - the CLI: the bundle the builds run (cold `--help` and `render` in an empty directory) and the
 *    project's `workflow render`;
 *  - the bytes a build downloads before its first command: the bundle against `npm ci`'s tarballs.
 */
const { execFileSync, spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { installBytes } = require("./install-bytes");

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PEAK_RSS = path.join(__dirname, "peak-rss.js");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
const REGISTER_TS = ["--require", "./tools/register-ts.js"];

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
    const rewritten = source.replace(/import \{([^}]+)\} from "@cdktf\/provider-aws\/lib\/([a-z0-9-]+)";/g, (_, names, lib) =>
      [`import { ${camel(lib)} as ${camel(lib)}Ns } from "@cdktf/provider-aws";`]
        .concat(
          names
            .split(",")
            .map((n) => n.trim())
            .filter(Boolean)
            .map((n) => `import ${n} = ${camel(lib)}Ns.${n};`),
        )
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

/** A copy of the project whose prod file `editProd` changes before each run, as a user editing it would. */
function makeEditedCopy() {
  const dir = path.join(work, "edited");
  fs.cpSync(ROOT, dir, { recursive: true, filter: (src) => !/[\\/](node_modules|cdktf\.out|\.git|test)$/.test(src) });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

let edits = 0;
function editProd(dir) {
  const file = path.join(dir, "environments", "prod.ts");
  const source = fs.readFileSync(file, "utf8");
  const edited = source.replace(/epochs: \d+/, `epochs: ${1000 + ++edits}`);
  if (edited === source) throw new Error(`${file}: no "epochs: <n>" to edit`);
  fs.writeFileSync(file, edited);
}

/** The CLI bundle the stack ships, alone in an empty directory. */
function makeBundleDir() {
  const dir = path.join(work, "empty");
  fs.mkdirSync(dir);
  const file = path.join(dir, "workflow-cli.js");
  const write = 'require("fs").writeFileSync(process.argv[1], require("./modules/pipeline/workflow-cli.ts").workflowCliBundle())';
  execFileSync(process.execPath, [...REGISTER_TS, "-e", write, file], { cwd: ROOT });
  // What the dev stack's build projects set: the environment the bundle runs for.
  const config = 'process.stdout.write(JSON.stringify(require("./environments").getEnvironment("dev")))';
  const variables = {
    ENVIRONMENT_CONFIG: execFileSync(process.execPath, [...REGISTER_TS, "-e", config], { cwd: ROOT, encoding: "utf8" }),
  };
  return { dir, bytes: fs.statSync(file).size, variables };
}

function runOnce(scenario) {
  const rssFile = path.join(work, "rss");
  const outdir = path.join(work, "out");
  fs.rmSync(outdir, { recursive: true, force: true });
  scenario.before?.();
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["--require", PEAK_RSS, ...scenario.args], {
    cwd: scenario.cwd,
    env: { ...process.env, ...scenario.env, CDKTF_OUTDIR: outdir, BENCH_RSS_FILE: rssFile },
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${scenario.label} failed:\n${result.stderr}`);
  const { rss, cpu } = JSON.parse(fs.readFileSync(rssFile, "utf8"));
  return { ms, cpu: cpu / 1000, mb: rss / 2 ** 20 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratio = (a, b) => `${(a / b).toFixed(1)}x`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

try {
  const bundle = makeBundleDir();
  const edited = makeEditedCopy();
  const scenarios = {
    floor: { label: "(f) floor: cdktf, three empty stacks", cwd: ROOT, args: ["bench/floor.js"] },
    app: { label: "(a) this app, 3 environments", cwd: ROOT, args: [...REGISTER_TS, "main.ts"] },
    edited: {
      label: "(e) the same, after editing prod.ts",
      cwd: edited,
      args: [...REGISTER_TS, "main.ts"],
      before: () => editProd(edited),
    },
    many: {
      label: "(b) this app, 30 generated environments",
      cwd: ROOT,
      args: [...REGISTER_TS, "bench/synth-many.ts"],
      env: { BENCH_ENVIRONMENTS: "30" },
    },
    base: {
      label: "(c) template-style baseline, 3 environments",
      cwd: makeBaseline(),
      args: ["--require", "ts-node/register", "main.ts"],
      env: { TS_NODE_TRANSPILE_ONLY: "false" },
    },
    help: { label: "bundle --help (cold, empty directory)", cwd: bundle.dir, args: ["workflow-cli.js", "--help"] },
    bundleRender: {
      label: "bundle render --env dev",
      cwd: bundle.dir,
      args: ["workflow-cli.js", "render", "--env", "dev"],
      env: bundle.variables,
    },
    render: { label: "workflow render --env dev (project CLI)", cwd: ROOT, args: ["cli/bin.js", "render", "--env", "dev"] },
  };
  const samples = Object.fromEntries(Object.keys(scenarios).map((key) => [key, []]));
  for (let round = 0; round <= RUNS; round++) {
    for (const [key, scenario] of Object.entries(scenarios)) {
      const sample = runOnce(scenario);
      if (round > 0) samples[key].push(sample); // round 0 warms caches
    }
  }
  const r = Object.fromEntries(
    Object.entries(samples).map(([key, s]) => [
      key,
      { ms: median(s.map((x) => x.ms)), cpu: median(s.map((x) => x.cpu)), mb: median(s.map((x) => x.mb)) },
    ]),
  );
  const row = (key) =>
    console.log(
      `${scenarios[key].label.padEnd(44)} ${r[key].ms.toFixed(0).padStart(7)} ms ${r[key].cpu.toFixed(0).padStart(7)} ms ${r[key].mb.toFixed(0).padStart(6)} MB`,
    );
  const ratios = (a, b) => `${ratio(r[a].ms, r[b].ms)} wall, ${ratio(r[a].cpu, r[b].cpu)} CPU`;

  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}; median of ${RUNS} interleaved runs after a warm-up\n`,
  );
  console.log(`${"synth".padEnd(44)} ${"wall".padStart(10)} ${"CPU".padStart(10)} ${"peak".padStart(9)}`);
  ["floor", "app", "edited", "many", "base"].forEach(row);
  console.log(`  3 environments / floor:           ${ratios("app", "floor")}   (target <= 2x)`);
  console.log(`  after an edit / floor:            ${ratios("edited", "floor")}   (target <= 2x)`);
  console.log(`  30 environments / 3 environments: ${ratios("many", "app")}   (target <= 2x)`);
  console.log(`  baseline / 3 environments:        ${ratios("base", "app")}, ${ratio(r.base.mb, r.app.mb)} memory`);

  console.log("\nCLI");
  ["help", "bundleRender", "render"].forEach(row);
  console.log(`  bundle --help: target <= 300 ms`);

  const install = installBytes(path.join(ROOT, "package-lock.json"));
  const source = execFileSync("git", ["archive", "--format=zip", "HEAD"], { cwd: ROOT, maxBuffer: 1 << 30 }).length;
  const missing = install.all.missing ? ` (${install.all.missing} tarballs not in the npm cache, not counted)` : "";
  console.log(
    "\nbytes a build downloads before its first command (besides the source artifact, a zip of the commit: " + mb(source) + ")",
  );
  console.log(
    `  npm ci, all ${install.all.packages} packages' tarballs (the old buildspecs)  ${mb(install.all.bytes).padStart(9)}${missing}`,
  );
  console.log(
    `  npm ci --omit=dev, ${install.production.packages} packages' tarballs             ${mb(install.production.bytes).padStart(9)}`,
  );
  console.log(`  the bundled CLI (these buildspecs)                     ${mb(bundle.bytes).padStart(9)}   (target <= 5 MB)`);
  console.log(
    `  npm ci / bundle: ${ratio(install.all.bytes, bundle.bytes)}; npm ci --omit=dev / bundle: ${ratio(install.production.bytes, bundle.bytes)}`,
  );
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
