// Pull-request comments and drift issues for the GitHub workflows, run by actions/github-script (plain JavaScript:
// github-script loads it with require, before any npm install).
const fs = require("fs");
const path = require("path");

/** Hidden first line of the review comment, so every push updates the same comment. */
const REVIEW_MARKER = "<!-- ml-release-review -->";

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

/** Hidden first line of an environment's drift issue, so every drift check finds the same issue. */
const driftMarker = (environment) => `<!-- ml-release-drift:${environment} -->`;

/**
 * For the drift check (drift.yml): keeps ONE open issue per environment in step with its latest plan.
 * Changes (`drifted`) open the issue, or update its body with the new plan summary; a clean plan
 * closes it with a comment linking the run. Only the bot's own issues count: a person's issue quoting
 * the marker is left alone. Returns "opened", "updated", "closed" or "clean" (no issue, no drift).
 */
async function syncDriftIssue({ github, owner, repo, environment, drifted, summary, runUrl }) {
  const marker = driftMarker(environment);
  const open = await github.paginate(github.rest.issues.listForRepo, { owner, repo, state: "open", per_page: 100 });
  // The issues list holds pull requests too.
  const existing = open.find(
    (i) => !i.pull_request && i.user && i.user.type === "Bot" && typeof i.body === "string" && i.body.startsWith(marker),
  );
  if (!drifted) {
    if (!existing) return "clean";
    const comment = `The drift check ${runUrl} planned no changes for ${environment}: it matches main again.`;
    await github.rest.issues.createComment({ owner, repo, issue_number: existing.number, body: comment });
    await github.rest.issues.update({ owner, repo, issue_number: existing.number, state: "closed", state_reason: "completed" });
    return "closed";
  }
  const head = [
    marker,
    `The drift check ${runUrl} found that **${environment}** does not match main: something changed it outside`,
    "Terraform, or a change merged to main is not applied yet. The plan below is what a deployment of main",
    "would do. This issue closes itself when a drift check finds no changes.",
    "",
    "",
  ].join("\n");
  const body = `${head}${summary}`.slice(0, MAX_BODY);
  if (existing) {
    await github.rest.issues.update({ owner, repo, issue_number: existing.number, body });
    return "updated";
  }
  await github.rest.issues.create({ owner, repo, title: `Infrastructure drift: ${environment}`, body });
  return "opened";
}

module.exports = { REVIEW_MARKER, upsertComment, postReviewFromArtifact, driftMarker, syncDriftIssue };
