import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { countPlanActions, renderPlanComment } from "../../review/plan-comment";

// github-comment.js is plain JavaScript for actions/github-script.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { upsertComment, postReviewFromArtifact, REVIEW_MARKER } = require("../../review/github-comment.js");

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
    expect(lines[0]).toBe("<!-- abalone-plan:staging -->");
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
    github.comments.push({ id: 100, body: "<!-- abalone-plan:dev -->\nquoted by a person", user: { type: "User" } });
    const post = (body: string) => upsertComment({ github, owner: "o", repo: "r", issueNumber: 7, body });
    expect(await post("<!-- abalone-plan:dev -->\nfirst")).toBe("created");
    expect(await post("<!-- abalone-plan:dev -->\nsecond")).toBe("updated");
    expect(await post("<!-- abalone-plan:prod -->\nprod")).toBe("created");
    expect(github.comments.map((c) => c.body)).toEqual([
      "<!-- abalone-plan:dev -->\nquoted by a person",
      "<!-- abalone-plan:dev -->\nsecond",
      "<!-- abalone-plan:prod -->\nprod",
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
