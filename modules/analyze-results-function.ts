import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { Construct } from "constructs";
import * as path from "path";
import { nodeBundle, PROJECT_ROOT } from "./archive/bundle";
import { ContentAsset, contentAsset } from "./archive/content-asset";
import { deterministicZip } from "./archive/zip";
import { AwsTarget } from "./iam/aws-target";
import { listKeysStatement } from "./iam/policy";
import { ServiceRole } from "./iam/service-role";
import { ResourceNames } from "./naming";
import { runKeys } from "./s3-layout";

/** The current Node.js Lambda runtime (Node 24 LTS; AWS provider >= 6.19 accepts it). */
export const LAMBDA_RUNTIME = "nodejs24.x";
const ESBUILD_TARGET = "node24";

/** The handler's source; the bundle exports it as `index.handler`. */
export const ANALYZE_RESULTS_ENTRY = path.join(PROJECT_ROOT, "assets", "analyze-results", "handler.ts");

let bundleCache: Buffer | undefined;

/**
 * The handler bundled by esbuild into one CommonJS file, zipped deterministically. Built once per
 * process (every stack of a synth shares it) and cached across synths (nodeBundle). `@aws-sdk/*` is left out: the runtime provides it.
 */
export function analyzeResultsBundle(): Buffer {
  bundleCache ??= deterministicZip([
    { name: "index.js", content: nodeBundle(ANALYZE_RESULTS_ENTRY, { target: ESBUILD_TARGET, external: ["@aws-sdk/*"] }) },
  ]);
  return bundleCache;
}

export interface AnalyzeResultsFunctionProps {
  names: ResourceNames;
  target: AwsTarget;
  /** ARN of the artifact bucket holding the runs' `evaluation.json`. */
  bucketArn: string;
  /** The project key: the bucket's objects and the log group are encrypted with it. */
  kmsKeyArn: string;
  /** Log retention in days. */
  logRetentionDays: number;
  /** Function timeout in seconds. */
  timeoutSeconds: number;
  /** Function memory in MB. */
  memoryMb: number;
}

/**
 * The analyze-results Lambda (`Analyze Evaluation Results` state): reads a run's `evaluation.json`
 * and returns the model's metric. Own role (read evaluations, decrypt, write its logs, trace), own encrypted
 * log group, X-Ray tracing.
 */
export class AnalyzeResultsFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly code: ContentAsset;
  /** Function name (known at synth). */
  readonly functionName: string;
  /** Function ARN (a Terraform reference): what the state machine invokes. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: AnalyzeResultsFunctionProps) {
    super(scope, id);
    const { names } = props;
    const evaluations = runKeys.evaluation("*", `${names.runNamePrefix("TrainingJob")}*`);
    this.functionName = names.resource("analyze-results");
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: names.logGroup("lambda", "analyze-results"),
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.role = new ServiceRole(this, "role", {
      name: names.role("lambda"),
      description: "The analyze-results Lambda: read run evaluations, write its logs and traces",
      // Lambda sends no aws:SourceAccount when it assumes its execution role.
      servicePrincipal: "lambda.amazonaws.com",
      statements: [
        { sid: "ReadRunEvaluations", actions: ["s3:GetObject"], resources: [`${props.bucketArn}/${evaluations}`] },
        listKeysStatement("TellAMissingEvaluationFromADeniedOne", props.bucketArn, [evaluations]),
        { sid: "DecryptRunEvaluations", actions: ["kms:Decrypt"], resources: [props.kmsKeyArn] },
        {
          sid: "WriteOwnLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${this.logGroup.arn}:log-stream:*`],
        },
        { sid: "WriteTraces", actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] },
      ],
    });
    this.code = contentAsset(this, "code", "analyze-results.zip", analyzeResultsBundle());
    this.function = new LambdaFunction(this, "function", {
      functionName: this.functionName,
      description: "Computes the model's metric of a run's evaluation.json (Analyze Evaluation Results)",
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      filename: this.code.path,
      sourceCodeHash: this.code.base64Sha256,
      timeout: props.timeoutSeconds,
      memorySize: props.memoryMb,
      tracingConfig: { mode: "Active" },
      loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
      // The log group and permissions exist before the first invocation could need them.
      dependsOn: [this.logGroup, this.role.policy],
    });
    this.arn = this.function.arn;
  }
}
