import * as fs from "fs";
import * as path from "path";
import { MODEL, resourceName } from "../helpers/chosen-model";
import { copyProject, keepBaseEnvironments, runSynth, snapshotFiles } from "../helpers/project-copy";

// Several synths in a scratch copy: a busy 2-core machine needs headroom.
jest.setTimeout(120_000);

/**
 * README, "Removing an environment": tear down, `cdktf destroy`, then delete the file and its line.
 * Deleting them first would leave the environment's resources with no stack to destroy them: synth
 * refuses to drop such a stack, and says what to run.
 */
describe("removing the environment qa", () => {
  let dir: string;
  const index = () => path.join(dir, "environments", "index.ts");
  const qaFile = () => path.join(dir, "environments", "qa.ts");
  const stateFile = () => path.join(dir, "terraform.qa.tfstate");
  const stack = () => path.join(dir, "cdktf.out", "stacks", "qa");
  /** A state as `terraform apply` leaves it, with `managed` resources (and a data source, which is not one). */
  const state = (managed: number) => ({
    version: 4,
    terraform_version: "1.10.5",
    serial: 3,
    lineage: "3b0c5d2e-0000-4000-8000-000000000000",
    outputs: {},
    resources: [
      {
        mode: "data",
        type: "aws_caller_identity",
        name: "current",
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{}],
      },
      ...Array.from({ length: managed }, (_, i) => ({
        mode: "managed",
        type: "aws_s3_bucket",
        name: `bucket_${i}`,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{ schema_version: 0, attributes: { bucket: resourceName("qa", String(i)) } }],
      })),
    ],
  });

  /** Adds qa as the README says (a copy of dev, its line in index.ts), with `extra` fields, and synthesizes it. */
  const addQa = (extra = "") => {
    const dev = fs.readFileSync(path.join(dir, "environments", "dev.ts"), "utf8");
    fs.writeFileSync(qaFile(), dev.replace(/promotionOrder: \d+,/, `promotionOrder: 15,${extra}`));
    const source = fs.readFileSync(index(), "utf8");
    fs.writeFileSync(
      index(),
      source.replace('  prod: () => require("./prod"),\n', '  prod: () => require("./prod"),\n  qa: () => require("./qa"),\n'),
    );
    expect(runSynth(dir, { ENVIRONMENTS: "qa" }).stderr).toBe("");
    expect(fs.existsSync(path.join(stack(), "cdk.tf.json"))).toBe(true);
  };
  /** Deletes qa's file and its line in index.ts. */
  const deleteQa = () => {
    fs.rmSync(qaFile());
    fs.writeFileSync(index(), fs.readFileSync(index(), "utf8").replace('  qa: () => require("./qa"),\n', ""));
  };
  const advice =
    'environment "qa" is no longer defined, but %s. Remove it in order (docs/environments.md): restore environments/qa.ts and ' +
    "its line in environments/index.ts, run npm run workflow -- teardown --env qa --include-registry and npm run cdktf -- " +
    "destroy qa, then delete them again; or, if it is already destroyed, pass --drop-stack qa (or DROP_STACKS=qa) to drop its stack";

  beforeEach(() => {
    dir = copyProject(undefined, "remove-environment-");
    keepBaseEnvironments(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("refuses while qa's local state holds resources, naming qa and the commands; drops it once destroyed", () => {
    addQa();
    fs.writeFileSync(stateFile(), JSON.stringify(state(2)));
    deleteQa();
    const before = snapshotFiles(path.join(dir, "cdktf.out"));
    const refused = runSynth(dir, { ENVIRONMENTS: "dev" });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trimEnd().split("\n")).toEqual([
      `cdktf.out/stacks/qa: ${advice.replace("%s", "its state file terraform.qa.tfstate still holds 2 resources")}`,
      "synth stopped: nothing was written.",
    ]);
    expect(snapshotFiles(path.join(dir, "cdktf.out"))).toEqual(before);

    // What `cdktf destroy qa` leaves: a state with no resources.
    fs.writeFileSync(stateFile(), JSON.stringify({ ...state(0), resources: [] }));
    const dropped = runSynth(dir, { ENVIRONMENTS: "dev" });
    expect(dropped.stderr).toBe("");
    expect(dropped.status).toBe(0);
    expect(fs.existsSync(stack())).toBe(false);
  });

  it("refuses for remote state, which synth cannot read, until --drop-stack or DROP_STACKS names qa", () => {
    addQa(`\n  remoteState: { bucket: "acme-terraform-state", region: "eu-west-1" },`);
    deleteQa();
    const refused = runSynth(dir, { ENVIRONMENTS: "dev" });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trimEnd().split("\n")[0]).toBe(
      `cdktf.out/stacks/qa: ${advice.replace("%s", `its state is remote (backend "s3", s3://acme-terraform-state/${MODEL.name}/qa/terraform.tfstate), which synth cannot read`)}`,
    );
    expect(fs.existsSync(stack())).toBe(true);
    const defined = runSynth(dir, { ENVIRONMENTS: "dev" }, ["--drop-stack", "dev"]);
    expect(defined.status).toBe(1);
    expect(defined.stderr).toContain(
      '--drop-stack: "dev" is still defined (environments/index.ts); only a removed environment\'s stack can be dropped',
    );
    const dropped = runSynth(dir, { ENVIRONMENTS: "dev", DROP_STACKS: "qa" });
    expect(dropped.stderr).toBe("");
    expect(fs.existsSync(stack())).toBe(false);
  });

  it("drops a stack whose local state still holds resources when --drop-stack names it (the state is elsewhere)", () => {
    addQa();
    fs.writeFileSync(stateFile(), JSON.stringify(state(1)));
    deleteQa();
    const dropped = runSynth(dir, { ENVIRONMENTS: "dev" }, ["--drop-stack", "qa"]);
    expect(dropped.stderr).toBe("");
    expect(fs.existsSync(stack())).toBe(false);
    // The state file is the operator's: synth never deletes it.
    expect(fs.existsSync(stateFile())).toBe(true);
  });
});
