/** In-process CLI dependencies for tests: captured output, a clock that jumps instead of sleeping, real SDK clients (mocked per test file). */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { SFNClient } from "@aws-sdk/client-sfn";
import { CliDeps } from "../../cli/deps";
import { ExitCode } from "../../cli/errors";
import { PROJECT_ENVIRONMENTS, projectVersion } from "../../cli/main";
import { runCli } from "../../cli/program";

export const T0 = Date.parse("2024-05-01T12:00:00Z");

export interface CapturedOutput {
  text: string;
  isTTY: boolean;
  write(text: string): void;
}

export interface FakeDeps extends CliDeps {
  stdout: CapturedOutput;
  stderr: CapturedOutput;
  /** Total milliseconds slept, so tests can see the CLI waited instead of spinning. */
  slept: () => number;
  regions: string[];
}

const captured = (isTTY = false): CapturedOutput => ({
  text: "",
  isTTY,
  write(text: string) {
    this.text += text;
  },
});

const credentials = { accessKeyId: "AKIDTEST", secretAccessKey: "secret" };

/** Deps whose clock starts at T0 and advances only when the CLI sleeps. */
export function fakeDeps(options: { env?: Record<string, string>; tty?: boolean; now?: number } = {}): FakeDeps {
  let now = options.now ?? T0;
  let slept = 0;
  const regions: string[] = [];
  return {
    environments: PROJECT_ENVIRONMENTS,
    version: projectVersion,
    aws: {
      sfn: (region) => {
        regions.push(region);
        return new SFNClient({ region, credentials });
      },
      sagemaker: (region) => {
        regions.push(region);
        return new SageMakerClient({ region, credentials });
      },
      sagemakerRuntime: (region) => new SageMakerRuntimeClient({ region, credentials }),
      s3: (region) => new S3Client({ region, credentials }),
      cloudwatch: (region) => new CloudWatchClient({ region, credentials }),
      codepipeline: (region) => {
        regions.push(region);
        return new CodePipelineClient({ region, credentials });
      },
    },
    stdout: captured(options.tty),
    stderr: captured(),
    clock: {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
        slept += ms;
      },
    },
    env: options.env ?? {},
    executionPollSeconds: 30,
    endpointPollSeconds: 30,
    slept: () => slept,
    regions,
  };
}

/** Runs one command line in-process. */
export async function cli(
  argv: string[],
  deps: FakeDeps = fakeDeps(),
): Promise<{ code: ExitCode; stdout: string; stderr: string; deps: FakeDeps }> {
  const code = await runCli(argv, deps);
  return { code, stdout: deps.stdout.text, stderr: deps.stderr.text, deps };
}

/** An error shaped like the SDK's service exceptions. */
export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: 400 } });
}
