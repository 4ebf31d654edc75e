/** Where the workflow's state machine is: a flag, STATE_MACHINE_ARN, or found by its derived name. */
import { MODEL } from "../models";
import { paginateListStateMachines } from "@aws-sdk/client-sfn";
import { EnvironmentConfig } from "../environments/schema";
import { STATE_MACHINE_ARN_VARIABLE } from "../modules/build-variables";
import { ResourceNames } from "../modules/naming";
import { ParsedArgs, stringFlag } from "./args";
import { CliDeps } from "./deps";
import { AwsError, awsPages, UsageError } from "./errors";

const STATE_MACHINE_ARN_PATTERN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):stateMachine:([^:]+)$/;
const EXECUTION_ARN_PATTERN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):execution:([^:]+):([^:]+)$/;

/** The region in a state machine or execution ARN. */
export function regionOfArn(arn: string): string {
  return arn.split(":")[3];
}

/** An execution's ARN: the state machine ARN with `execution` for `stateMachine`, plus the execution name. */
export function executionArnFor(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${executionName}`;
}

/** Checks an ARN given by flag or variable, and that it names this environment's state machine. */
function checkedArn(arn: string, source: string, env?: EnvironmentConfig): string {
  const match = STATE_MACHINE_ARN_PATTERN.exec(arn);
  if (!match)
    throw new UsageError(
      `${source} is not a state machine ARN (got ${JSON.stringify(arn)}; expected arn:aws:states:<region>:<account>:stateMachine:<name>)`,
    );
  const expected = env && new ResourceNames(env.name, MODEL.name).stateMachine;
  if (expected && match[3] !== expected) {
    throw new UsageError(
      `${source} names state machine ${JSON.stringify(match[3])}, but --env ${env.name} uses ${JSON.stringify(expected)}`,
      `pass the ${env.name} ARN or the matching --env`,
    );
  }
  return arn;
}

/** The state machine ARN: --state-machine-arn, else $STATE_MACHINE_ARN, else ListStateMachines in the environment's region. */
export async function resolveStateMachineArn(
  args: ParsedArgs,
  env: EnvironmentConfig | undefined,
  deps: CliDeps,
): Promise<string> {
  const flag = stringFlag(args, "state-machine-arn");
  if (flag) return checkedArn(flag, "--state-machine-arn", env);
  const variable = deps.env[STATE_MACHINE_ARN_VARIABLE];
  if (variable) return checkedArn(variable, `$${STATE_MACHINE_ARN_VARIABLE}`, env);
  if (!env)
    throw new UsageError("no state machine given", `pass --env <env>, --state-machine-arn or set ${STATE_MACHINE_ARN_VARIABLE}`);
  return findStateMachineByName(env, deps);
}

/** Pages through ListStateMachines in the environment's region for ResourceNames(env).stateMachine. */
async function findStateMachineByName(env: EnvironmentConfig, deps: CliDeps): Promise<string> {
  const name = new ResourceNames(env.name, MODEL.name).stateMachine;
  const sfn = deps.aws.sfn(env.region);
  for await (const page of awsPages("ListStateMachines", paginateListStateMachines({ client: sfn, pageSize: 1000 }, {}))) {
    const found = page.stateMachines?.find((m) => m.name === name);
    if (found?.stateMachineArn) return found.stateMachineArn;
  }
  throw new AwsError(
    `state machine ${name} not found in ${env.region} for the current AWS credentials`,
    `deploy the ${env.name} stack (npx cdktf deploy ${env.name}), use credentials for its account, or pass --state-machine-arn`,
  );
}

/** An execution given as an ARN (its region comes with it) or as a name under the resolved state machine. */
export async function resolveExecutionArn(
  execution: string,
  args: ParsedArgs,
  env: EnvironmentConfig | undefined,
  deps: CliDeps,
): Promise<string> {
  if (execution.startsWith("arn:")) {
    if (!EXECUTION_ARN_PATTERN.test(execution)) {
      throw new UsageError(
        `<execution> is not an execution ARN (got ${JSON.stringify(execution)}; expected arn:aws:states:<region>:<account>:execution:<state machine>:<name>)`,
      );
    }
    return execution;
  }
  return executionArnFor(await resolveStateMachineArn(args, env, deps), execution);
}

/** The Step Functions console page of an execution. */
export function consoleUrl(executionArn: string): string {
  const region = regionOfArn(executionArn);
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}
