/**
 * Where a jest run's time goes, per test file: the CPU of its jest worker and of every process the
 * file started and waited for (synths, CLIs, Pythons, shells), with its wall-clock time. As a jest
 * test environment it appends one JSON line per file to JEST_CPU_LOG; run alone, it prints that log
 * as a table, most CPU first:
 *
 *   JEST_CPU_LOG=/tmp/cpu.jsonl npx jest --testEnvironment ./tools/jest-cpu.js
 *   node tools/jest-cpu.js /tmp/cpu.jsonl
 *
 * Linux only (it reads /proc/self/stat). The shared synth's process (test/global/shared-stacks.ts) is
 * no file's: jest's parent starts it and never waits for it.
 */
const fs = require("fs");
const path = require("path");

/** CPU seconds of this process and of its waited-for children, user and system time together. */
function cpu() {
  const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  const ticks = (...indexes) => indexes.reduce((sum, i) => sum + Number(fields[i]), 0) / 100;
  // utime, stime, cutime and cstime: fields 14-17 of proc(5), 11-14 after the command's ") ".
  return { self: ticks(11, 12), children: ticks(13, 14) };
}

if (require.main === module) {
  const rows = fs
    .readFileSync(process.argv[2], "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .sort((a, b) => b.self + b.children - (a.self + a.children));
  const cell = (value) => value.toFixed(1).padStart(6);
  console.log(`${"cpu".padStart(6)}${"self".padStart(6)}${"child".padStart(6)}${"wall".padStart(6)}  file`);
  for (const { file, self, children, wall } of rows)
    console.log(`${cell(self + children)}${cell(self)}${cell(children)}${cell(wall)}  ${file}`);
  const sum = (key) => rows.reduce((total, row) => total + row[key], 0);
  console.log(
    `${cell(sum("self") + sum("children"))}${cell(sum("self"))}${cell(sum("children"))}${cell(sum("wall"))}  ${rows.length} files`,
  );
} else {
  const { TestEnvironment } = require(require.resolve("jest-environment-node", { paths: [process.cwd()] }));
  module.exports = class extends TestEnvironment {
    constructor(config, context) {
      super(config, context);
      this.file = path.relative(config.projectConfig.rootDir, context.testPath);
    }

    async setup() {
      this.start = { time: Date.now(), ...cpu() };
      await super.setup();
    }

    async teardown() {
      await super.teardown();
      const end = cpu();
      const row = {
        file: this.file,
        self: end.self - this.start.self,
        children: end.children - this.start.children,
        wall: (Date.now() - this.start.time) / 1000,
      };
      fs.appendFileSync(process.env.JEST_CPU_LOG, `${JSON.stringify(row)}\n`);
    }
  };
}
