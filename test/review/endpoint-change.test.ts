import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ENVIRONMENT_CONFIG_VARIABLE } from "../../modules/build-variables";
import { copyProjectAsRepository, PROJECT_ROOT, runSynth } from "../helpers/project-copy";

jest.setTimeout(60_000);

/** What deploy will put behind the endpoint is in the plan: a change to it shows in cdk.tf.json and in the review. */
describe("changing prod's endpoint to 4 × ml.p4d.24xlarge", () => {
  let dir: string;
  beforeAll(() => {
    dir = copyProjectAsRepository("endpoint-change-");
    const prod = path.join(dir, "environments", "prod.ts");
    const source = fs.readFileSync(prod, "utf8").replace(/endpoint: "[^"]+"/, 'endpoint: "ml.p4d.24xlarge"');
    fs.writeFileSync(prod, source.replace(/endpointInstanceCount: \d+,/, "endpointInstanceCount: 4,"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("sets them in the DeployEndpoint build project's environment in cdk.tf.json", () => {
    expect(runSynth(dir, { ENVIRONMENTS: "prod" }).status).toBe(0);
    const tf = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "prod", "cdk.tf.json"), "utf8"));
    const deploy = Object.values<{ name: string; environment: { environment_variable: { name: string; value: string }[] } }>(
      tf.resource.aws_codebuild_project,
    ).find((p) => p.name.endsWith("-deploy-endpoint"))!;
    const variables = Object.fromEntries(deploy.environment.environment_variable.map((v) => [v.name, v.value]));
    expect(JSON.parse(variables[ENVIRONMENT_CONFIG_VARIABLE])).toMatchObject({
      instanceTypes: { endpoint: "ml.p4d.24xlarge" },
      endpointInstanceCount: 4,
    });
  });

  it("shows as a change of that build project in the review", () => {
    const review = spawnSync(
      process.execPath,
      ["--require", path.join(PROJECT_ROOT, "tools", "register-ts.js"), "review/main.ts", "--base", "HEAD", "--env", "prod"],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(review.status).toBe(0);
    expect(review.stdout).not.toContain("prod: no changes");
    const lines = review.stdout.split("\n");
    expect(lines).toContainEqual(expect.stringMatching(/^- ✏️ `aws_codebuild_project\.release_deploy-endpoint_project_\w+`$/));
    const variable = `environment.environment_variable[${ENVIRONMENT_CONFIG_VARIABLE}].value`;
    expect(lines).toContain(`  - \`${variable}: instanceTypes.endpoint\` ml.m5.large → ml.p4d.24xlarge`);
    expect(lines).toContain(`  - \`${variable}: endpointInstanceCount\` 2 → 4`);
  });
});
