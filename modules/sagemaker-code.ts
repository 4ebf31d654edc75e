import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { Construct } from "constructs";
import * as fs from "fs";
import * as path from "path";
import { ContentAsset, contentAsset, fileAsset } from "./archive/content-asset";
import { deterministicTarGz } from "./archive/tar-gz";
import { S3_LAYOUT, TRAINING_PROGRAM } from "./s3-layout";

const SCRIPTS_DIR = path.resolve(__dirname, "..", "assets", "sagemaker");

/** The SageMaker scripts as files in the repository. */
export const SAGEMAKER_SCRIPTS = {
  preprocessing: path.join(SCRIPTS_DIR, "preprocessing.py"),
  training: path.join(SCRIPTS_DIR, TRAINING_PROGRAM),
  evaluation: path.join(SCRIPTS_DIR, "evaluate.py"),
};

let sourceDirCache: Buffer | undefined;

/**
 * `sourcedir.tar.gz` for TensorFlow script mode: the training script alone, packed deterministically.
 * Packed once per process, like the Lambda bundle: every stack of a synth ships the same bytes.
 */
export function trainingSourceDir(): Buffer {
  sourceDirCache ??= deterministicTarGz([{ name: TRAINING_PROGRAM, content: fs.readFileSync(SAGEMAKER_SCRIPTS.training) }]);
  return sourceDirCache;
}

export interface SageMakerCodeProps {
  /** Artifact bucket name. */
  bucket: string;
  /** ARN of the key the objects are encrypted with. */
  kmsKeyArn: string;
  /** Local `abalone.data` to upload as the raw dataset. Default: none (upload it yourself; see README). */
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
    this.upload(
      "preprocessing",
      S3_LAYOUT.preprocessingScript,
      fileAsset(this, "preprocessing-file", SAGEMAKER_SCRIPTS.preprocessing),
      "text/x-python",
    );
    this.upload(
      "evaluation",
      S3_LAYOUT.evaluationScript,
      fileAsset(this, "evaluation-file", SAGEMAKER_SCRIPTS.evaluation),
      "text/x-python",
    );
    this.upload(
      "training-sourcedir",
      S3_LAYOUT.trainingSourceDir,
      contentAsset(this, "training-sourcedir-file", "sourcedir.tar.gz", trainingSourceDir()),
      "application/gzip",
    );
    if (props.rawDataPath) {
      const rawData = path.resolve(props.rawDataPath);
      if (!fs.existsSync(rawData))
        throw new Error(
          `rawDataPath ${JSON.stringify(props.rawDataPath)} must name an existing abalone.data file (resolved to ${rawData})`,
        );
      this.upload("raw-data", S3_LAYOUT.rawData, fileAsset(this, "raw-data-file", props.rawDataPath), "text/csv");
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
