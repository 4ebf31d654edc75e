import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CodepipelineStageAction } from "@cdktf/provider-aws/lib/codepipeline";
import { Construct } from "constructs";
import { SourceConfig } from "../../environments/schema";
import { scopedArn } from "../asl/arn";
import { AwsTarget } from "../iam/aws-target";
import { PolicyStatement } from "../iam/policy";
import { ServiceRole } from "../iam/service-role";
import { ResourceNames } from "../naming";

/** The source action's name and its output artifact, the input of both builds. */
export const SOURCE_ACTION_NAME = "Source";
export const SOURCE_ARTIFACT = "SourceOutput";

/** ARN of a CodeCommit repository of the target account. */
export function codeCommitRepositoryArn(target: AwsTarget, repository: string): string {
  return scopedArn(target, "codecommit", repository);
}

/** The pipeline's first action: a CodeCommit branch, or a GitHub branch through a CodeStar connection. */
export function sourceAction(source: SourceConfig): CodepipelineStageAction {
  const common = { name: SOURCE_ACTION_NAME, category: "Source", owner: "AWS", version: "1", outputArtifacts: [SOURCE_ARTIFACT] };
  if (source.kind === "codecommit") {
    return {
      ...common,
      provider: "CodeCommit",
      configuration: {
        RepositoryName: source.repository,
        BranchName: source.branch,
        // Started by the CodeCommitTrigger rule on each push, not by polling.
        PollForSourceChanges: "false",
        OutputArtifactFormat: "CODE_ZIP",
      },
    };
  }
  return {
    ...common,
    provider: "CodeStarSourceConnection",
    configuration: {
      ConnectionArn: source.connectionArn,
      FullRepositoryId: source.repository,
      BranchName: source.branch,
      // A push to the branch starts the pipeline (the connection delivers the event).
      DetectChanges: "true",
      OutputArtifactFormat: "CODE_ZIP",
    },
  };
}

/** The IAM service prefix of a connection ARN: `codestar-connections` or `codeconnections`. */
function connectionService(connectionArn: string): string {
  return connectionArn.split(":")[2];
}

/** What the pipeline role needs to fetch the source. */
export function sourceStatements(source: SourceConfig, target: AwsTarget): PolicyStatement[] {
  if (source.kind === "codecommit") {
    return [
      {
        sid: "FetchTheSourceBranch",
        actions: [
          "codecommit:GetBranch",
          "codecommit:GetCommit",
          "codecommit:UploadArchive",
          "codecommit:GetUploadArchiveStatus",
          "codecommit:CancelUploadArchive",
        ],
        resources: [codeCommitRepositoryArn(target, source.repository)],
      },
    ];
  }
  return [
    {
      sid: "UseTheGitHubConnection",
      // The service was renamed CodeConnections: the action's prefix is the one the connection's ARN names.
      actions: [`${connectionService(source.connectionArn)}:UseConnection`],
      resources: [source.connectionArn],
    },
  ];
}

export interface CodeCommitTriggerProps {
  names: ResourceNames;
  target: AwsTarget;
  /** Repository and branch whose pushes start the pipeline. */
  source: Extract<SourceConfig, { kind: "codecommit" }>;
  /** The pipeline to start. */
  pipelineArn: string;
}

/** Starts the pipeline on every push to the CodeCommit branch (EventBridge rule, role limited to that pipeline). */
export class CodeCommitTrigger extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly role: ServiceRole;

  constructor(scope: Construct, id: string, { names, target, source, pipelineArn }: CodeCommitTriggerProps) {
    super(scope, id);
    this.role = new ServiceRole(this, "role", {
      name: names.role("source-trigger"),
      description: `Starts ${names.pipeline} when ${source.repository}@${source.branch} changes`,
      servicePrincipal: "events.amazonaws.com",
      sourceAccount: target.accountId,
      statements: [{ sid: "StartThePipeline", actions: ["codepipeline:StartPipelineExecution"], resources: [pipelineArn] }],
    });
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: names.resource("source-changed"),
      description: `A push to ${source.repository}@${source.branch} starts ${names.pipeline}`,
      eventPattern: JSON.stringify({
        source: ["aws.codecommit"],
        "detail-type": ["CodeCommit Repository State Change"],
        resources: [codeCommitRepositoryArn(target, source.repository)],
        detail: { event: ["referenceCreated", "referenceUpdated"], referenceType: ["branch"], referenceName: [source.branch] },
      }),
    });
    new CloudwatchEventTarget(this, "target", { rule: this.rule.name, arn: pipelineArn, roleArn: this.role.arn });
  }
}
