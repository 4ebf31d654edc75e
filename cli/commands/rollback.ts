/** `workflow rollback`: serve the previous approved model version (or a named one) again, through deploy's guarded rollout. */
import { Command, ENV_OPTION, environmentFlag, stringFlag } from "../args";
import { AwsError, UsageError } from "../errors";
import { describeVersion, groupOf, listVersions, ModelVersion, versionArnInGroup } from "../model-registry";
import { endpointReport } from "../pipeline-state";
import { deployModel, DEPLOY_TARGET_OPTIONS, deploySettings, refuseUnservable } from "./deploy";
import { metricText } from "./models";

export const rollbackCommand: Command = {
  name: "rollback",
  description: `
Puts an earlier approved version of the environment's Model Registry group back behind its endpoint:
by default the newest approved version older than the one the endpoint serves, or the version
--to names (its number, or its ARN). It goes the way a release goes: the run's endpoint config
(reused when it still exists), the environment's guarded rollout with automatic rollback on the
endpoint's alarms, InService, then the smoke test on that run's testing split ('workflow deploy
--help'). A version that is not Approved, or belongs to another environment, is refused before
anything changes (exit 2).

Examples:
  workflow rollback --env prod
  workflow rollback --env staging --to 7`,
  options: {
    env: ENV_OPTION,
    to: {
      type: "string",
      valueName: "<version>",
      description: "the version to serve (a number, or the version's ARN). Default: the approved one before the served one",
    },
    ...DEPLOY_TARGET_OPTIONS,
  },
  async run(args, deps) {
    const env = environmentFlag(args, deps);
    const to = stringFlag(args, "to");
    let wanted: number | undefined;
    if (to !== undefined) {
      if (/^\d+$/.test(to) && Number(to) >= 1) wanted = Number(to);
      else if (to.startsWith("arn:")) wanted = versionArnInGroup(env, to, "--to").version;
      else throw new UsageError(`--to must be a version number (1, 2, ...) or a version's ARN (got ${JSON.stringify(to)})`);
    }
    const settings = deploySettings(args, deps, env);
    const sagemaker = deps.aws.sagemaker(env.region);
    const group = groupOf(env);
    const endpoint = await endpointReport(env, deps);
    const servedModel = endpoint.models[0]?.model;

    let target: ModelVersion;
    if (wanted !== undefined) {
      const summary = (await listVersions(sagemaker, group)).find((s) => s.ModelPackageVersion === wanted);
      if (!summary) {
        throw new UsageError(`${group} has no version ${wanted}`, `run 'workflow models --env ${env.name}' for its versions`);
      }
      target = await describeVersion(sagemaker, summary.ModelPackageArn!);
    } else {
      if (!servedModel) {
        throw new AwsError(
          `endpoint ${endpoint.name} serves no model (${endpoint.status}): there is nothing to roll back from`,
          `deploy a version with 'workflow rollback --env ${env.name} --to <version>'`,
        );
      }
      target = await previousApproved(sagemaker, group, servedModel, env.name);
    }
    refuseUnservable(env, target);
    if (target.modelName === servedModel) {
      throw new UsageError(`endpoint ${endpoint.name} already serves version ${target.version} (${servedModel})`);
    }
    if (!args.values.json) {
      deps.stdout.write(
        `Rolling ${endpoint.name} back from ${servedModel ?? "nothing"} to version ${target.version} of ${group} (run ${target.runId ?? "?"}, commit ${target.commit ?? "?"}, ${metricText(target)}): model ${target.modelName}\n`,
      );
    }
    return deployModel(
      deps,
      sagemaker,
      settings,
      target.modelName!,
      target.runId ?? String(target.version),
      Boolean(args.values.json),
      {
        rollback: { from: servedModel, to: target },
      },
    );
  },
};

/** The newest approved version older than the one whose model the endpoint serves. */
async function previousApproved(
  sagemaker: Parameters<typeof describeVersion>[0],
  group: string,
  servedModel: string,
  environment: string,
): Promise<ModelVersion> {
  let served: ModelVersion | undefined;
  for (const summary of await listVersions(sagemaker, group, { approval: "Approved" })) {
    const version = await describeVersion(sagemaker, summary.ModelPackageArn!);
    if (served) return version;
    if (version.modelName === servedModel) served = version;
  }
  throw new UsageError(
    served
      ? `no approved version of ${group} is older than the served version ${served.version}`
      : `the endpoint serves ${servedModel}, which is no approved version of ${group}`,
    `name the version to serve with --to (see 'workflow models --env ${environment}')`,
  );
}
