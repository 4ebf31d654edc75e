import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { Construct } from "constructs";
import * as path from "path";
import { nodeBundle, PROJECT_ROOT } from "../archive/bundle";
import { contentAsset } from "../archive/content-asset";
import { S3_LAYOUT } from "../s3-layout";

/** The entry point of the workflow CLI the builds run bundled (so they need no `npm ci`). */
export const WORKFLOW_CLI_ENTRY = path.join(PROJECT_ROOT, "cli", "build-main.ts");

/** The oldest Node.js the project supports (package.json `engines`); the builds select a newer one. */
const WORKFLOW_CLI_TARGET = "node20";

/**
 * The workflow CLI and everything it imports (AWS SDK clients, workflow template) in one CommonJS
 * file that Node runs from an empty directory. No environment file and no package.json: the same
 * bytes for every environment, changed only by the code the builds run. Minified: it is what every
 * build downloads.
 */
export function workflowCliBundle(): Buffer {
  return nodeBundle(WORKFLOW_CLI_ENTRY, { target: WORKFLOW_CLI_TARGET, minify: true });
}

export interface WorkflowCliObjectProps {
  /** Artifact bucket name and ARN. */
  bucketName: string;
  bucketArn: string;
  /** Key the object is encrypted with (the builds already decrypt with it). */
  kmsKeyArn: string;
}

/**
 * The bundled CLI in the artifact bucket under a key named by its content, so a build always runs
 * exactly the CLI of the infrastructure it belongs to, and a changed CLI is a new object.
 */
export class WorkflowCliObject extends Construct {
  readonly object: S3Object;
  /** `s3://<bucket>/<key>`: what the builds fetch (`aws s3 cp`). */
  readonly uri: string;
  /** The object's ARN: the one the builds may read. */
  readonly objectArn: string;

  constructor(scope: Construct, id: string, props: WorkflowCliObjectProps) {
    super(scope, id);
    const asset = contentAsset(this, "file", "workflow-cli.js", workflowCliBundle());
    const key = S3_LAYOUT.workflowCli(asset.sha256);
    this.object = new S3Object(this, "object", {
      bucket: props.bucketName,
      key,
      source: asset.path,
      sourceHash: asset.sha256,
      contentType: "application/javascript",
      serverSideEncryption: "aws:kms",
      kmsKeyId: props.kmsKeyArn,
    });
    this.uri = `s3://${props.bucketName}/${key}`;
    this.objectArn = `${props.bucketArn}/${key}`;
  }
}
