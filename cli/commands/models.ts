/** `workflow models`: the versions of the environment's Model Registry group, newest first, and which one the endpoint serves. */
import { MODEL } from "../../models";
import { ResourceNames } from "../../modules/naming";
import { Command, ENV_OPTION, environmentFlag, numberFlag, writeJson } from "../args";
import { ExitCode } from "../errors";
import { describeVersion, groupOf, listVersions, ModelVersion } from "../model-registry";
import { endpointReport } from "../pipeline-state";

/** `rmse 1.54 (threshold 2.1)`, or `?` when the version recorded no metric. */
export function metricText(version: ModelVersion): string {
  return version.metric ? `${version.metric.name} ${version.metric.value} (threshold ${version.metric.threshold})` : "?";
}

const time = (iso?: string) => (iso ? iso.replace(/\.\d{3}Z$/, "Z") : "?");

/** The versions as an aligned table, the served one marked. */
export function versionsTable(versions: (ModelVersion & { serving: boolean })[]): string[] {
  const rows = [
    ["", "version", "status", "metric", "run", "commit", "registered"],
    ...versions.map((v) => [
      v.serving ? "*" : "",
      String(v.version),
      v.status,
      metricText(v),
      v.runId ?? "?",
      (v.commit ?? "?").slice(0, 12),
      time(v.createdAt),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join("  ")
      .trimEnd(),
  );
}

export const modelsCommand: Command = {
  name: "models",
  description: `
Lists the versions of the environment's SageMaker Model Registry group (<project>-<env>-<model>),
newest first: each one's version, approval status, its metric against the threshold it passed, the
run and commit it came from and when it was registered. '*' marks the version whose model the
endpoint serves. Every run that passes its gate registers a version, PendingManualApproval; the
release pipeline's deploy approves it; 'workflow rollback' serves an earlier approved one.

Examples:
  workflow models --env prod
  workflow models --env staging --limit 5 --json`,
  options: {
    env: ENV_OPTION,
    limit: { type: "string", valueName: "<n>", description: "show the newest <n> versions. Default: 20" },
  },
  async run(args, deps) {
    const env = environmentFlag(args, deps);
    const limit = numberFlag(args, "limit", (n) => Number.isInteger(n) && n >= 1, "an integer >= 1") ?? 20;
    const sagemaker = deps.aws.sagemaker(env.region);
    const group = groupOf(env);
    const summaries = await listVersions(sagemaker, group, { limit });
    const endpoint = await endpointReport(env, deps);
    const served = new Set(endpoint.models.map((m) => m.model));
    const versions = [];
    for (const summary of summaries) {
      const version = await describeVersion(sagemaker, summary.ModelPackageArn!);
      versions.push({ ...version, serving: version.modelName !== undefined && served.has(version.modelName) });
    }
    if (args.values.json) {
      writeJson(deps, { group, region: env.region, endpoint, versions });
      return ExitCode.Succeeded;
    }
    const endpointName = new ResourceNames(env.name, MODEL.name).endpoint;
    const serving = versions.find((v) => v.serving);
    const lines = [
      `${group} (${env.region}): ${versions.length === 0 ? "no versions registered yet" : `${versions.length} version(s), newest first`}`,
      ...(versions.length ? versionsTable(versions) : []),
      endpoint.status === "NotDeployed"
        ? `Endpoint ${endpointName}: not deployed`
        : `Endpoint ${endpointName}: ${endpoint.status}, serving ${serving ? `version ${serving.version}` : "no listed version"} (model ${[...served].join(", ") || "none"})`,
    ];
    deps.stdout.write(`${lines.join("\n")}\n`);
    return ExitCode.Succeeded;
  },
};
