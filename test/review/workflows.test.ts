import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { parseAction } from "@actions/workflow-parser/actions/action-parser";
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { spawnSync } from "child_process";
import { ENVIRONMENT_NAMES, promotionOrder } from "../../environments";
import { REQUIRED_TERRAFORM_VERSION, TERRAFORM_VERSION } from "../../stacks/terraform-version";
import { NODE24_ACTIONS } from "../helpers/node24-actions";
import { PYTHON_MODULES } from "../../tools/prerequisites";

/* eslint-disable @typescript-eslint/no-explicit-any */
const ROOT = path.resolve(__dirname, "../..");
const WORKFLOWS_DIR = path.join(ROOT, ".github/workflows");
const ACTIONS_DIR = path.join(ROOT, ".github/actions");
const PLAN_SCRIPT = ".github/scripts/terraform-plan.sh";
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
const step = (job: any, uses: string) => steps(job).find((s) => String(s.uses).startsWith(uses));
const trace = new NoOperationTraceWriter();

/** The composite actions of this repository (.github/actions/<name>/action.yml). */
const ACTION_FILES = fs.readdirSync(ACTIONS_DIR).map((name) => path.join(".github/actions", name, "action.yml"));

/** Errors GitHub's own parser finds in a workflow, including in the inputs it passes to a local reusable workflow. */
async function workflowErrors(file: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name: file, content }, trace);
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || !parsed.value) return errors;
  const localFiles = {
    getFileContent: async (ref: { path?: string }) => {
      if (!ref.path || ref.path.includes("@"))
        throw new Error(`${file}: only local reusable workflows are read here (${JSON.stringify(ref)})`);
      return { name: ref.path, content: fs.readFileSync(path.join(ROOT, ref.path), "utf8") };
    },
  };
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, localFiles, { fetchReusableWorkflowDepth: 1 });
  return (template.errors ?? []).map((e) => e.Message);
}

const actionErrors = (file: string, content: string) =>
  parseAction({ name: file, content }, trace)
    .context.errors.getErrors()
    .map((e) => e.message);

/**
 * What is wrong with one `uses:` line (nothing for a good one): a remote action must be one recorded
 * in test/helpers/node24-actions.ts, at a Node 24 major, or pinned to the commit of a recorded
 * release that the line's comment names (`@<40 hex> # v7.0.1`). Local actions and workflows must exist.
 */
