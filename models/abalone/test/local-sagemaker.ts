/**
 * SageMaker on this machine, for running the real workflow definition with the real scripts:
 * a directory stands in for S3, and each job does what SageMaker does with its rendered
 * Parameters — copies its inputs to the container paths, runs the script (through container.py,
 * with the Keras stand-in on PYTHONPATH), uploads the outputs. A failed script fails the job.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { standInHandlers, TaskHandler } from "../../../cli/simulate/local-run";
import { PythonRun } from "../../../test/helpers/python";

/* eslint-disable @typescript-eslint/no-explicit-any */
const TENSORFLOW_STAND_IN = path.join(__dirname, "tensorflow-stand-in");

/** Runs a script in a container rooted at `root` (test/helpers/container.py), with extra environment variables, in `cwd`. */
export type ContainerRunner = (
  root: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
) => Promise<PythonRun>;

export class LocalSageMaker {
  private readonly s3Root: string;

  constructor(
    private readonly work: string,
    private readonly python: ContainerRunner,
  ) {
    this.s3Root = path.join(work, "s3");
  }

  /** The local file or directory of `s3://bucket/key`. */
  local(uri: string): string {
    const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
    if (!match) throw new Error(`not an S3 URI: ${uri}`);
    return path.join(this.s3Root, match[1], match[2]);
  }

  put(uri: string, content: string | Buffer): void {
    fs.mkdirSync(path.dirname(this.local(uri)), { recursive: true });
    fs.writeFileSync(this.local(uri), content);
  }

  /** Every object, as `bucket/key`, sorted. */
  objects(): string[] {
    return (fs.readdirSync(this.s3Root, { recursive: true }) as string[])
      .filter((entry) => fs.statSync(path.join(this.s3Root, entry)).isFile())
      .map((entry) => entry.split(path.sep).join("/"))
      .sort();
  }

  /** The analyze-results reader: an object's text, or the error S3 gives for a missing key. */
  readonly read = async (bucket: string, key: string): Promise<string> => {
    const file = this.local(`s3://${bucket}/${key}`);
    if (!fs.existsSync(file)) throw new Error(`NoSuchKey: s3://${bucket}/${key}`);
    return fs.readFileSync(file, "utf8");
  };

  /** Handlers for simulateWorkflow, by integration: processing and training jobs run for real. */
  handlers(): Partial<Record<string, TaskHandler>> {
    const answers = standInHandlers({
      region: "us-east-1",
      accountId: "123456789012",
      now: () => new Date(),
      metric: Number.NaN,
    });
    const processing = "sagemaker:createProcessingJob.sync";
    const training = "sagemaker:createTrainingJob.sync";
    return {
      [processing]: async (parameters) => {
        await this.processingJob(parameters as any);
        return answers[processing](parameters, 1);
      },
      [training]: async (parameters) => {
        await this.trainingJob(parameters as any);
        return answers[training](parameters, 1);
      },
    };
  }

  /** A processing job: S3Input → LocalPath, ContainerEntrypoint, LocalPath → S3Output. */
  private async processingJob(parameters: any): Promise<void> {
    const root = this.jobRoot(parameters.ProcessingJobName);
    for (const { S3Input } of parameters.ProcessingInputs) this.download(S3Input.S3Uri, root + S3Input.LocalPath);
    const [interpreter, script, ...args] = parameters.AppSpecification.ContainerEntrypoint as string[];
    if (interpreter !== "python3") throw new Error(`${parameters.ProcessingJobName}: entrypoint ${interpreter} is not python3`);
    await this.run(parameters.ProcessingJobName, root, root + script, args, {}, root);
    for (const { S3Output } of parameters.ProcessingOutputConfig.Outputs) this.upload(root + S3Output.LocalPath, S3Output.S3Uri);
  }

  /**
   * A TensorFlow script-mode training job: sourcedir.tar.gz unpacked to /opt/ml/code, each channel
   * in /opt/ml/input/data/<channel> (SM_CHANNEL_<CHANNEL>), hyperparameters as --name value (plus
   * the --model_dir script mode adds), and /opt/ml/model packed as <S3OutputPath>/<job>/output/model.tar.gz.
   */
  private async trainingJob(parameters: any): Promise<void> {
    const name: string = parameters.TrainingJobName;
    const root = this.jobRoot(name);
    const { sagemaker_program: program, sagemaker_submit_directory: sourceDir, ...hyperParameters } = parameters.HyperParameters;
    const code = path.join(root, "opt/ml/code");
    fs.mkdirSync(code, { recursive: true });
    this.tar(["-xzf", this.local(sourceDir), "-C", code]);
    const env: Record<string, string> = { SM_MODEL_DIR: path.join(root, "opt/ml/model") };
    for (const channel of parameters.InputDataConfig) {
      const local = path.join(root, "opt/ml/input/data", channel.ChannelName);
      this.download(channel.DataSource.S3DataSource.S3Uri, local);
      env[`SM_CHANNEL_${channel.ChannelName.toUpperCase()}`] = local;
    }
    const outputPrefix = String(parameters.OutputDataConfig.S3OutputPath).replace(/\/$/, "");
    const args = Object.entries(hyperParameters)
      .filter(([key]) => !key.startsWith("sagemaker_"))
      .flatMap(([key, value]) => [`--${key}`, String(value)]);
    await this.run(name, root, path.join(code, program), [...args, "--model_dir", `${outputPrefix}/${name}/model`], env, code);
    const artifact = this.local(`${outputPrefix}/${name}/output/model.tar.gz`);
    fs.mkdirSync(path.dirname(artifact), { recursive: true });
    this.tar(["-czf", artifact, "-C", env.SM_MODEL_DIR, ...fs.readdirSync(env.SM_MODEL_DIR).sort()]);
  }

  private jobRoot(jobName: string): string {
    const root = path.join(this.work, "jobs", jobName);
    fs.mkdirSync(root, { recursive: true });
    return root;
  }

  private async run(job: string, root: string, script: string, args: string[], env: Record<string, string>, cwd: string) {
    const result = await this.python(root, script, args, { PYTHONPATH: TENSORFLOW_STAND_IN, ...env }, cwd);
    if (result.status !== 0) {
      const error = new Error(`${job} ended with status Failed: ${result.stderr.trim().split("\n").pop()}`);
      error.name = "States.TaskFailed";
      throw error;
    }
  }

  /** S3Prefix input: an object lands in LocalPath under its own name, a prefix's objects under their relative keys. */
  private download(uri: string, localPath: string): void {
    const source = this.local(uri);
    if (!fs.existsSync(source)) throw new Error(`no object or prefix ${uri}`);
    fs.mkdirSync(localPath, { recursive: true });
    const target = fs.statSync(source).isFile() ? path.join(localPath, path.basename(source)) : localPath;
    fs.cpSync(source, target, { recursive: true });
  }

  private upload(localPath: string, uri: string): void {
    fs.cpSync(localPath, this.local(uri), { recursive: true });
  }

  private tar(args: string[]): void {
    const result = spawnSync("tar", args, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`tar ${args.join(" ")}: ${result.stderr || result.error}`);
  }
}
