import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ENDPOINT_INSTANCE_COUNT_VARIABLE, ENDPOINT_INSTANCE_TYPE_VARIABLE } from "../../modules/build-variables";
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

  it("sets them on the DeployEndpoint build project in cdk.tf.json", () => {
    expect(runSynth(dir, { ENVIRONMENTS: "prod" }).status).toBe(0);
    const tf = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "prod", "cdk.tf.json"), "utf8"));
    const deploy = Object.values<{ name: string; environment: { environment_variable: { name: string; value: string }[] } }>(
      tf.resource.aws_codebuild_project,
    ).find((p) => p.name.endsWith("-deploy-endpoint"))!;
    const variables = Object.fromEntries(deploy.environment.environment_variable.map((v) => [v.name, v.value]));
    expect(variables).toMatchObject({
      [ENDPOINT_INSTANCE_TYPE_VARIABLE]: "ml.p4d.24xlarge",
      [ENDPOINT_INSTANCE_COUNT_VARIABLE]: "4",
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
    expect(lines).toContain(
      `  - \`environment.environment_variable[${ENDPOINT_INSTANCE_TYPE_VARIABLE}].value\` ml.m5.large → ml.p4d.24xlarge`,
    );
    expect(lines).toContain(`  - \`environment.environment_variable[${ENDPOINT_INSTANCE_COUNT_VARIABLE}].value\` 2 → 4`);
  });
});
