import { EnvironmentReview, reviewEnvironment, reviewStacks } from "../../review/environment-review";
import { renderReview } from "../../review/markdown";
import { SynthesizedStacks } from "../../review/terraform-json";
import { fixtureStack } from "./fixtures/stacks";

const CHANGED_DEV = {
  threshold: 1.9,
  notifyState: true,
  alarmTopic: true,
  lambdaMemory: 256,
  legacyLogGroup: false,
  trainingInstanceType: "ml.m5.2xlarge",
  epochs: "100",
  trainingRetries: 3,
};

describe("review of a fixture pair: dev changed, staging unchanged, preview new, legacy removed", () => {
  let reviews: EnvironmentReview[];
  let dev: EnvironmentReview;
  let markdown: string;
  let drawn: Record<string, unknown>[];

  beforeAll(() => {
    const base: SynthesizedStacks = new Map([
      ["dev", fixtureStack("dev")],
      ["staging", fixtureStack("staging")],
      ["legacy", fixtureStack("legacy")],
    ]);
    const head: SynthesizedStacks = new Map([
      ["staging", fixtureStack("staging")],
      ["preview", fixtureStack("preview")],
      ["dev", fixtureStack("dev", CHANGED_DEV)],
    ]);
    reviews = reviewStacks(base, head);
    dev = reviews.find((r) => r.name === "dev")!;
    drawn = [];
    markdown = renderReview(reviews, {
      baseRef: "origin/main",
      baseCommit: "abc1234",
      drawWorkflow: (definition) => {
        drawn.push(definition);
        return "flowchart TD\n  a --> b";
      },
    });
  });

  it("lists the defined environments in their promotionOrder, then the others by name, each with its status", () => {
    expect(reviews.map((r) => [r.name, r.status])).toEqual([
      ["dev", "changed"],
      ["staging", "unchanged"],
      ["legacy", "removed"],
      ["preview", "added"],
    ]);
  });

  it("reports exactly the resources added, removed and changed, by address", () => {
    const by = (kind: string) => dev.resources.filter((r) => r.kind === kind).map((r) => r.address);
    expect(by("added")).toEqual(["aws_sns_topic.alarms"]);
    expect(by("removed")).toEqual(["aws_cloudwatch_log_group.legacy"]);
    expect(by("changed")).toEqual([
      "aws_iam_role_policy.workflow_permissions",
      "aws_lambda_function.analyze",
      "aws_sfn_state_machine.workflow",
    ]);
  });

  it("names each changed attribute path, pointing to the detailed section for definitions and policies", () => {
    const attributes = Object.fromEntries(
      dev.resources.filter((r) => r.kind === "changed").map((r) => [r.address, r.attributes]),
    );
    expect(attributes["aws_lambda_function.analyze"]).toEqual([
      { path: "memory_size", kind: "changed", before: 128, after: 256 },
    ]);
    expect(attributes["aws_sfn_state_machine.workflow"]).toEqual([
      { path: "definition", kind: "changed", detailedIn: "state machine" },
    ]);
    expect(attributes["aws_iam_role_policy.workflow_permissions"]).toEqual([
      { path: "policy", kind: "changed", detailedIn: "IAM" },
    ]);
  });

  it("reports the threshold change in the variables section", () => {
    expect(dev.variables).toEqual([
      { name: "threshold", kind: "changed", attributes: [{ path: "default", kind: "changed", before: 2.1, after: 1.9 }] },
    ]);
  });

  it("compares the definition state by state: the added state, the rerouted transition and each changed field", () => {
    expect(dev.stateMachines).toHaveLength(1);
    const { diff } = dev.stateMachines[0];
    expect(diff.statesAdded).toEqual([{ name: "Notify Result", type: "Task", next: "Threshold Evaluation Check" }]);
    expect(diff.statesRemoved).toEqual([]);
    expect(diff.transitions).toEqual([
      { state: "Analyze Evaluation Results", label: "Next", before: "Threshold Evaluation Check", after: "Notify Result" },
    ]);
    expect(diff.fields.map((f) => `${f.state}: ${f.field} ${f.before} → ${f.after}`)).toEqual([
      "Model Training: HyperParameters.epochs 200 → 100",
      "Model Training: InstanceType ml.m5.xlarge → ml.m5.2xlarge",
      "Model Training: Retry[SageMaker.AmazonSageMakerException].MaxAttempts 2 → 3",
      "Threshold Evaluation Check: NumericLessThan 2.1 → 1.9",
    ]);
  });

  it("lists the IAM statement added to the workflow role, and none removed", () => {
    expect(dev.iam).toHaveLength(1);
    expect(dev.iam[0]).toMatchObject({
      role: "aws_iam_role.workflow",
      roleName: "abalone-dev-workflow-role",
      removed: [],
      unreadable: [],
    });
    expect(dev.iam[0].added.map((s) => s.text)).toEqual(["Allow sns:Publish on ${aws_sns_topic.alarms.arn} (Sid PublishAlarms)"]);
  });

  it("names only the environments whose stacks changed, in the summary and as sections", () => {
    expect(markdown).toContain("Summary: dev changed · legacy removed · preview new; the other environment did not change.");
    expect(markdown).not.toMatch(/staging/);
  });

  it("renders readable Markdown lines for each kind of change", () => {
    for (const line of [
      "### dev",
      "**Resources**: 1 added, 1 removed, 3 changed (5 → 5)",
      "- ➕ `aws_sns_topic.alarms` added",
      "- ➖ `aws_cloudwatch_log_group.legacy` removed",
      "  - `memory_size` 128 → 256",
      "- ✏️ `threshold`: `default` 2.1 → 1.9",
      "- State added: Notify Result (Task) → Threshold Evaluation Check",
      "- Transition Analyze Evaluation Results: Next Threshold Evaluation Check → Notify Result",
      "- Threshold Evaluation Check: NumericLessThan 2.1 → 1.9",
      "- Model Training: InstanceType ml.m5.xlarge → ml.m5.2xlarge",
      "- `abalone-dev-workflow-role` (`aws_iam_role.workflow`)",
      "### preview: new environment (not in `origin/main`)",
    ]) {
      expect(markdown.split("\n")).toContain(line);
    }
    expect(markdown).toMatch(
      /^### legacy: removed — synthesized in `origin\/main` only; its 5 resource\(s\) are no longer in this project$/m,
    );
    expect(markdown).toContain(
      "  - ➕ `Allow sns:Publish on ${aws_sns_topic.alarms.arn} (Sid PublishAlarms)` — from `aws_iam_role_policy.workflow_permissions`",
    );
  });

  it("folds a Mermaid graph of each changed workflow, drawn from the head definition with placeholders for references", () => {
    expect(markdown).toContain(
      "<details><summary>Workflow graph (this change)</summary>\n\n```mermaid\nflowchart TD\n  a --> b\n```",
    );
    // dev's workflow changed and qa's is new: two graphs; staging's did not change.
    expect(drawn).toHaveLength(2);
    const notify = (drawn[0].States as Record<string, Record<string, Record<string, string>>>)["Notify Result"];
    expect(notify.Parameters.TopicArn).toBe("‹aws_sns_topic.alarms.arn›");
    expect(JSON.stringify(drawn)).not.toContain("${");
  });
});

