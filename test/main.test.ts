import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ENVIRONMENT_NAMES } from "../environments";
import { copyProject, PROJECT_ROOT, runSynth, snapshotFiles } from "./helpers/project-copy";

/** Synth's one line on stdout, its time (tenths of a second) replaced by `<t>`. */
const synthLine = (stdout: string) => stdout.replace(/ in \d+\.\d s\n$/, " in <t> s");

describe("npm run synth", () => {
  let dir: string;
  beforeAll(() => {
    dir = copyProject(PROJECT_ROOT, "synth-e2e-");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes one stack per environment", () => {
    const result = runSynth(dir);
    expect(result.stderr).toBe("");
    expect(synthLine(result.stdout)).toBe(
      `synth: wrote cdktf.out: ${ENVIRONMENT_NAMES.join(", ")} (${ENVIRONMENT_NAMES.length} stacks) in <t> s`,
    );
    expect(result.status).toBe(0);
    for (const env of ENVIRONMENT_NAMES) {
      expect(fs.existsSync(path.join(dir, "cdktf.out", "stacks", env, "cdk.tf.json"))).toBe(true);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks).sort()).toEqual([...ENVIRONMENT_NAMES].sort());
  });

  it("synthesizes only the environments named in ENVIRONMENTS", () => {
    const out = path.join(dir, "subset.out");
    const result = runSynth(dir, { ENVIRONMENTS: "dev", CDKTF_OUTDIR: out });
    expect(result.status).toBe(0);
    expect(fs.readdirSync(path.join(out, "stacks"))).toEqual(["dev"]);
  });

  it("stops on an invalid environment value with a clear line, a non-zero exit and cdktf.out untouched", () => {
    const before = snapshotFiles(path.join(dir, "cdktf.out"));
    const prodFile = path.join(dir, "environments", "prod.ts");
    const original = fs.readFileSync(prodFile, "utf8");
    fs.writeFileSync(prodFile, original.replace("promotionOrder: 30,", "promotionOrder: 0,"));
    try {
      const result = runSynth(dir);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("environments/prod.ts: promotionOrder must be an integer >= 1 (got 0)");
      expect(snapshotFiles(path.join(dir, "cdktf.out"))).toEqual(before);
    } finally {
      fs.writeFileSync(prodFile, original);
    }
  });

  /** `line:column` of `text` in `source`, 1-based. */
  const at = (source: string, text: string) => {
    const before = source.slice(0, source.indexOf(text)).split("\n");
    return `${before.length}:${before[before.length - 1].length + 1}`;
  };
  it.each<[string, (source: string) => string, Record<string, string>, string[], (edited: string) => string[]]>([
    [
      "a misspelled field",
      (s) => s.replace("logRetentionDays: 7", "logRetentionDay: 7"),
      {},
      [],
      () => ['environments/dev.ts: unknown field "logRetentionDay" — did you mean "logRetentionDays"?'],
    ],
    [
      "a syntax error",
      (s) => s.replace("promotionOrder: 10,", "promotionOrder: 10 30,"),
      {},
      [],
      (e) => [`environments/dev.ts:${at(e, "30,")}: ',' expected.`],
    ],
    [
      "a rawDataPath that does not exist",
      (s) => s.replace("allowDestroy: true,", 'allowDestroy: true,\n  rawDataPath: "data/missing.data",'),
      {},
      [],
      (e) => [
        `environments/dev.ts:${at(e, "rawDataPath")}: rawDataPath must name an existing file, relative to the project root (got "data/missing.data": not found)`,
      ],
    ],
    [
      "an empty name in ENVIRONMENTS",
      (s) => s,
      { ENVIRONMENTS: "," },
      [],
      () => ['ENVIRONMENTS: empty environment name in "," (a comma-separated list such as dev,prod)'],
    ],
    [
      "a repeated name in ENVIRONMENTS",
      (s) => s,
      { ENVIRONMENTS: "dev,prod,dev" },
      [],
      () => ['ENVIRONMENTS: environment "dev" named more than once in "dev,prod,dev"'],
    ],
    [
      "an argument synth does not take",
      (s) => s,
      {},
      ["--stack", "dev"],
      () => [
        'synth: unknown argument "--stack"; usage: npm run synth [-- --env <name>[,<name>...]] [-- --drop-stack <name>[,<name>...]]  or  ENVIRONMENTS=<name>[,<name>...] DROP_STACKS=<name>[,<name>...] npm run synth',
      ],
    ],
  ])("stops on %s with one line, exit 1 and cdktf.out untouched", (_case, edit, env, args, lines) => {
    const before = snapshotFiles(path.join(dir, "cdktf.out"));
    const devFile = path.join(dir, "environments", "dev.ts");
    const original = fs.readFileSync(devFile, "utf8");
    const edited = edit(original);
    fs.writeFileSync(devFile, edited);
    try {
      const result = runSynth(dir, env, args);
      expect(result.status).toBe(1);
      expect(result.stderr.trimEnd().split("\n")).toEqual([...lines(edited), "synth stopped: nothing was written."]);
      expect(snapshotFiles(path.join(dir, "cdktf.out"))).toEqual(before);
    } finally {
      fs.writeFileSync(devFile, original);
    }
  });

  it("synthesizes the environments named by --env", () => {
    const out = path.join(dir, "flag.out");
    const result = runSynth(dir, { CDKTF_OUTDIR: out }, ["--env", "prod"]);
    expect(result.stderr).toBe("");
    expect(synthLine(result.stdout)).toBe(`synth: wrote ${out}: prod (1 stack) in <t> s`);
    expect(fs.readdirSync(path.join(out, "stacks"))).toEqual(["prod"]);
  });

  describe("a subset synth (--env dev, CDKTF_OUTDIR set but empty) over every environment's stacks", () => {
    const stale = () => path.join(dir, "cdktf.out", "stacks", "retired");
    const workDir = () => path.join(dir, "cdktf.out", "stacks", "dev", ".terraform");
    // One synth for the outcomes below. cdktf.out holds every environment's stack: the first test wrote
    // them, and a failed synth writes nothing.
    beforeAll(() => {
      fs.mkdirSync(stale(), { recursive: true });
      fs.writeFileSync(path.join(stale(), "cdk.tf.json"), "{}");
      fs.mkdirSync(workDir(), { recursive: true });
      fs.writeFileSync(path.join(workDir(), "marker"), "init");
      expect(runSynth(dir, { CDKTF_OUTDIR: "" }, ["--env", "dev"]).status).toBe(0);
    });

    it("writes to cdktf.out, as when CDKTF_OUTDIR is not set", () => {
      expect(fs.existsSync(path.join(dir, "manifest.json"))).toBe(false);
      expect(fs.existsSync(path.join(dir, "cdktf.out", "stacks", "dev", "cdk.tf.json"))).toBe(true);
    });

    it("keeps the other environments' stacks listed in the manifest, so cdktf deploy still finds them", () => {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "manifest.json"), "utf8"));
      expect(Object.keys(manifest.stacks)).toEqual([...ENVIRONMENT_NAMES].sort());
      for (const env of ENVIRONMENT_NAMES) expect(manifest.stacks[env].synthesizedStackPath).toBe(`stacks/${env}/cdk.tf.json`);
    });

    it("removes the stack directory of an environment that is no longer defined", () => {
      expect(fs.existsSync(stale())).toBe(false);
    });

    it("keeps Terraform's working files in a stack directory", () => {
      expect(fs.readFileSync(path.join(workDir(), "marker"), "utf8")).toBe("init");
    });
  });

  it("removes only synthesized stacks: an output directory with other files keeps them (CDKTF_OUTDIR=. keeps stacks/*.ts)", () => {
    const sources = fs.readdirSync(path.join(dir, "stacks")).filter((f) => f.endsWith(".ts"));
    expect(sources.length).toBeGreaterThan(0);
    const result = runSynth(dir, { CDKTF_OUTDIR: "." }, ["--env", "dev"]);
    expect(result.status).toBe(0);
    for (const file of sources) expect(fs.existsSync(path.join(dir, "stacks", file))).toBe(true);
    fs.rmSync(path.join(dir, "stacks", "dev"), { recursive: true, force: true });
    fs.rmSync(path.join(dir, "manifest.json"), { force: true });
  });
});

describe("source imports", () => {
  it("never import @cdktf/provider-aws from its package root (seconds and a gigabyte per synth)", () => {
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    })
      .split("\n")
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.filter((file) =>
      /from\s+["']@cdktf\/provider-aws["']|require\(["']@cdktf\/provider-aws["']\)/.test(
        fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8"),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
