import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const SKIP = new Set(["node_modules", "cdktf.out", ".git", "coverage"]);

/** A throw-away copy of the project (sharing node_modules), so the test can edit environment files. */
function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-e2e-"));
  for (const entry of fs.readdirSync(ROOT)) {
    if (SKIP.has(entry) || entry.startsWith("terraform.")) continue;
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

/** Runs the app exactly as `npm run synth` does. */
function synth(dir: string, env: NodeJS.ProcessEnv = {}) {
  const { CDKTF_OUTDIR: _ignored, ...inherited } = process.env;
  return spawnSync("node", ["--require", require.resolve("../tools/register-ts.js"), "main.ts"], {
    cwd: dir,
    env: { ...inherited, ...env },
    encoding: "utf8",
  });
}

/** Every file under a directory with its content, for byte-for-byte comparison. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, file);
    if (fs.statSync(full).isFile()) files[file] = fs.readFileSync(full, "base64");
  }
  return files;
}

describe("npm run synth", () => {
  let dir: string;
  beforeAll(() => {
    dir = copyProject();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes one stack per environment", () => {
    const result = synth(dir);
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
    const result = synth(dir, { ENVIRONMENTS: "dev", CDKTF_OUTDIR: out });
    expect(result.status).toBe(0);
    expect(fs.readdirSync(path.join(out, "stacks"))).toEqual(["dev"]);
  });

  it("stops on an invalid environment value with a clear line, a non-zero exit and cdktf.out untouched", () => {
    const before = snapshot(path.join(dir, "cdktf.out"));
    const prodFile = path.join(dir, "environments", "prod.ts");
    const original = fs.readFileSync(prodFile, "utf8");
    fs.writeFileSync(prodFile, original.replace("threshold: 2.1", "threshold: -1"));
    try {
      const result = synth(dir);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("environments/prod.ts: threshold must be a positive number (got -1)");
      expect(snapshot(path.join(dir, "cdktf.out"))).toEqual(before);
    } finally {
      fs.writeFileSync(prodFile, original);
    }
  });

  it("keeps Terraform's working files in a stack directory across synths", () => {
    const workDir = path.join(dir, "cdktf.out", "stacks", "dev", ".terraform");
    fs.mkdirSync(workDir, { recursive: true });
    fs.writeFileSync(path.join(workDir, "marker"), "init");
    expect(synth(dir).status).toBe(0);
    expect(fs.readFileSync(path.join(workDir, "marker"), "utf8")).toBe("init");
  });
});

describe("source imports", () => {
  it("never import @cdktf/provider-aws from its package root (seconds and a gigabyte per synth)", () => {
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.filter((file) =>
      /from\s+["']@cdktf\/provider-aws["']|require\(["']@cdktf\/provider-aws["']\)/.test(fs.readFileSync(path.join(ROOT, file), "utf8")),
    );
    expect(offenders).toEqual([]);
  });
});
