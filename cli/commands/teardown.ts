/**
 * `workflow teardown`: deletes what the release pipeline created at run time for one environment
 * (Terraform never knew them, so `cdktf destroy` leaves them billing): the endpoint, its configs, the
 * runs' models and, on request, the registered model versions. Selected by the environment's tags.
 */
import { MODEL } from "../../models";
import {
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DeleteModelPackageCommand,
  DescribeEndpointCommand,
  DescribeModelPackageCommand,
  EndpointConfigSummary,
  ListTagsCommand,
  ModelSummary,
  paginateListEndpointConfigs,
  paginateListModels,
  SageMakerClient,
  waitUntilEndpointDeleted,
} from "@aws-sdk/client-sagemaker";
import { EnvironmentConfig } from "../../environments/schema";
import { ResourceNames } from "../../modules/naming";
import { runNamePrefix } from "../../modules/run-names";
import { workflowTags } from "../../modules/workflow/render-environment";
import { Command, ENV_OPTION, environmentFlag, writeJson } from "../args";
import { CliDeps, DEFAULT_ENDPOINT_POLL_SECONDS } from "../deps";
import { awsCall, awsPages, ExitCode, fromAwsError, isSageMakerNotFound, WorkflowFailedError } from "../errors";
import { groupOf, listVersions } from "../model-registry";

/** One thing teardown deletes, in the order it deletes them. */
export interface RunTimeResource {
  kind: "endpoint" | "endpoint config" | "model" | "model version";
  name: string;
  arn: string;
}

/** How long deleting the endpoint may take before teardown gives up (SageMaker usually needs a few minutes). */
const ENDPOINT_DELETION_MINUTES = 30;

/** Whether a resource carries the environment's tags (the provider's and the CLI's `Project` and `Environment`). */
async function taggedFor(sagemaker: SageMakerClient, arn: string, tags: Record<string, string>): Promise<boolean> {
  const { Tags = [] } = await awsCall("ListTags", () => sagemaker.send(new ListTagsCommand({ ResourceArn: arn })));
  return Object.entries(tags).every(([key, value]) => Tags.some((tag) => tag.Key === key && tag.Value === value));
}

/**
 * What is left of the environment's run-time resources: its names narrow the lists, its tags decide
 * (`dev`'s prefix also matches `dev-2`'s names, never its tags).
 */
export async function runTimeResources(
  sagemaker: SageMakerClient,
  env: EnvironmentConfig,
  includeRegistry: boolean,
): Promise<RunTimeResource[]> {
  const names = new ResourceNames(env.name, MODEL.name);
  const tags = workflowTags(env.name, names.project);
  const found: RunTimeResource[] = [];
  try {
    const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: names.endpoint }));
    if (await taggedFor(sagemaker, endpoint.EndpointArn!, tags))
      found.push({ kind: "endpoint", name: names.endpoint, arn: endpoint.EndpointArn! });
  } catch (err) {
    if (!isSageMakerNotFound(err)) throw fromAwsError(err, "DescribeEndpoint");
  }
  const configs: EndpointConfigSummary[] = [];
  const configPages = paginateListEndpointConfigs({ client: sagemaker }, { NameContains: names.endpointConfig("") });
  for await (const page of awsPages("ListEndpointConfigs", configPages)) configs.push(...(page.EndpointConfigs ?? []));
  for (const config of configs)
    if (await taggedFor(sagemaker, config.EndpointConfigArn!, tags))
      found.push({ kind: "endpoint config", name: config.EndpointConfigName!, arn: config.EndpointConfigArn! });
  const models: ModelSummary[] = [];
  const modelPages = paginateListModels({ client: sagemaker }, { NameContains: runNamePrefix(MODEL.name, env.name) });
  for await (const page of awsPages("ListModels", modelPages)) models.push(...(page.Models ?? []));
  for (const model of models)
    if (await taggedFor(sagemaker, model.ModelArn!, tags))
      found.push({ kind: "model", name: model.ModelName!, arn: model.ModelArn! });
  if (includeRegistry) {
    const group = groupOf(env);
    for (const version of await listVersions(sagemaker, group))
      found.push({ kind: "model version", name: `${group}/${version.ModelPackageVersion}`, arn: version.ModelPackageArn! });
  }
  return found;
}

