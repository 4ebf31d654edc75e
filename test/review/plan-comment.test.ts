import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { countPlanActions, renderPlanComment } from "../../review/plan-comment";

// github-comment.js is plain JavaScript for actions/github-script.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { upsertComment, postReviewFromArtifact, REVIEW_MARKER, syncDriftIssue } = require("../../review/github-comment.js");

const change = (...actions: string[]) => ({ change: { actions } });

describe("renderPlanComment", () => {
  it("counts a replacement as one add and one destroy, as Terraform's summary does", () => {
    const plan = {
      resource_changes: [change("create"), change("update"), change("delete", "create"), change("no-op"), change("read")],
    };
    expect(countPlanActions(plan)).toEqual({ add: 2, change: 1, destroy: 1 });
  });

  it("starts with the environment's hidden marker, states the counts and folds the full plan", () => {
    const body = renderPlanComment({
      environment: "staging",
      plan: { resource_changes: [change("create")] },
      planText: "Plan: 1 to add, 0 to change, 0 to destroy.",
    });
    const lines = body.split("\n");
    expect(lines[0]).toBe("<!-- ml-release-plan:staging -->");
    expect(lines).toContain("**Plan: 1 to add, 0 to change, 0 to destroy.**");
    expect(body).toContain(
      "<details><summary>Full plan (staging)</summary>\n\n```text\nPlan: 1 to add, 0 to change, 0 to destroy.\n```\n\n</details>",
    );
  });

  it("says 'No changes' for an empty plan and 'failed' when there is no plan", () => {
    expect(
      renderPlanComment({ environment: "dev", plan: { resource_changes: [change("no-op")] }, planText: "No changes." }),
    ).toContain("**No changes.**");
    expect(renderPlanComment({ environment: "dev", planText: "Error: No valid credential sources found" })).toContain(
      "terraform plan failed",
    );
  });

  it("cuts a plan too long for one GitHub comment and says so", () => {
    const body = renderPlanComment({
      environment: "prod",
      plan: { resource_changes: [] },
      planText: "x".repeat(100_000),
      maxLength: 5000,
    });
    expect(body.length).toBeLessThanOrEqual(5000);
    expect(body).toMatch(/… cut: \d+ more characters/);
  });
});

/** An in-memory stand-in for the Octokit client github-script provides. */
function fakeGithub(pullHeadSha = "abc") {
  const comments: Array<{ id: number; body: string; user: { type: string } }> = [];
  return {
    comments,
    paginate: async (_list: unknown, _params: unknown) => comments,
    rest: {
      issues: {
        listComments: {},
        createComment: async ({ body }: { body: string }) =>
          void comments.push({ id: comments.length + 1, body, user: { type: "Bot" } }),
        updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) =>
          void (comments.find((c) => c.id === comment_id)!.body = body),
      },
      pulls: { get: async () => ({ data: { head: { sha: pullHeadSha } } }) },
    },
  };
}

describe("github-comment.js", () => {
  it("creates one comment per marker, then updates it, and leaves a person's comment quoting the marker alone", async () => {
    const github = fakeGithub();
    github.comments.push({ id: 100, body: "<!-- ml-release-plan:dev -->\nquoted by a person", user: { type: "User" } });
    const post = (body: string) => upsertComment({ github, owner: "o", repo: "r", issueNumber: 7, body });
    expect(await post("<!-- ml-release-plan:dev -->\nfirst")).toBe("created");
    expect(await post("<!-- ml-release-plan:dev -->\nsecond")).toBe("updated");
    expect(await post("<!-- ml-release-plan:prod -->\nprod")).toBe("created");
    expect(github.comments.map((c) => c.body)).toEqual([
      "<!-- ml-release-plan:dev -->\nquoted by a person",
      "<!-- ml-release-plan:dev -->\nsecond",
      "<!-- ml-release-plan:prod -->\nprod",
    ]);
    await expect(post("no marker")).rejects.toThrow(/must start with a hidden marker/);
  });

  describe("posting the review from a pull request run's artifact", () => {
    let directory: string;
    const context = (headSha: string) => ({ repo: { owner: "o", repo: "r" }, payload: { workflow_run: { head_sha: headSha } } });
    beforeEach(() => {
      directory = fs.mkdtempSync(path.join(os.tmpdir(), "review-artifact-"));
      fs.writeFileSync(path.join(directory, "review.md"), "## Infrastructure review\n");
      fs.writeFileSync(path.join(directory, "pr-number"), "42\n");
    });
    afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

    it("posts the review under its marker when the pull request is still at the reviewed commit", async () => {
      const github = fakeGithub("abc");
      expect(await postReviewFromArtifact({ github, context: context("abc"), directory })).toBe("created");
      expect(github.comments[0].body).toBe(`${REVIEW_MARKER}\n## Infrastructure review\n`);
    });

    it("skips a review of a commit the pull request has moved past, and refuses a forged number", async () => {
      expect(await postReviewFromArtifact({ github: fakeGithub("newer"), context: context("abc"), directory })).toBe("skipped");
      fs.writeFileSync(path.join(directory, "pr-number"), "42; rm -rf /");
      await expect(postReviewFromArtifact({ github: fakeGithub("abc"), context: context("abc"), directory })).rejects.toThrow(
        /must be a pull request number/,
      );
    });
  });
});

