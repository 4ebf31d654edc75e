import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { copyProject, PROJECT_ROOT, runSynth, snapshotFiles } from "./helpers/project-copy";

describe("npm run synth", () => {
  let dir: string;
  beforeAll(() => {
    dir = copyProject(PROJECT_ROOT, "synth-e2e-");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes one stack per environment", () => {
    const result = runSynth(dir);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    for (const env of ["dev", "staging", "prod"]) {
      expect(fs.existsSync(path.join(dir, "cdktf.out", "stacks", env, "cdk.tf.json"))).toBe(true);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks).sort()).toEqual(["dev", "prod", "staging"]);
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
    fs.writeFileSync(prodFile, original.replace("threshold: 2.1", "threshold: -1"));
    try {
      const result = runSynth(dir);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("environments/prod.ts: threshold must be a positive number (got -1)");
      expect(snapshotFiles(path.join(dir, "cdktf.out"))).toEqual(before);
    } finally {
      fs.writeFileSync(prodFile, original);
    }
  });

  it("keeps Terraform's working files in a stack directory across synths", () => {
    const workDir = path.join(dir, "cdktf.out", "stacks", "dev", ".terraform");
    fs.mkdirSync(workDir, { recursive: true });
    fs.writeFileSync(path.join(workDir, "marker"), "init");
    expect(runSynth(dir).status).toBe(0);
    expect(fs.readFileSync(path.join(workDir, "marker"), "utf8")).toBe("init");
  });
});

describe("source imports", () => {
  it("never import @cdktf/provider-aws from its package root (seconds and a gigabyte per synth)", () => {
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts"], { cwd: PROJECT_ROOT, encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.filter((file) =>
      /from\s+["']@cdktf\/provider-aws["']|require\(["']@cdktf\/provider-aws["']\)/.test(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8")),
    );
    expect(offenders).toEqual([]);
  });
});
