import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { Construct } from "constructs";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "./archive/bundle";
import { ContentAsset, contentAsset, fileAsset } from "./archive/content-asset";
import { deterministicTarGz } from "./archive/tar-gz";
import type { ModelDeclaration } from "./model/declaration";
import { modelLayout } from "./s3-layout";

/** A model's folder, `models/<name>/`: its declaration, scripts and their tests. */
export const modelFolder = (model: Pick<ModelDeclaration, "name">): string => path.join(PROJECT_ROOT, "models", model.name);

/** A model's SageMaker scripts as files in the repository; a missing one is an error naming it. */
export function modelScripts(model: Pick<ModelDeclaration, "name" | "scripts">): ModelDeclaration["scripts"] {
  const scripts = Object.fromEntries(
    Object.entries(model.scripts).map(([step, file]) => [step, path.join(modelFolder(model), file)]),
  ) as ModelDeclaration["scripts"];
  for (const [step, file] of Object.entries(scripts)) {
    if (!fs.existsSync(file))
      throw new Error(
        `models/${model.name}/model.ts: scripts.${step} names ${path.relative(PROJECT_ROOT, file)}, which does not exist`,
      );
  }
  return scripts;
}

const sourceDirCache = new Map<string, Buffer>();

/**
 * `sourcedir.tar.gz` for script mode: the training program alone, packed deterministically.
 * Packed once per process and model, like the Lambda bundle: every stack of a synth ships the same bytes.
 */
export function trainingSourceDir(model: Pick<ModelDeclaration, "name" | "scripts">): Buffer {
  const program = modelScripts(model).training;
  let packed = sourceDirCache.get(program);
  if (!packed) {
    packed = deterministicTarGz([{ name: model.scripts.training, content: fs.readFileSync(program) }]);
    sourceDirCache.set(program, packed);
  }
  return packed;
}

export interface SageMakerCodeProps {
  /** The model whose scripts (and raw dataset) are uploaded. */
  model: ModelDeclaration;
  /** Artifact bucket name. */
  bucket: string;
  /** ARN of the key the objects are encrypted with. */
  kmsKeyArn: string;
  /** Local raw dataset file to upload as the model's raw dataset. Default: none (upload it yourself; see README). */
  rawDataPath?: string;
}

/**
 * The workflow's code in the artifact bucket (and the raw dataset when a path is given). Each
 * object's `source_hash` is the SHA-256 of its content, so it is re-uploaded only when that changes.
 */
export class SageMakerCode extends Construct {
  /** Uploaded objects by S3 key. */
  readonly objects: Record<string, S3Object> = {};
  /** The objects' assets by S3 key (path in the stack directory and content hashes). */
  readonly assets: Record<string, ContentAsset> = {};

  constructor(
    scope: Construct,
    id: string,
    private readonly props: SageMakerCodeProps,
  ) {
    super(scope, id);
    const { model } = props;
    const layout = modelLayout(model);
    const scripts = modelScripts(model);
    this.upload(
      "preprocessing",
      layout.preprocessingScript,
      fileAsset(this, "preprocessing-file", scripts.preprocessing),
      "text/x-python",
    );
    this.upload("evaluation", layout.evaluationScript, fileAsset(this, "evaluation-file", scripts.evaluation), "text/x-python");
    this.upload(
      "training-sourcedir",
      layout.trainingSourceDir,
      contentAsset(this, "training-sourcedir-file", "sourcedir.tar.gz", trainingSourceDir(model)),
      "application/gzip",
    );
    if (props.rawDataPath) {
      const rawData = path.resolve(props.rawDataPath);
      if (!fs.existsSync(rawData))
        throw new Error(
          `rawDataPath ${JSON.stringify(props.rawDataPath)} must name an existing ${model.dataset.file} file (resolved to ${rawData})`,
        );
      this.upload("raw-data", layout.rawData, fileAsset(this, "raw-data-file", props.rawDataPath), "text/csv");
    }
  }

  private upload(id: string, key: string, asset: ContentAsset, contentType: string): void {
    this.assets[key] = asset;
    this.objects[key] = new S3Object(this, id, {
      bucket: this.props.bucket,
      key,
      source: asset.path,
      sourceHash: asset.sha256,
      contentType,
      serverSideEncryption: "aws:kms",
      kmsKeyId: this.props.kmsKeyArn,
    });
  }
}