function usesProblems(line: string): string[] {
  const match = /^\s*(?:-\s+)?uses:\s*(\S+?)(?:\s+#\s*(\S+))?\s*$/.exec(line);
  if (!match) return [`not a uses: line: ${line}`];
  const [, target, comment] = match;
  if (target.startsWith("./")) {
    const file = path.join(ROOT, target);
    const exists = /\.ya?ml$/.test(target) ? fs.existsSync(file) : fs.existsSync(path.join(file, "action.yml"));
    return exists ? [] : [`${target}: no such local workflow or action`];
  }
  const [name, ref] = target.split("@");
  const action = NODE24_ACTIONS[name.split("/").slice(0, 2).join("/")];
  if (!action) return [`${target}: not an action recorded as running on Node 24`];
  if (!/^[0-9a-f]{40}$/.test(ref ?? "")) {
    return action.majors.includes(ref)
      ? []
      : [`${target}: ${ref} is not a major whose action.yml says node24 (${action.majors.join(", ")})`];
  }
  if (!comment || !(comment in action.releases))
    return [`${target}: name the pinned release in a comment (one of ${Object.keys(action.releases).join(", ")})`];
  if (!action.majors.includes(comment.split(".")[0])) return [`${target} # ${comment}: not a Node 24 major`];
  return action.releases[comment] === ref ? [] : [`${target}: ${comment} is commit ${action.releases[comment]}, not ${ref}`];
}

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
      "drift.yml",
      "pull-request-comment.yml",
      "pull-request.yml",
    ]);
    for (const { file, doc } of workflows) {
      expect([file, typeof doc.name, typeof doc.on, typeof doc.jobs]).toEqual([file, "string", "object", "object"]);
    }
  });

  describe("by GitHub's workflow parser (@actions/workflow-parser)", () => {
    it("finds no error in any workflow, nor in the inputs deploy.yml passes to deploy-environment.yml", async () => {
      for (const { file, text } of workflows) expect([file, await workflowErrors(file, text)]).toEqual([file, []]);
    });

    it("finds no error in the composite actions", () => {
      expect(ACTION_FILES.length).toBeGreaterThan(0);
      for (const file of ACTION_FILES)
        expect([file, actionErrors(file, fs.readFileSync(path.join(ROOT, file), "utf8"))]).toEqual([file, []]);
    });

    it("reports a misspelled input of a called workflow, an unknown job in needs and a composite step without a shell", async () => {
      const deploy = byFile["deploy.yml"].text;
      expect(
        await workflowErrors("deploy.yml", deploy.replace("role_variable: ${{ matrix.role_variable }}", "role_var: x")),
      ).toEqual([
        expect.stringMatching(/Input role_variable is required, but not provided/),
        expect.stringMatching(/role_var is not defined in the referenced workflow/),
      ]);
      expect(await workflowErrors("deploy.yml", deploy.replace("needs: synth", "needs: synthesize"))).toEqual([
        expect.stringMatching(/depends on unknown job 'synthesize'/),
      ]);
      const action = fs.readFileSync(path.join(ROOT, ACTION_FILES[0]), "utf8");
      expect(actionErrors("action.yml", action.replace(/\n\s*shell: bash/, ""))).toEqual([
        expect.stringMatching(/Required property is missing: shell/),
      ]);
    });
  });

  describe("actions", () => {
    const usesLines = () =>
      [
        ...workflows.map(({ file, text }) => [file, text]),
        ...ACTION_FILES.map((file) => [file, fs.readFileSync(path.join(ROOT, file), "utf8")]),
      ].flatMap(([file, text]) =>
        text.split("\n").flatMap((line) => (/^\s*(-\s+)?uses:/.test(line) ? [[file, line.trim()]] : [])),
      );

    it("are every one at a major whose action.yml says node24, pinned to the recorded commit of the release its comment names", () => {
      const lines = usesLines();
      // The line scan sees every uses: the YAML holds (steps, composite steps and called workflows).
      const parsedCount =
        workflows.reduce(
          (n, { doc }) =>
            n +
            Object.values<any>(doc.jobs).reduce((m, job) => m + (job.uses ? 1 : 0) + steps(job).filter((s) => s.uses).length, 0),
          0,
        ) +
        ACTION_FILES.reduce(
          (n, file) =>
            n +
            (parseDocument(fs.readFileSync(path.join(ROOT, file), "utf8")).toJS().runs.steps ?? []).filter((s: any) => s.uses)
              .length,
          0,
        );
      expect(lines.length).toBe(parsedCount);
      for (const [file, line] of lines) expect([file, line, usesProblems(line)]).toEqual([file, line, []]);
      const remote = lines.filter(([, line]) => !line.includes("./"));
      expect(remote.every(([, line]) => /@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(line))).toBe(true);
    });

    it("refuses a Node 20 major, a commit that is not the named release's, an unnamed pin and an unrecorded action", () => {
      const pin = NODE24_ACTIONS["actions/checkout"].releases["v7.0.1"];
      expect(usesProblems(`- uses: actions/checkout@${pin} # v7.0.1`)).toEqual([]);
      expect(usesProblems("- uses: actions/checkout@v7")).toEqual([]);
      expect(usesProblems("- uses: actions/checkout@v4")).toEqual([
        expect.stringMatching(/v4 is not a major whose action.yml says node24/),
      ]);
      expect(usesProblems(`- uses: actions/checkout@${"0".repeat(40)} # v7.0.1`)).toEqual([
        expect.stringMatching(/v7.0.1 is commit 3d3c42e5/),
      ]);
      expect(usesProblems(`- uses: actions/checkout@${pin}`)).toEqual([
        expect.stringMatching(/name the pinned release in a comment/),
      ]);
      expect(usesProblems("- uses: someone/else@v1")).toEqual([
        expect.stringMatching(/not an action recorded as running on Node 24/),
      ]);
      expect(usesProblems("- uses: ./.github/actions/nothing-here")).toEqual([
        expect.stringMatching(/no such local workflow or action/),
      ]);
    });
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
      expect(steps(plan).find((s) => s.id === "plan").run).toBe(`bash ${PLAN_SCRIPT} "$STACK_DIR"`);
      expect(step(plan, "actions/github-script").with.script).toContain("upsertComment");
      expect(steps(plan).find((s) => s.run?.includes("exit 1")).if).toBe(
        "env.ROLE_ARN != '' && steps.plan.outputs.exitcode == '1'",
      );
    });
  });

  it.each(["pull-request.yml:test", "deploy.yml:synth"])(
    "%s installs python3 with pins of the modules npm test's prerequisite check asks for, before npm test",
    (where) => {
      const [file, job] = where.split(":");
      const jobSteps = steps(byFile[file].doc.jobs[job]);
      const index = (match: (s: any) => boolean) => jobSteps.findIndex(match);
      const setupPython = index((s) => String(s.uses).startsWith("actions/setup-python@"));
      const pip = index((s) => s.run === PIP_INSTALL);
      expect(jobSteps[setupPython].with["python-version"]).toMatch(/^3\.\d+$/);
      expect([setupPython >= 0, setupPython < pip, pip < index((s) => s.run === "npm test")]).toEqual([true, true, true]);
      const pins = fs
        .readFileSync(path.resolve(__dirname, "../..", REQUIREMENTS), "utf8")
        .split("\n")
        .filter((line) => line && !line.startsWith("#"));
      expect(pins.map((line) => line.replace(/==\d+(\.\d+)+$/, "=="))).toEqual(PYTHON_MODULES.map((m) => `${m.pip}==`));
    },
  );

  describe("Terraform", () => {
    const minor = TERRAFORM_VERSION.split(".").slice(0, 2).join(".");
    const composite = () => parseDocument(fs.readFileSync(path.join(ACTIONS_DIR, "setup-terraform/action.yml"), "utf8")).toJS();

    it("is the release in .terraform-version in every job that runs it, set up by one action with a plugin cache", () => {
      const terraformJobs = workflows.flatMap(({ file, doc }) =>
        Object.entries<any>(doc.jobs)
          .filter(([, job]) => steps(job).some((s) => /\bterraform |terraform-plan\.sh/.test(s.run ?? "")))
          .map(([name, job]) => [`${file}:${name}`, job] as const),
      );
      expect(terraformJobs.map(([where]) => where).sort()).toEqual([
        "deploy-environment.yml:apply",
        "deploy-environment.yml:plan",
        "drift.yml:drift",
        "pull-request.yml:plan",
      ]);
      for (const [where, job] of terraformJobs) {
        const setup = steps(job).findIndex((s) => s.uses === "./.github/actions/setup-terraform");
        const firstRun = steps(job).findIndex((s) => /\bterraform |terraform-plan\.sh/.test(s.run ?? ""));
        expect([where, setup >= 0 && setup < firstRun]).toEqual([where, true]);
        // Checked out before, or there is no action to run and no .terraform-version to read.
        expect([where, steps(job).findIndex((s) => String(s.uses).startsWith("actions/checkout@")) < setup]).toEqual([
          where,
          true,
        ]);
      }
      const { runs } = composite();
      const version = runs.steps.find((s: any) => s.id === "version");
      expect(version.run).toContain("< .terraform-version");
      expect(runs.steps.find((s: any) => String(s.uses).startsWith("hashicorp/setup-terraform@")).with).toEqual({
        terraform_version: "${{ steps.version.outputs.version }}",
        terraform_wrapper: false,
      });
      expect(workflows.filter(({ text }) => text.includes("hashicorp/setup-terraform")).map(({ file }) => file)).toEqual([]);
    });

    it("keeps providers in a cache keyed by the exact provider versions the synthesized stacks require", () => {
      const { runs } = composite();
      const providers = runs.steps.find((s: any) => s.id === "providers");
      const cache = runs.steps.find((s: any) => String(s.uses).startsWith("actions/cache@"));
      expect(cache.with).toEqual({
        path: "${{ runner.temp }}/terraform-plugin-cache",
        key: "${{ steps.providers.outputs.key }}",
      });
      expect(providers.run).toContain(`printf 'TF_PLUGIN_CACHE_DIR=%s\\n' "$cache"`);
      expect(providers.run).toContain('cache="$RUNNER_TEMP/terraform-plugin-cache"');
      expect(providers.run).toContain("TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE=true");
      expect(providers.run).toContain(".terraform.required_providers");
    });

    it("is the one number the README and docs name, the minor every stack's required_version asks for", () => {
      expect(REQUIRED_TERRAFORM_VERSION).toBe(`>= ${minor}`);
      const docs = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).map((f) => `docs/${f}`)];
      const named = docs.flatMap((file) =>
        [
          ...fs
            .readFileSync(path.join(ROOT, file), "utf8")
            .matchAll(/Terraform (?:≥|>=) ?(\d+\.\d+)|required_version = ">= (\d+\.\d+)"|Terraform (\d+\.\d+)\b/g),
        ].map((m) => [file, m[1] ?? m[2] ?? m[3]]),
      );
      expect(named.filter(([file]) => file === "README.md").length).toBeGreaterThan(0);
      for (const [file, version] of named) expect([file, version]).toEqual([file, minor]);
    });
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

  describe("deploy.yml and deploy-environment.yml", () => {
    let jobs: any;
    beforeAll(() => (jobs = byFile["deploy-environment.yml"].doc.jobs));

    it("deploy the environments one at a time in promotion order, stopping at a failure", () => {
      const deploy = byFile["deploy.yml"].doc.jobs;
      expect(
        steps(deploy.synth)
          .map((s) => s.run)
          .filter(Boolean),
      ).toContain(LIST_ENVIRONMENTS);
      expect(deploy.synth.outputs.environments).toBe("${{ steps.environments.outputs.list }}");
      expect(deploy.deploy).toMatchObject({
        needs: "synth",
        strategy: {
          "max-parallel": 1,
          "fail-fast": true,
          matrix: { include: "${{ fromJSON(needs.synth.outputs.environments) }}" },
        },
        uses: "./.github/workflows/deploy-environment.yml",
        with: {
          environment: "${{ matrix.environment }}",
          region: "${{ matrix.region }}",
          role_variable: "${{ matrix.role_variable }}",
        },
      });
      expect(Object.keys(jobs)).toEqual(["plan", "apply"]);
    });

    it("plan with the read-only plan role outside the GitHub environment, then save the plan, its provider lock and its summary", () => {
      const { plan } = jobs;
      expect(plan.environment).toBeUndefined();
      expect(plan.env).toMatchObject({
        ROLE_ARN: "${{ vars[inputs.role_variable] }}",
        AWS_REGION: "${{ inputs.region }}",
        STACK_DIR: "cdktf.out/stacks/${{ inputs.environment }}",
      });
      expect(step(plan, "actions/download-artifact").with).toEqual({ name: "cdktf-out", path: "cdktf.out" });
      expect(steps(plan).find((s) => s.id === "plan").run).toBe(`bash ${PLAN_SCRIPT} "$STACK_DIR" --require-remote-state`);
      expect(plan.outputs.exitcode).toBe("${{ steps.plan.outputs.exitcode }}");
      const summary = steps(plan).find((s) => s.run?.includes("GITHUB_STEP_SUMMARY")).run;
      expect(summary).toMatch(
        /review\/plan-comment\.ts[^]*--output "\$STACK_DIR\/plan\.md"[^]*cat "\$STACK_DIR\/plan\.md" >> "\$GITHUB_STEP_SUMMARY"/,
      );
      const upload = step(plan, "actions/upload-artifact");
      expect(upload.if).toBe("env.ROLE_ARN != '' && steps.plan.outputs.exitcode == '2'");
      expect(upload.with).toMatchObject({
        name: "plan-${{ inputs.environment }}",
        "include-hidden-files": true,
        overwrite: true,
      });
      expect(upload.with.path.trim().split("\n")).toEqual(
        ["tfplan", ".terraform.lock.hcl", "plan.txt", "plan.md"].map((file) => `\${{ env.STACK_DIR }}/${file}`),
      );
    });

    it("apply exactly that saved plan, only when it has changes, after the GitHub environment's reviewers, with its deploy role", () => {
      const { apply } = jobs;
      expect(apply).toMatchObject({
        needs: "plan",
        if: "needs.plan.outputs.exitcode == '2'",
        environment: "${{ inputs.environment }}",
        concurrency: { group: "deploy-${{ inputs.environment }}", "cancel-in-progress": false },
        env: {
          ROLE_ARN: "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
          AWS_REGION: "${{ inputs.region }}",
          STACK_DIR: "cdktf.out/stacks/${{ inputs.environment }}",
        },
      });
      const downloads = steps(apply)
        .filter((s) => String(s.uses).startsWith("actions/download-artifact"))
        .map((s) => s.with);
      expect(downloads).toEqual([
        { name: "cdktf-out", path: "cdktf.out" },
        { name: "plan-${{ inputs.environment }}", path: "${{ env.STACK_DIR }}" },
      ]);
      const scripts = steps(apply)
        .map((s) => s.run ?? "")
        .join("\n");
      expect(scripts).not.toMatch(/terraform plan|terraform-plan\.sh|-auto-approve/);
      expect(scripts).toContain("terraform init -input=false -no-color -lockfile=readonly");
      expect(scripts).toContain("terraform apply -input=false -no-color tfplan");
    });
  });

  describe("drift.yml", () => {
    let doc: any;
    beforeAll(() => (doc = byFile["drift.yml"].doc));

    it("runs daily and on demand, synthesizing main once", () => {
      expect(Object.keys(doc.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
      expect(doc.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
      expect(doc.permissions).toEqual({ contents: "read" });
      expect(
        steps(doc.jobs.synth)
          .map((s) => s.run)
          .filter(Boolean),
      ).toEqual(["npm ci --no-audit --no-fund", "npm run synth", LIST_ENVIRONMENTS]);
    });

    it("plans every environment with its read-only plan role and -detailed-exitcode, then opens, updates or closes its issue", () => {
      const { drift } = doc.jobs;
      expect(drift.strategy).toEqual({
        "fail-fast": false,
        matrix: { include: "${{ fromJSON(needs.synth.outputs.environments) }}" },
      });
      expect(drift.env.ROLE_ARN).toBe(byFile["pull-request.yml"].doc.jobs.plan.env.ROLE_ARN);
      expect(drift.permissions).toEqual({ contents: "read", "id-token": "write", issues: "write" });
      expect(steps(drift).find((s) => s.id === "plan").run).toBe(`bash ${PLAN_SCRIPT} "$STACK_DIR" --require-remote-state`);
      const issue = step(drift, "actions/github-script");
      expect(issue.if).toBe("env.ROLE_ARN != '' && steps.plan.outputs.exitcode != '1'");
      expect(issue.env.EXITCODE).toBe("${{ steps.plan.outputs.exitcode }}");
      expect(issue.with.script).toMatch(/syncDriftIssue[^]*drifted: process\.env\.EXITCODE === "2"/);
      expect(steps(drift).find((s) => s.run?.includes("exit 1")).if).toBe(
        "env.ROLE_ARN != '' && steps.plan.outputs.exitcode == '1'",
      );
    });
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
