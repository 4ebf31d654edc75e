import { spawnSync } from "child_process";
import { Testing } from "cdktf";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { getEnvironment } from "../../environments";
import { analyzeResultsBundle, LAMBDA_RUNTIME } from "../../modules/analyze-results-function";
import { MlPipelineStack } from "../../stacks/ml-pipeline-stack";
import { resourceName, runName } from "../helpers/chosen-model";
import { inlinePolicyOf } from "../helpers/synth";
import { PYTHON } from "../helpers/python";

const env = { ...getEnvironment("staging"), accountId: "123456789012", lambda: { timeoutSeconds: 45, memoryMb: 512 } };

describe("the analyze-results Lambda", () => {
  let outdir: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let tf: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let fn: any;
  beforeAll(() => {
    const stack = new MlPipelineStack(Testing.app(), { env });
    outdir = Testing.fullSynth(stack);
    tf = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", env.name, "cdk.tf.json"), "utf8"));
    fn = Object.values(tf.resource.aws_lambda_function)[0];
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it("runs the bundle's index.handler on the current Node.js runtime with the environment's timeout and memory", () => {
    expect(fn).toMatchObject({
      function_name: resourceName("staging", "analyze-results"),
      handler: "index.handler",
      runtime: LAMBDA_RUNTIME,
      timeout: 45,
      memory_size: 512,
    });
    expect(LAMBDA_RUNTIME).toBe("nodejs24.x");
  });

  it("traces with X-Ray and logs to its own encrypted log group with the environment's retention", () => {
    expect(fn.tracing_config).toEqual({ mode: "Active" });
    const [logGroupId, logGroup] = Object.entries(tf.resource.aws_cloudwatch_log_group).find(
      ([, g]) => (g as { name: string }).name === `/aws/lambda/${resourceName("staging", "analyze-results")}`,
    )! as [string, Record<string, unknown>];
    expect(logGroup).toMatchObject({
      retention_in_days: env.logRetentionDays,
      kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\./),
    });
    expect(fn.logging_config.log_group).toBe(`\${aws_cloudwatch_log_group.${logGroupId}.name}`);
    expect(fn.depends_on).toContain(`aws_cloudwatch_log_group.${logGroupId}`);
  });

  it("ships a zip whose source_code_hash is the base64 SHA-256 of the file Terraform uploads", () => {
    const zip = fs.readFileSync(path.join(outdir, "stacks", env.name, fn.filename));
    expect(fn.source_code_hash).toBe(createHash("sha256").update(zip).digest("base64"));
    expect(zip.equals(analyzeResultsBundle())).toBe(true);
  });

  it("lets its role read (and list) the runs' evaluation.json, decrypt, log and trace, and nothing more", () => {
    const policy = inlinePolicyOf(tf, resourceName("staging", "lambda-role"));
    const actions = JSON.parse(policy.policy).Statement.flatMap((s: { Action: string | string[] }) => s.Action);
    expect(actions).toEqual([
      "s3:GetObject",
      "s3:ListBucket",
      "kms:Decrypt",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
    ]);
    expect(policy.policy).toContain(`/*/${runName("staging", "*", "TrainingJob")}/evaluation/evaluation.json`);
  });

  it("bundles a CommonJS index.js that loads in Node and rejects a missing Bucket with the handler's message", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-"));
    try {
      const unzip = spawnSync(
        PYTHON,
        [
          "-c",
          "import zipfile, sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
          path.join(outdir, "stacks", env.name, fn.filename),
          dir,
        ],
        { encoding: "utf8" },
      );
      expect(unzip.status).toBe(0);
      expect(fs.readdirSync(dir)).toEqual(["index.js"]);
      const code = fs.readFileSync(path.join(dir, "index.js"), "utf8");
      expect(code).toMatch(/require\("@aws-sdk\/client-s3"\)/); // left to the runtime, not bundled
      expect(code).not.toContain(process.cwd()); // no absolute paths: same bytes on every machine
      // The runtime provides @aws-sdk/*; here the project's node_modules stands in for it.
      fs.symlinkSync(path.resolve(__dirname, "../../node_modules"), path.join(dir, "node_modules"));
      const script = `require("./index.js").handler({ Key: "k" }).then(() => console.log("resolved"), (e) => console.log(e.name + ": " + e.message))`;
      const run = spawnSync("node", ["-e", script], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, AWS_REGION: "us-east-1" },
      });
      expect(run.stdout.trim()).toBe(
        "EvaluationError: analyze-results: event.Bucket is required and must be a non-empty string (got undefined)",
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
