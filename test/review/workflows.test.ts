import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { spawnSync } from "child_process";
import { ENVIRONMENT_NAMES, promotionOrder } from "../../environments";
import { REQUIRED_TERRAFORM_VERSION } from "../../stacks/ml-pipeline-stack";

/* eslint-disable @typescript-eslint/no-explicit-any */
const WORKFLOWS_DIR = path.resolve(__dirname, "../../.github/workflows");
const ENVIRONMENTS = ENVIRONMENT_NAMES;
const LIST_ENVIRONMENTS = `printf 'list=%s\\n' "$(npm run --silent environments)" >> "$GITHUB_OUTPUT"`;
const REQUIREMENTS = "test/assets/sagemaker/requirements.txt";
const PIP_INSTALL = `python3 -m pip install -r ${REQUIREMENTS}`;
const CREDENTIAL_VALUE =
  /\$\{?(\{\s*)?(env\.)?(ROLE_ARN|AWS_[A-Z_]+|ACTIONS_[A-Z_]+|GITHUB_TOKEN)\b|\$\{\{\s*(secrets|vars)\.|github\.token/;

interface Workflow {
  file: string;
  text: string;
  doc: any;
}

const steps = (job: any): any[] => job.steps ?? [];
const runScripts = (workflow: Workflow): string[] =>
  Object.values<any>(workflow.doc.jobs).flatMap((job) =>
    steps(job)
      .map((s) => s.run ?? "")
      .filter(Boolean),
  );
const usesCredentials = (job: any) =>
  steps(job).some((s) => String(s.uses ?? "").startsWith("aws-actions/configure-aws-credentials"));

describe("GitHub workflows", () => {
  let workflows: Workflow[];
  let byFile: Record<string, Workflow>;

  beforeAll(() => {
    workflows = fs
      .readdirSync(WORKFLOWS_DIR)
      .filter((file) => /\.ya?ml$/.test(file))
      .map((file) => {
        const text = fs.readFileSync(path.join(WORKFLOWS_DIR, file), "utf8");
        const parsed = parseDocument(text);
        if (parsed.errors.length) throw new Error(`${file}: ${parsed.errors.map((e) => e.message).join("; ")}`);
        return { file, text, doc: parsed.toJS() };
      });
    byFile = Object.fromEntries(workflows.map((w) => [w.file, w]));
  });

  it("parse as YAML, each with a name, triggers and jobs", () => {
    expect(Object.keys(byFile).sort()).toEqual([
      "deploy-environment.yml",
      "deploy.yml",
      "pull-request-comment.yml",
      "pull-request.yml",
    ]);
    for (const { file, doc } of workflows) {
      expect([file, typeof doc.name, typeof doc.on, typeof doc.jobs]).toEqual([file, "string", "object", "object"]);
    }
  });

  describe("pull-request.yml", () => {
    let doc: any;
    beforeAll(() => (doc = byFile["pull-request.yml"].doc));

    it("runs on pull_request (never pull_request_target) with a read-only token by default", () => {
      expect(Object.keys(doc.on)).toEqual(["pull_request"]);
      expect(workflows.some((w) => "pull_request_target" in w.doc.on)).toBe(false);
      expect(doc.permissions).toEqual({ contents: "read" });
    });

    it("installs, tests, synthesizes, uploads cdktf.out (once) and lists the environments", () => {
      const test = doc.jobs.test;
      expect(
        steps(test)
          .map((s) => s.run)
          .filter(Boolean),
      ).toEqual([PIP_INSTALL, "npm ci --no-audit --no-fund", "npm test", "npm run synth", LIST_ENVIRONMENTS]);
      expect(test.outputs.environments).toBe("${{ steps.environments.outputs.list }}");
      const upload = steps(test).find((s) => String(s.uses).startsWith("actions/upload-artifact"));
      expect(upload?.with).toMatchObject({ name: "cdktf-out", path: "cdktf.out" });
      expect(upload?.if).toBe("matrix.node == 22");
    });

    it("tests on every supported Node.js major but 20 (end of life): 22 and 24", () => {
      expect(doc.jobs.test.strategy.matrix.node).toEqual([22, 24]);
      expect(steps(doc.jobs.test).find((s) => String(s.uses).startsWith("actions/setup-node")).with["node-version"]).toBe(
        "${{ matrix.node }}",
      );
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const engines: string = require("../../package.json").engines.node;
      for (const major of doc.jobs.test.strategy.matrix.node) expect(engines.split(" || ")).toContain(`^${major}.0.0`);
    });

    it("always reviews against the base branch without credentials and uploads the Markdown for the comment workflow", () => {
      const review = doc.jobs.review;
      expect(review.needs).toBeUndefined();
      expect(review.permissions).toBeUndefined();
      expect(usesCredentials(review)).toBe(false);
      expect(steps(review)[0].with["fetch-depth"]).toBe(0);
      const run = steps(review).find((s) => s.run?.includes("npm run"));
      expect(run.env.BASE_REF).toBe("${{ github.base_ref }}");
      expect(run.run).toContain('review -- --base "origin/$BASE_REF" --output review-comment/review.md');
      expect(steps(review).find((s) => String(s.uses).startsWith("actions/upload-artifact"))).toMatchObject({
        if: "always()",
        with: { name: "review-comment" },
      });
    });

    it("plans every environment of the project in a matrix, each with its own role variable", () => {
      const plan = doc.jobs.plan;
      expect(plan.strategy.matrix.include).toBe("${{ fromJSON(needs.test.outputs.environments) }}");
      expect(plan.env.ROLE_ARN).toBe("${{ vars[matrix.role_variable] }}");
      expect(plan.env.AWS_REGION).toBe("${{ matrix.region }}");
      expect(plan.env.STACK_DIR).toBe("cdktf.out/stacks/${{ matrix.environment }}");
      expect(plan.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
      const planStep = steps(plan).find((s) => s.id === "plan");
      expect(planStep["working-directory"]).toBe("${{ env.STACK_DIR }}");
      expect(planStep.run).toMatch(/terraform init[\s\S]*terraform plan/);
      expect(steps(plan).find((s) => String(s.uses).startsWith("actions/github-script")).with.script).toContain("upsertComment");
    });
  });

  it.each(["pull-request.yml:test", "deploy.yml:synth"])(
    "%s installs python3 with the pinned pandas and numpy before npm test",
    (where) => {
      const [file, job] = where.split(":");
      const jobSteps = steps(byFile[file].doc.jobs[job]);
      const index = (match: (s: any) => boolean) => jobSteps.findIndex(match);
      const setupPython = index((s) => String(s.uses).startsWith("actions/setup-python@v"));
      const pip = index((s) => s.run === PIP_INSTALL);
      expect(jobSteps[setupPython].with["python-version"]).toMatch(/^3\.\d+$/);
      expect([setupPython >= 0, setupPython < pip, pip < index((s) => s.run === "npm test")]).toEqual([true, true, true]);
      const pins = fs
        .readFileSync(path.resolve(__dirname, "../..", REQUIREMENTS), "utf8")
        .split("\n")
        .filter((line) => line && !line.startsWith("#"));
      expect(pins.map((line) => line.replace(/==\d+(\.\d+)+$/, "=="))).toEqual(["pandas==", "numpy=="]);
    },
  );

  it("set up a Terraform the stacks' required_version accepts", () => {
    const minimum = REQUIRED_TERRAFORM_VERSION.replace(/^>=\s*/, "")
      .split(".")
      .map(Number);
    const pinned = workflows.flatMap(({ doc }) =>
      Object.values<any>(doc.jobs).flatMap((job) =>
        steps(job)
          .filter((s) => String(s.uses).startsWith("hashicorp/setup-terraform"))
          .map((s) => s.with.terraform_version),
      ),
    );
    expect(pinned.length).toBeGreaterThan(0);
    for (const version of pinned) {
      const [major, minor] = String(version).split(".").map(Number);
      expect([version, major > minimum[0] || (major === minimum[0] && minor >= minimum[1])]).toEqual([version, true]);
    }
  });

  it("posts the review from a workflow_run of 'Pull request' without running the pull request's code", () => {
    const { doc } = byFile["pull-request-comment.yml"];
    expect(doc.on.workflow_run.workflows).toEqual([byFile["pull-request.yml"].doc.name]);
    expect(doc.permissions["pull-requests"]).toBe("write");
    const job = doc.jobs.comment;
    expect(steps(job).some((s) => s.run)).toBe(false);
    expect(steps(job).find((s) => String(s.uses).startsWith("actions/checkout")).with.ref).toBeUndefined();
    expect(steps(job).find((s) => String(s.uses).startsWith("actions/github-script")).with.script).toContain(
      "postReviewFromArtifact",
    );
  });

  it("deploys the environments one at a time in promotion order, each through its GitHub environment, stopping at a failure", () => {
    const { jobs } = byFile["deploy.yml"].doc;
    expect(
      steps(jobs.synth)
        .map((s) => s.run)
        .filter(Boolean),
    ).toContain(LIST_ENVIRONMENTS);
    expect(jobs.synth.outputs.environments).toBe("${{ steps.environments.outputs.list }}");
    expect(jobs.deploy).toMatchObject({
      needs: "synth",
      strategy: {
        "max-parallel": 1,
        "fail-fast": true,
        matrix: { include: "${{ fromJSON(needs.synth.outputs.environments) }}" },
      },
      uses: "./.github/workflows/deploy-environment.yml",
      with: { environment: "${{ matrix.environment }}", region: "${{ matrix.region }}" },
    });
    const called = byFile["deploy-environment.yml"].doc;
    expect(Object.keys(called.on.workflow_call.inputs).sort()).toEqual(["environment", "region"]);
    expect(called.jobs.deploy.environment).toBe("${{ inputs.environment }}");
    expect(called.jobs.deploy.env.AWS_REGION).toBe("${{ inputs.region }}");
  });

  it("get their matrix rows from `npm run environments`: every environment in promotionOrder, with its region and plan role variable", () => {
    const result = spawnSync(process.execPath, ["--require", "./tools/register-ts.js", "environments/list.ts"], {
      cwd: path.resolve(__dirname, "../.."),
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    const rows = JSON.parse(result.stdout);
    expect(rows).toEqual(
      promotionOrder().map((env) => ({
        environment: env.name,
        region: env.region,
        role_variable: `AWS_ROLE_ARN_${env.name.toUpperCase().replace(/-/g, "_")}`,
      })),
    );
    expect(rows.map((row: { environment: string }) => row.environment).sort()).toEqual([...ENVIRONMENTS].sort());
  });

  describe("credentials", () => {
    it("come only from OIDC role assumption, in jobs that may request an id token", () => {
      for (const { file, doc } of workflows) {
        for (const [name, job] of Object.entries<any>(doc.jobs)) {
          const idToken = (job.permissions ?? doc.permissions ?? {})["id-token"];
          if (usesCredentials(job)) {
            expect([file, name, idToken]).toEqual([file, name, "write"]);
            const credentials = steps(job).find((s) => String(s.uses).startsWith("aws-actions/configure-aws-credentials"));
            expect(Object.keys(credentials.with).sort()).toEqual(["aws-region", "role-session-name", "role-to-assume"]);
          } else if (!job.uses) {
            expect([file, name, idToken]).toEqual([file, name, undefined]);
          }
        }
      }
    });

    it("are never long-lived keys, secrets, or printed", () => {
      for (const workflow of workflows) {
        expect([workflow.file, workflow.text]).not.toEqual([
          workflow.file,
          expect.stringMatching(
            /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|aws-access-key-id|aws-secret-access-key/,
          ),
        ]);
        expect([workflow.file, workflow.text]).not.toEqual([workflow.file, expect.stringMatching(/\$\{\{\s*secrets\./)]);
        for (const script of runScripts(workflow)) {
          expect([workflow.file, script]).not.toEqual([
            workflow.file,
            expect.stringMatching(/set\s+-[a-z]*x|set -o xtrace|\benv\b\s*$|printenv/m),
          ]);
          const printing = script.split("\n").filter((line) => /\b(echo|printf|cat)\b/.test(line));
          for (const line of printing) {
            // Naming a variable is fine; expanding a role, token or AWS variable's value is not.
            expect([workflow.file, line]).not.toEqual([workflow.file, expect.stringMatching(CREDENTIAL_VALUE)]);
          }
        }
      }
    });
  });
});