/** An in-memory stand-in for the issues part of Octokit: issues and pull requests in one list, as GitHub's API has them. */
function fakeIssues() {
  type Issue = { number: number; title: string; body: string; state: string; user: { type: string }; pull_request?: object };
  const issues: Issue[] = [];
  const comments: Array<{ issue_number: number; body: string }> = [];
  const find = (number: number) => issues.find((i) => i.number === number)!;
  return {
    issues,
    comments,
    paginate: async (_list: unknown, params: { state: string }) => issues.filter((i) => i.state === params.state),
    rest: {
      issues: {
        listForRepo: {},
        create: async ({ title, body }: { title: string; body: string }) =>
          void issues.push({ number: issues.length + 1, title, body, state: "open", user: { type: "Bot" } }),
        update: async ({ issue_number, ...fields }: { issue_number: number; body?: string; state?: string }) =>
          void Object.assign(find(issue_number), fields),
        createComment: async (comment: { issue_number: number; body: string }) => void comments.push(comment),
      },
    },
  };
}

describe("drift issues (github-comment.js syncDriftIssue)", () => {
  const sync = (github: ReturnType<typeof fakeIssues>, environment: string, drifted: boolean, summary = "") =>
    syncDriftIssue({ github, owner: "o", repo: "r", environment, drifted, summary, runUrl: "https://example.test/run/1" });

  it("opens one issue per drifted environment, updates it while the drift lasts, and closes it when the plan is clean", async () => {
    const github = fakeIssues();
    expect(await sync(github, "dev", false)).toBe("clean");
    expect(await sync(github, "dev", true, "**Plan: 0 to add, 1 to change, 0 to destroy.**")).toBe("opened");
    expect(await sync(github, "prod", true, "prod plan")).toBe("opened");
    expect(await sync(github, "dev", true, "**Plan: 0 to add, 2 to change, 0 to destroy.**")).toBe("updated");
    expect(github.issues.map((i) => [i.title, i.state])).toEqual([
      ["Infrastructure drift: dev", "open"],
      ["Infrastructure drift: prod", "open"],
    ]);
    expect(github.issues[0].body.split("\n")[0]).toBe("<!-- ml-release-drift:dev -->");
    expect(github.issues[0].body).toContain("https://example.test/run/1");
    expect(github.issues[0].body).toMatch(/2 to change[^]*$/);
    expect(github.issues[0].body).not.toContain("1 to change");

    expect(await sync(github, "dev", false)).toBe("closed");
    expect(github.issues.map((i) => i.state)).toEqual(["closed", "open"]);
    expect(github.comments).toEqual([
      { owner: "o", repo: "r", issue_number: 1, body: expect.stringContaining("no changes for dev") },
    ]);
    // A new drift after the close opens a new issue rather than reopening the old one.
    expect(await sync(github, "dev", true, "again")).toBe("opened");
    expect(github.issues).toHaveLength(3);
  });

  it("leaves a person's issue and a pull request quoting the marker alone", async () => {
    const github = fakeIssues();
    github.issues.push(
      {
        number: 1,
        title: "about drift",
        body: "<!-- ml-release-drift:dev -->\nby a person",
        state: "open",
        user: { type: "User" },
      },
      {
        number: 2,
        title: "a pull request",
        body: "<!-- ml-release-drift:dev -->",
        state: "open",
        user: { type: "Bot" },
        pull_request: {},
      },
    );
    expect(await sync(github, "dev", true, "plan")).toBe("opened");
    expect(await sync(github, "dev", false)).toBe("closed");
    expect(github.issues.map((i) => [i.number, i.state])).toEqual([
      [1, "open"],
      [2, "open"],
      [3, "closed"],
    ]);
  });

  it("cuts a summary too long for an issue body", async () => {
    const github = fakeIssues();
    await sync(github, "dev", true, "x".repeat(70_000));
    expect(github.issues[0].body.length).toBeLessThanOrEqual(65_536);
  });
});
