// Pull-request comments for the GitHub workflows, run by actions/github-script (plain JavaScript:
// github-script loads it with require, before any npm install).
const fs = require("fs");
const path = require("path");

/** Hidden first line of the review comment, so every push updates the same comment. */
const REVIEW_MARKER = "<!-- abalone-review -->";

/** GitHub refuses comment bodies above 65,536 characters. */
const MAX_BODY = 65000;

/**
 * Posts `body` on the pull request, or updates the bot comment whose first line is the same
 * hidden marker (`<!-- name -->`), so there is ONE comment per marker however often CI runs.
 * Returns "created" or "updated".
 */
async function upsertComment({ github, owner, repo, issueNumber, body }) {
  const marker = body.split("\n", 1)[0];
  if (!/^<!-- [\w:.-]+ -->$/.test(marker)) {
    throw new Error(`comment body must start with a hidden marker line such as ${REVIEW_MARKER} (got "${marker.slice(0, 60)}")`);
  }
  const text = body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}\n\n… cut to fit GitHub's comment size limit.` : body;
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  // Only our own (bot) comments: a person quoting the marker keeps their comment.
  const existing = comments.find(
    (c) => c.user && c.user.type === "Bot" && typeof c.body === "string" && c.body.startsWith(marker),
  );
  if (existing) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body: text });
    return "updated";
  }
  await github.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body: text });
  return "created";
}

/**
 * For the workflow_run-triggered comment workflow: reads the review artifact a pull_request run
 * uploaded (`review.md`, `pr-number`), treats it as untrusted data, checks that the pull request's
 * head is still the commit that was reviewed, then posts or updates the review comment.
 * Returns "created", "updated" or "skipped" (the pull request moved on; its own run will comment).
 */
async function postReviewFromArtifact({ github, context, directory }) {
  const { owner, repo } = context.repo;
  const run = context.payload.workflow_run;
  const numberText = fs.readFileSync(path.join(directory, "pr-number"), "utf8").trim();
  if (!/^[1-9][0-9]{0,9}$/.test(numberText))
    throw new Error(`pr-number in the review artifact must be a pull request number (got "${numberText.slice(0, 20)}")`);
  const issueNumber = Number(numberText);
  const { data: pull } = await github.rest.pulls.get({ owner, repo, pull_number: issueNumber });
  if (pull.head.sha !== run.head_sha) return "skipped";
  const review = fs.readFileSync(path.join(directory, "review.md"), "utf8");
  return upsertComment({ github, owner, repo, issueNumber, body: `${REVIEW_MARKER}\n${review}` });
}

module.exports = { REVIEW_MARKER, upsertComment, postReviewFromArtifact };
