/**
 * The workflows' Terraform shell, run by bash as GitHub runs a `run:` script (`bash -e`), against a
 * stand-in `terraform` on PATH: no Terraform, network or AWS in the test run. The stand-in answers
 * as Terraform 1.11.4 does: `plan -detailed-exitcode` exits 0 (no changes), 2 (changes) or 1 (error),
 * and applying a saved plan after the state changed prints "Error: Saved plan is stale" and exits 1.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");
const PLAN_SCRIPT = path.join(ROOT, ".github/scripts/terraform-plan.sh");

/** A `terraform` that logs its arguments and answers per FAKE_INIT / FAKE_PLAN / FAKE_APPLY (exit codes). */
const FAKE_TERRAFORM = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$FAKE_LOG"
case "$1" in
  init) [ "\${FAKE_INIT:-0}" -eq 0 ] || { echo "Error: Failed to get existing workspaces: AccessDenied"; exit 1; }; echo "Terraform has been successfully initialized!" ;;
  plan) echo "Plan: 0 to add, 1 to change, 0 to destroy."; [ "\${FAKE_PLAN:-0}" -eq 1 ] || : > tfplan; exit "\${FAKE_PLAN:-0}" ;;
  show) echo '{"resource_changes":[]}' ;;
  apply)
    if [ "\${FAKE_APPLY:-0}" -ne 0 ]; then
      printf 'Error: Saved plan is stale\\n\\nThe given plan file can no longer be applied because the state was changed by\\nanother operation after the plan was created.\\n'
      exit 1
    fi
    echo "Apply complete! Resources: 0 added, 1 changed, 0 destroyed." ;;
esac
`;

describe("the workflows' Terraform scripts", () => {
  let dir: string;
  let stack: string;
  let env: NodeJS.ProcessEnv;
  const log = () => fs.readFileSync(path.join(dir, "terraform.log"), "utf8").trim().split("\n");
  const outputs = () => fs.readFileSync(path.join(dir, "output"), "utf8");
  const writeStack = (backend: object) =>
    fs.writeFileSync(path.join(stack, "cdk.tf.json"), JSON.stringify({ terraform: { backend } }));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "terraform-scripts-"));
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(path.join(dir, "bin", "terraform"), FAKE_TERRAFORM, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "terraform.log"), "");
    stack = path.join(dir, "cdktf.out", "stacks", "dev");
    fs.mkdirSync(stack, { recursive: true });
    writeStack({ s3: { bucket: "state", key: "abalone/dev/terraform.tfstate" } });
    env = {
      PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
      FAKE_LOG: path.join(dir, "terraform.log"),
      GITHUB_OUTPUT: path.join(dir, "output"),
      GITHUB_STEP_SUMMARY: path.join(dir, "summary"),
    };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe(".github/scripts/terraform-plan.sh", () => {
    const plan = (extra: NodeJS.ProcessEnv = {}, ...args: string[]) =>
      spawnSync("bash", ["-e", PLAN_SCRIPT, stack, ...args], { env: { ...env, ...extra }, encoding: "utf8" });

    it.each([
      ["changes", "2"],
      ["no changes", "0"],
    ])("saves the plan, its JSON and its output when it finds %s, and reports exitcode=%s", (_what, code) => {
      const result = plan({ FAKE_PLAN: code });
      expect([result.status, result.stderr]).toEqual([0, ""]);
      expect(outputs()).toBe(`exitcode=${code}\n`);
      expect(log()).toEqual([
        "init -input=false -no-color",
        "plan -input=false -no-color -lock=false -detailed-exitcode -out=tfplan",
        "show -json tfplan",
      ]);
      expect(fs.readFileSync(path.join(stack, "plan.txt"), "utf8")).toContain("Plan: 0 to add, 1 to change");
      expect(fs.existsSync(path.join(stack, "plan.json"))).toBe(true);
    });

    it("reports exitcode=1 with Terraform's error in plan.txt when init fails, and plans nothing", () => {
      const result = plan({ FAKE_INIT: "1" });
      expect(result.status).toBe(0);
      expect(outputs()).toBe("exitcode=1\n");
      expect(log()).toEqual(["init -input=false -no-color"]);
      expect(fs.readFileSync(path.join(stack, "plan.txt"), "utf8")).toContain("AccessDenied");
      expect(fs.existsSync(path.join(stack, "plan.json"))).toBe(false);
    });

    it("refuses a stack with local state when asked to, before running Terraform, and says how to fix it", () => {
      writeStack({ local: { path: "../../../terraform.dev.tfstate" } });
      // A pull request's plan may run on local state (it only shows every resource as new).
      expect(plan({}).status).toBe(0);
      expect(outputs()).toBe("exitcode=0\n");
      fs.writeFileSync(path.join(dir, "terraform.log"), "");
      fs.writeFileSync(path.join(dir, "output"), "");
      const result = plan({}, "--require-remote-state");
      expect(outputs()).toBe("exitcode=1\n");
      expect(fs.readFileSync(path.join(dir, "terraform.log"), "utf8")).toBe("");
      const message = `${stack}/cdk.tf.json uses local state; set remoteState in environments/<env>.ts first.`;
      expect(result.stdout).toBe(`::error::${message}\n`);
      expect(fs.readFileSync(path.join(stack, "plan.txt"), "utf8")).toBe(`${message}\n`);
    });
  });

  describe("deploy-environment.yml's apply step", () => {
    const applyScript = () => {
      const doc = parse(fs.readFileSync(path.join(ROOT, ".github/workflows/deploy-environment.yml"), "utf8"));
      return doc.jobs.apply.steps.find((s: { run?: string }) => s.run?.includes("terraform apply")).run as string;
    };
    const apply = (extra: NodeJS.ProcessEnv = {}) => {
      fs.writeFileSync(path.join(stack, "plan.md"), "### Terraform plan: dev\n");
      fs.writeFileSync(path.join(dir, "apply.sh"), applyScript());
      return spawnSync("bash", ["-e", path.join(dir, "apply.sh")], {
        cwd: stack,
        env: { ...env, ENVIRONMENT: "dev", ...extra },
        encoding: "utf8",
      });
    };

    it("installs the plan's own providers and applies the saved plan file, nothing else", () => {
      const result = apply();
      expect(result.status).toBe(0);
      expect(log()).toEqual(["init -input=false -no-color -lockfile=readonly", "apply -input=false -no-color tfplan"]);
      expect(result.stdout).toContain("Apply complete!");
      expect(fs.readFileSync(path.join(dir, "summary"), "utf8")).toBe("### Terraform plan: dev\n");
    });

    it("fails when the state moved since the plan, and says to re-run the whole run to plan again", () => {
      const result = apply({ FAKE_APPLY: "1" });
      expect(result.status).toBe(1);
      expect(result.stdout).toContain("Error: Saved plan is stale");
      expect(result.stdout).toContain(
        "::error::The state of dev changed after this run planned it, so the reviewed plan was not applied. Re-run all jobs of this run (or run Deploy again) to plan again, then review and approve the new plan.",
      );
    });
  });
});