/** Deletes one resource and waits until it is gone. */
async function remove(deps: CliDeps, sagemaker: SageMakerClient, resource: RunTimeResource): Promise<void> {
  switch (resource.kind) {
    case "endpoint": {
      await awsCall("DeleteEndpoint", () => sagemaker.send(new DeleteEndpointCommand({ EndpointName: resource.name })));
      const pollSeconds = deps.endpointPollSeconds ?? DEFAULT_ENDPOINT_POLL_SECONDS;
      try {
        // The SDK's waiter: DescribeEndpoint until SageMaker no longer knows the endpoint.
        await waitUntilEndpointDeleted(
          { client: sagemaker, minDelay: pollSeconds, maxDelay: pollSeconds, maxWaitTime: ENDPOINT_DELETION_MINUTES * 60 },
          { EndpointName: resource.name },
        );
      } catch (err) {
        throw new WorkflowFailedError(
          `endpoint ${resource.name} was not deleted within ${ENDPOINT_DELETION_MINUTES} minutes (${(err as Error).name}): it may still bill`,
          "check it in the SageMaker console, then run teardown again (it is safe to repeat)",
        );
      }
      return;
    }
    case "endpoint config":
      // Deleting a config or a model is done when the call returns (no waiter exists for them).
      await awsCall("DeleteEndpointConfig", () =>
        sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: resource.name })),
      );
      return;
    case "model":
      await awsCall("DeleteModel", () => sagemaker.send(new DeleteModelCommand({ ModelName: resource.name })));
      return;
    case "model version": {
      await awsCall("DeleteModelPackage", () =>
        sagemaker.send(new DeleteModelPackageCommand({ ModelPackageName: resource.arn })),
      );
      // No waiter: a version is Deleting for a moment; wait until SageMaker no longer knows it.
      for (;;) {
        try {
          await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: resource.arn }));
        } catch (err) {
          if (isSageMakerNotFound(err)) return;
          throw fromAwsError(err, "DescribeModelPackage");
        }
        await deps.clock.sleep(1000);
      }
    }
  }
}

export const teardownCommand: Command = {
  name: "teardown",
  description: `
Deletes what the release pipeline created at run time for the environment, which Terraform does not
know and 'cdktf destroy' therefore leaves behind, billing: the endpoint <project>-<env>-endpoint, its
endpoint configs <project>-<env>-config-*, the runs' models <project>-<env>-*, and with
--include-registry the versions of its Model Registry group (without them the group blocks destroy).
Each is selected by its name and the environment's tags (Project, Environment), so another
environment's resources are never touched, even one whose names start the same (dev and dev-2). It
deletes the endpoint first and waits until it is gone (the SDK's waiter), then the configs and the
models, prints each, lists again and exits 0 only when nothing is left (1 otherwise). Safe to repeat.
Run it before 'cdktf destroy <env>'.

Examples:
  workflow teardown --env dev --dry-run
  workflow teardown --env dev --include-registry && npx cdktf destroy dev`,
  options: {
    env: ENV_OPTION,
    "dry-run": { type: "boolean", description: "list what would be deleted, delete nothing" },
    "include-registry": { type: "boolean", description: "also delete the versions of the environment's Model Registry group" },
  },
  async run(args, deps) {
    const env = environmentFlag(args, deps);
    const includeRegistry = Boolean(args.values["include-registry"]);
    const json = Boolean(args.values.json);
    const say = (line: string) => json || deps.stdout.write(`${line}\n`);
    const sagemaker = deps.aws.sagemaker(env.region);
    const found = await runTimeResources(sagemaker, env, includeRegistry);
    const label = (r: RunTimeResource) => `${r.kind} ${r.name}`;
    if (args.values["dry-run"]) {
      if (json) writeJson(deps, { environment: env.name, region: env.region, dryRun: true, found });
      say(
        found.length
          ? `Would delete in ${env.region}, for ${env.name}:\n${found.map((r) => `  ${label(r)}`).join("\n")}`
          : `Nothing of ${env.name} to delete in ${env.region}.`,
      );
      return ExitCode.Succeeded;
    }
    const deleted: RunTimeResource[] = [];
    for (const resource of found) {
      await remove(deps, sagemaker, resource);
      deleted.push(resource);
      say(`Deleted ${label(resource)}`);
    }
    const remaining = await runTimeResources(sagemaker, env, includeRegistry);
    if (json) writeJson(deps, { environment: env.name, region: env.region, dryRun: false, deleted, remaining });
    if (remaining.length) {
      throw new WorkflowFailedError(
        `${remaining.length} resource(s) of ${env.name} remain after teardown: ${remaining.map(label).join(", ")}`,
        "something created them meanwhile (a running pipeline?); stop it and run teardown again",
      );
    }
    say(
      `Nothing of ${env.name} that the pipeline created at run time is left in ${env.region}${includeRegistry ? "" : " (model versions kept: --include-registry deletes them)"}. Next: npx cdktf destroy ${env.name}`,
    );
    return ExitCode.Succeeded;
  },
};
