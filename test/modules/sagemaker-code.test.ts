import { MODEL } from "../../models";
import { modelLayout } from "../../modules/s3-layout";
import { Testing } from "cdktf";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gunzipSync } from "zlib";
import { getEnvironment } from "../../environments";
import { modelScripts, trainingSourceDir } from "../../modules/sagemaker-code";
import { MlPipelineStack } from "../../stacks/ml-pipeline-stack";
import { synthEnvironment } from "../helpers/synth";

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

describe("the SageMaker code objects", () => {
  let work: string;
  let outdir: string;
  let stackDir: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let objects: Record<string, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let withoutRawData: any;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "raw-data-"));
    fs.writeFileSync(path.join(work, MODEL.dataset.file), "0.455,0.365,0.095,15\n");
    const env = { ...getEnvironment("dev"), rawDataPath: path.join(work, MODEL.dataset.file) };
    outdir = Testing.fullSynth(new MlPipelineStack(Testing.app(), { env }));
    stackDir = path.join(outdir, "stacks", env.name);
    const tf = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    objects = Object.fromEntries(Object.values(tf.resource.aws_s3_object).map((o) => [(o as { key: string }).key, o]));
    withoutRawData = synthEnvironment("dev").tf;
  });
  afterAll(() => {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("uploads preprocessing.py, evaluate.py and sourcedir.tar.gz to the code prefix, encrypted with the project key", () => {
    for (const key of [
      modelLayout(MODEL).preprocessingScript,
      modelLayout(MODEL).evaluationScript,
      modelLayout(MODEL).trainingSourceDir,
    ]) {
      expect(objects[key]).toMatchObject({
        server_side_encryption: "aws:kms",
        kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\./),
        bucket: expect.stringMatching(/^\$\{aws_s3_bucket\./),
      });
    }
  });

  it("gives every object a source_hash equal to the SHA-256 of the file Terraform uploads, so it changes only with the content", () => {
    for (const object of Object.values(objects)) {
      expect(object.source_hash).toBe(sha256(fs.readFileSync(path.join(stackDir, object.source))));
    }
    expect(objects[modelLayout(MODEL).preprocessingScript].source_hash).toBe(
      sha256(fs.readFileSync(modelScripts(MODEL).preprocessing)),
    );
  });

  it("packs train.py alone at the root of sourcedir.tar.gz for script mode, byte-identical on every build", () => {
    const archive = fs.readFileSync(path.join(stackDir, objects[modelLayout(MODEL).trainingSourceDir].source));
    expect(archive.equals(trainingSourceDir(MODEL))).toBe(true);
    const tar = gunzipSync(archive);
    expect(tar.subarray(0, 100).toString("utf8").replace(/\0+$/, "")).toBe(MODEL.scripts.training);
    const size = parseInt(tar.subarray(124, 135).toString("ascii"), 8);
    expect(tar.subarray(512, 512 + size).equals(fs.readFileSync(modelScripts(MODEL).training))).toBe(true);
  });

  it("uploads the raw dataset to <model>_data/raw/<dataset file> only when the environment sets rawDataPath", () => {
    expect(objects[modelLayout(MODEL).rawData]).toMatchObject({
      content_type: "text/csv",
      source_hash: sha256(fs.readFileSync(path.join(work, MODEL.dataset.file))),
    });
    const keys = Object.values(withoutRawData.resource.aws_s3_object).map((o) => (o as { key: string }).key);
    expect(
      keys.filter((key) => key.startsWith(modelLayout(MODEL).codePrefix) || key.startsWith(modelLayout(MODEL).rawPrefix)).sort(),
    ).toEqual(
      [modelLayout(MODEL).evaluationScript, modelLayout(MODEL).preprocessingScript, modelLayout(MODEL).trainingSourceDir].sort(),
    );
  });

  it("stops with a clear error when rawDataPath names no file", () => {
    expect(
      () => new MlPipelineStack(Testing.app(), { env: { ...getEnvironment("dev"), rawDataPath: "data/missing.data" } }),
    ).toThrow(
      `rawDataPath "data/missing.data" must name an existing ${MODEL.dataset.file} file (resolved to ${path.resolve("data/missing.data")})`,
    );
  });
});