describe("review of a threshold read from the Terraform variable", () => {
  it("shows the change under variables only, since the definition text is the same", () => {
    const review = reviewEnvironment(
      "prod",
      fixtureStack("prod", { thresholdInDefinition: "variable", threshold: 2.1 }),
      fixtureStack("prod", { thresholdInDefinition: "variable", threshold: 2.0 }),
    );
    expect(review.status).toBe("changed");
    expect(review.resources).toEqual([]);
    expect(review.stateMachines).toEqual([]);
    expect(review.variables).toEqual([
      { name: "threshold", kind: "changed", attributes: [{ path: "default", kind: "changed", before: 2.1, after: 2 }] },
    ]);
  });

  it("reads a bare ${var.threshold} in the definition as an opaque value when other fields change", () => {
    const review = reviewEnvironment(
      "prod",
      fixtureStack("prod", { thresholdInDefinition: "variable" }),
      fixtureStack("prod", { thresholdInDefinition: "variable", trainingInstanceType: "ml.m5.4xlarge" }),
    );
    expect(review.stateMachines[0].problem).toBeUndefined();
    expect(review.stateMachines[0].diff.fields).toEqual([
      { state: "Model Training", field: "InstanceType", kind: "changed", before: "ml.m5.xlarge", after: "ml.m5.4xlarge" },
    ]);
    expect(review.stateMachines[0].headDefinition).toMatchObject({
      States: { "Threshold Evaluation Check": { Choices: [{ NumericLessThan: "${var.threshold}" }] } },
    });
  });
});

describe("review of settings and unreadable definitions", () => {
  it("ignores where the local state file sits (it depends on where the synth ran) but reports provider changes", () => {
    const base = fixtureStack("dev");
    const head = fixtureStack("dev");
    (head.terraform as { backend: { local: { path: string } } }).backend.local.path =
      "../../../../elsewhere/terraform.dev.tfstate";
    expect(reviewEnvironment("dev", base, head).status).toBe("unchanged");
    (head.provider as { aws: Array<{ region: string }> }).aws[0].region = "eu-west-1";
    const review = reviewEnvironment("dev", base, head);
    expect(review.settings).toEqual([
      { path: "provider.aws[0].region", kind: "changed", before: "us-east-1", after: "eu-west-1" },
    ]);
  });

  it("says why a definition that is one Terraform expression cannot be compared state by state", () => {
    const head = fixtureStack("dev");
    const machine = (head.resource as Record<string, Record<string, Record<string, unknown>>>).aws_sfn_state_machine.workflow;
    machine.definition = "${jsonencode(local.workflow)}";
    const review = reviewEnvironment("dev", fixtureStack("dev"), head);
    expect(review.stateMachines[0].problem).toMatch(/no States object/);
    expect(renderReview([review], { baseRef: "main", baseCommit: "abc1234" })).toContain(
      "- definition changed; definition has no States object",
    );
  });
});

describe("review of outputs", () => {
  it("reports each added, removed or changed output by name", () => {
    const base = fixtureStack("dev");
    delete base.output;
    const head = fixtureStack("dev");
    (head.output as Record<string, unknown>).bucket_name = { value: "${aws_s3_bucket.artifacts.bucket}" };
    expect(reviewEnvironment("dev", base, head).settings.map((s) => [s.path, s.kind, s.after])).toEqual([
      ["output.state_machine_arn", "added", "${aws_sfn_state_machine.workflow.arn}"],
      ["output.bucket_name", "added", "${aws_s3_bucket.artifacts.bucket}"],
    ]);
  });
});
