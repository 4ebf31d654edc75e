import { MODEL } from "../../models";
import { hyperparameterRule, tunableHyperparameters } from "../../modules/model/declaration";
import { modelValues, thresholdRule } from "../../modules/model/settings";
import { ProcessingInstanceType, ProductionVariantInstanceType, TrainingInstanceType } from "@aws-sdk/client-sagemaker";
import * as fs from "fs";
import * as path from "path";
import {
  ENVIRONMENT_NAMES,
  EnvironmentError,
  getEnvironment,
  loadEnvironments,
  parseEnvironmentList,
  promotionOrder,
} from "../../environments";
import { EnvironmentInput, parseEnvironment } from "../../environments/schema";
import {
  INSTANCE_STORAGE_BY_FAMILY,
  instanceFamily,
  LOG_RETENTION_DAYS,
  partitionOfRegion,
  sageMakerInstanceTypes,
} from "../../modules/aws-catalog";
import { deploymentConfig, describeRollout, ENDPOINT_ALARMS } from "../../modules/endpoint-release";
import prodFile from "../../environments/prod";

const FILE = "environments/prod.ts";
/** prod's file with some fields changed (or removed, with undefined), as a user would edit it. */
const edited = (patch: Record<string, unknown>): unknown =>
  Object.fromEntries(Object.entries({ ...prodFile, ...patch }).filter(([, value]) => value !== undefined));
const problemsOf = (input: unknown) => parseEnvironment(FILE, "prod", input).problems ?? [];

describe("the shipped environments", () => {
  it("are all valid", () => {
    expect(loadEnvironments().map((env) => env.name)).toEqual(ENVIRONMENT_NAMES);
  });

  it("keep prod approved, protected and without run data in logs, dev free to tear down", () => {
    expect(getEnvironment("prod")).toMatchObject({ requireApproval: true, allowDestroy: false, includeExecutionData: false });
    expect(getEnvironment("dev").allowDestroy).toBe(true);
  });

  it("are promoted in the order their promotionOrder gives, dev first and prod last", () => {
    const order = promotionOrder().map((env) => env.name);
    expect(order[0]).toBe("dev");
    expect(order[order.length - 1]).toBe("prod");
  });
});

describe("environment validation", () => {
  it("fills the defaults in the schema", () => {
    const { config } = parseEnvironment(
      FILE,
      "prod",
      edited({
        endpointInstanceCount: undefined,
        rollout: undefined,
        tags: undefined,
        lambda: undefined,
        includeExecutionData: undefined,
      }),
    );
    expect(config).toMatchObject({
      name: "prod",
      endpointInstanceCount: 1,
      rollout: { kind: "all-at-once", bakeMinutes: 0 },
      tags: {},
      lambda: { timeoutSeconds: 30, memoryMb: 256 },
      includeExecutionData: false,
    });
    expect(parseEnvironment(FILE, "prod", edited({ lambda: { memoryMb: 512 } })).config?.lambda).toEqual({
      timeoutSeconds: 30,
      memoryMb: 512,
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      "a misspelled region",
      { region: "us-est-1" },
      `environments/prod.ts: region must be an AWS region in the AWS SDK's partition data, such as eu-west-1 (got "us-est-1")`,
    ],
    [
      "a region that does not exist",
      { region: "us-east-9" },
      `environments/prod.ts: region must be an AWS region in the AWS SDK's partition data, such as eu-west-1 (got "us-east-9")`,
    ],
    ["a global endpoint name for a region", { region: "aws-global" }, "environments/prod.ts: region must be an AWS region"],
    [
      "an 11-digit account id",
      { accountId: "12345678901" },
      'environments/prod.ts: accountId must be 12 digits (got "12345678901")',
    ],
    [
      "a log retention CloudWatch refuses",
      { logRetentionDays: 10 },
      "environments/prod.ts: logRetentionDays must be one of 1, 3, 5",
    ],
    [
      "an assume-role value that is not a role ARN",
      { assumeRoleArn: "admin" },
      'environments/prod.ts: assumeRoleArn must be an IAM role ARN (got "admin")',
    ],
    [
      "a remote state bucket with an invalid name",
      { remoteState: { bucket: "Bad_Bucket" } },
      'environments/prod.ts: remoteState.bucket must be an S3 bucket name (got "Bad_Bucket")',
    ],
    [
      "an unknown source kind",
      { source: { kind: "gitlab", repository: "a/b", branch: "main" } },
      'environments/prod.ts: source.kind must be "codecommit" or "github" (got "gitlab")',
    ],
    [
      "an includeExecutionData that is not a boolean",
      { includeExecutionData: "no" },
      'environments/prod.ts: includeExecutionData must be true or false (got "no")',
    ],
    ["a promotionOrder of 0", { promotionOrder: 0 }, "environments/prod.ts: promotionOrder must be an integer >= 1 (got 0)"],
    [
      "a Lambda timeout above 900 s",
      { lambda: { timeoutSeconds: 901 } },
      "environments/prod.ts: lambda.timeoutSeconds must be an integer from 1 to 900 (got 901)",
    ],
    [
      "an aws: tag key",
      { tags: { "aws:owner": "me" } },
      'environments/prod.ts: tags.aws:owner key must be 1-128 characters and not start with aws: (got "aws:owner")',
    ],
  ])("rejects %s with one line naming the file, field, value and rule", (_case, patch, message) => {
    const problems = problemsOf(edited(patch));
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(message)).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      "logRetentionDay",
      { logRetentionDay: 7 },
      'environments/prod.ts: unknown field "logRetentionDay" — did you mean "logRetentionDays"?',
    ],
    [
      "alarmEmial",
      { alarmEmial: "ops@example.com" },
      'environments/prod.ts: unknown field "alarmEmial" — did you mean "alarmEmail"?',
    ],
    [
      "instanceTypes.trainng",
      { instanceTypes: { ...prodFile.instanceTypes, trainng: "ml.m5.xlarge" } },
      'environments/prod.ts: unknown field "instanceTypes.trainng" — did you mean "instanceTypes.training"?',
    ],
    [
      "source.branh (github)",
      {
        source: {
          kind: "github",
          connectionArn: "arn:aws:codeconnections:us-east-1:111122223333:connection/abc",
          repository: "o/r",
          branch: "main",
          branh: "x",
        },
      },
      'environments/prod.ts: unknown field "source.branh" — did you mean "source.branch"?',
    ],
  ])("rejects the unknown field %s and suggests the known one", (_field, patch, message) => {
    expect(problemsOf(edited(patch))).toContain(message);
  });

  it("lists the known fields when an unknown one is not close to any", () => {
    const [line] = problemsOf(edited({ colour: "blue" }));
    expect(line).toMatch(/^environments\/prod\.ts: unknown field "colour" — known fields: region, accountId, .*, lambda$/);
  });

  it("reports every problem at once, one line each", () => {
    const problems = problemsOf(edited({ promotionOrder: 0, endpointInstanceCount: -2, logRetentionDay: 7 }));
    expect(problems).toEqual([
      "environments/prod.ts: promotionOrder must be an integer >= 1 (got 0)",
      "environments/prod.ts: endpointInstanceCount must be an integer >= 1 (got -2)",
      'environments/prod.ts: unknown field "logRetentionDay" — did you mean "logRetentionDays"?',
    ]);
  });
});

describe("an environment's values of the chosen model (models.<model>)", () => {
  const model = MODEL.name;
  const withModel = (section: unknown) => parseEnvironment(FILE, "prod", edited({ models: { [model]: section } }), MODEL);
  const threshold = thresholdRule(MODEL);

  it("defaults every value to the declaration's: a model no environment mentions runs with its own defaults", () => {
    const { config } = parseEnvironment(FILE, "prod", edited({ models: undefined }), MODEL);
    expect(modelValues(config!, MODEL)).toEqual({
      hyperparameters: Object.fromEntries(tunableHyperparameters(MODEL).map(([name, h]) => [name, h.default])),
      threshold: MODEL.metric.threshold,
    });
  });

  it("ignores the sections of other models, so choosing another model needs no edit here", () => {
    expect(
      parseEnvironment(FILE, "prod", edited({ models: { someothermodel: { anything: 1 } } }), MODEL).problems,
    ).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ["a negative threshold", { threshold: -1 }, `threshold ${threshold.rule} (got -1)`],
    ["an infinite threshold", { threshold: Infinity }, `threshold ${threshold.rule} (got Infinity)`],
    ["a NaN threshold", { threshold: NaN }, `threshold ${threshold.rule} (got NaN)`],
    ["a threshold as a string", { threshold: "2" }, `threshold ${threshold.rule} (got "2")`],
  ])("rejects %s with one line naming the file, field, value and rule", (_case, section, message) => {
    expect(withModel(section).problems).toEqual([`environments/prod.ts: models.${model}.${message}`]);
  });

  it("rejects a hyperparameter value that breaks its declared rule", () => {
    for (const [name, h] of tunableHyperparameters(MODEL))
      expect(withModel({ [name]: h.min - 1 }).problems).toEqual([
        `environments/prod.ts: models.${model}.${name} ${hyperparameterRule(h)} (got ${h.min - 1})`,
      ]);
  });

  it("names the known field for a misspelt one, and the model for a misspelt model name", () => {
    expect(withModel({ treshold: 1 }).problems).toEqual([
      `environments/prod.ts: unknown field "models.${model}.treshold" — did you mean "models.${model}.threshold"?`,
    ]);
    const misspelt = `${model.slice(0, -1)}`;
    expect(parseEnvironment(FILE, "prod", edited({ models: { [misspelt]: {} } }), MODEL).problems).toEqual([
      `environments/prod.ts: unknown model "models.${misspelt}" — did you mean "models.${model}"?`,
    ]);
  });

  it("says what a section must be when it is not an object", () => {
    expect(withModel(3).problems).toEqual([
      `environments/prod.ts: models.${model} must be an object of ${model}'s values (got 3)`,
    ]);
  });
});

describe("AWS's own lists", () => {
  it("accepts the regions of every partition the SDK knows, and names their partition", () => {
    expect(partitionOfRegion("eu-west-1")).toBe("aws");
    expect(partitionOfRegion("cn-north-1")).toBe("aws-cn");
    expect(partitionOfRegion("us-gov-west-1")).toBe("aws-us-gov");
    expect(partitionOfRegion("us-est-1")).toBeUndefined();
  });

  it("reads SageMaker's instance types exactly as the client's enums export them", () => {
    expect([...sageMakerInstanceTypes("processing")].sort()).toEqual(Object.values(ProcessingInstanceType).sort());
    expect([...sageMakerInstanceTypes("training")].sort()).toEqual(Object.values(TrainingInstanceType).sort());
    expect([...sageMakerInstanceTypes("endpoint")].sort()).toEqual(Object.values(ProductionVariantInstanceType).sort());
  });

  it("checks each instance type against its own kind's list: a training-only type is refused for the endpoint", () => {
    const trainingOnly = Object.values(TrainingInstanceType).find(
      (t) => !(Object.values(ProductionVariantInstanceType) as string[]).includes(t),
    );
    expect(trainingOnly).toBeDefined();
    const types = { ...prodFile.instanceTypes, training: trainingOnly, endpoint: trainingOnly };
    const problems = problemsOf(edited({ instanceTypes: types }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^environments\/prod\.ts: instanceTypes\.endpoint must be a SageMaker endpoint instance type/);
  });

  it("knows the local storage of every instance family it classifies from the SDK's own lists, and refuses a family it cannot classify", () => {
    const families = new Set(
      (["processing", "training", "endpoint"] as const).flatMap((kind) => [...sageMakerInstanceTypes(kind)].map(instanceFamily)),
    );
    expect(Object.keys(INSTANCE_STORAGE_BY_FAMILY).filter((family) => !families.has(family))).toEqual([]);
    expect(problemsOf(edited({ instanceTypes: { ...prodFile.instanceTypes, training: "ml.g4dn.xlarge" } }))).toEqual([]);
    expect(problemsOf(edited({ instanceTypes: { ...prodFile.instanceTypes, training: "ml.g6.xlarge" } }))).toEqual([
      `environments/prod.ts: instanceTypes.training is of a family, ml.g6, whose local storage this project does not know (SageMaker refuses the volume key on instance store): add it to INSTANCE_STORAGE_BY_FAMILY in modules/aws-catalog.ts from AWS's EC2 instance-type documentation, or pick a listed family (got "ml.g6.xlarge")`,
    ]);
  });

  it("refuses a canary on one endpoint instance: SageMaker's canary is at most half of the instances", () => {
    expect(problemsOf(edited({ endpointInstanceCount: 1, rollout: { kind: "canary" } }))).toEqual([
      `environments/prod.ts: rollout.canaryInstances must be at most half of endpointInstanceCount, SageMaker's canary rule (got 1 of 1; raise endpointInstanceCount or use kind "all-at-once")`,
    ]);
    expect(problemsOf(edited({ endpointInstanceCount: 2, rollout: { kind: "canary" } }))).toEqual([]);
    expect(problemsOf(edited({ rollout: { kind: "canary", bakeMinutes: 30 } }))).toEqual([
      "environments/prod.ts: rollout.bakeMinutes must be an integer from 2 to 20, time for the rollback alarms to fire (got 30)",
    ]);
  });

  it("gives the rollback alarms their evaluation window wherever a rollout sets them, or says there is no rollback", () => {
    const window = Math.max(...Object.values(ENDPOINT_ALARMS).map((alarm) => alarm.evaluationPeriods)) * 60;
    const alarms = ["abalone-prod-endpoint-invocation-errors"];
    let accepted = 0;
    for (const kind of ["all-at-once", "canary"] as const)
      for (let bakeMinutes = 0; bakeMinutes <= 20; bakeMinutes++) {
        const result = parseEnvironment(FILE, "prod", edited({ rollout: { kind, bakeMinutes } }));
        if (!result.config) continue;
        accepted++;
        const { BlueGreenUpdatePolicy, AutoRollbackConfiguration } = deploymentConfig(result.config.rollout, alarms);
        // The old fleet's wait, and a canary's: SageMaker watches the alarms only while it waits.
        const { TerminationWaitInSeconds, TrafficRoutingConfiguration } = BlueGreenUpdatePolicy!;
        const waits = [
          TerminationWaitInSeconds!,
          ...(kind === "canary" ? [TrafficRoutingConfiguration!.WaitIntervalInSeconds!] : []),
        ];
        if (AutoRollbackConfiguration)
          expect({ kind, bakeMinutes, waits: waits.map((w) => w >= window) }).toEqual({
            kind,
            bakeMinutes,
            waits: waits.map(() => true),
          });
        if (!AutoRollbackConfiguration) expect(describeRollout(result.config.rollout, alarms)).toMatch(/no automatic rollback/);
      }
    expect(accepted).toBe(20 + 19);
    expect(problemsOf(edited({ rollout: { kind: "all-at-once", bakeMinutes: 1 } }))).toEqual([
      "environments/prod.ts: rollout.bakeMinutes must be 0 (no automatic rollback) or an integer from 2 to 20, time for the rollback alarms to fire (got 1)",
    ]);
  });

  it("names the default export and objects of the wrong type in one line each, never valibot's wording", () => {
    expect(problemsOf(undefined)).toEqual([
      "environments/prod.ts: the default export must be an environment, export default defineEnvironment({ ... }) (got undefined)",
    ]);
    expect(problemsOf(edited({ instanceTypes: null }))).toEqual([
      "environments/prod.ts: instanceTypes must be an object (got null)",
    ]);
    expect(problemsOf(edited({ rollout: {} }))).toEqual([
      'environments/prod.ts: rollout.kind is required: it must be "all-at-once" or "canary"',
    ]);
    expect(problemsOf(edited({ tags: { owner: undefined } }))).toEqual([
      "environments/prod.ts: tags.owner is required: it value must be a string of at most 256 characters",
    ]);
  });

  it("suggests the type a typo was meant to be", () => {
    expect(problemsOf(edited({ instanceTypes: { ...prodFile.instanceTypes, endpoint: "ml.t2.medum" } }))).toEqual([
      `environments/prod.ts: instanceTypes.endpoint must be a SageMaker endpoint instance type (the SageMaker API's list), such as ml.m5.large (got "ml.t2.medum") — did you mean "ml.t2.medium"?`,
    ]);
  });

  it("allows exactly the log retention periods CloudWatch Logs documents", () => {
    const models = path.join(
      path.dirname(require.resolve("@aws-sdk/client-cloudwatch-logs/package.json")),
      "dist-types",
      "models",
      "models_0.d.ts",
    );
    const documented = /are: (1, 3, 5,[\d,\s*]+and \d+)\./.exec(fs.readFileSync(models, "utf8").replace(/\n\s*\*\s*/g, " "));
    expect(documented).not.toBeNull();
    expect(
      documented![1]
        .replace(" and ", " ")
        .split(/,\s*|\s+/)
        .filter(Boolean)
        .map(Number),
    ).toEqual([...LOG_RETENTION_DAYS]);
  });
});

describe("loading environments", () => {
  const files = (inputs: Record<string, EnvironmentInput | (() => never)>) =>
    Object.fromEntries(
      Object.entries(inputs).map(([name, input]) => [name, typeof input === "function" ? input : () => ({ default: input })]),
    );

  it("validates only the environments asked for: a broken dev does not block prod", () => {
    const broken = files({ dev: { ...prodFile, promotionOrder: 0 }, prod: prodFile });
    expect(loadEnvironments(["prod"], broken).map((env) => env.name)).toEqual(["prod"]);
    expect(() => loadEnvironments(["dev"], broken)).toThrow(
      "environments/dev.ts: promotionOrder must be an integer >= 1 (got 0)",
    );
  });

  it("rejects two environments at the same promotion step", () => {
    const twins = files({ staging: prodFile, prod: prodFile });
    expect(() => loadEnvironments(undefined, twins)).toThrow(
      "environments/prod.ts: promotionOrder must be unique across environments (got 30, also used by environments/staging.ts)",
    );
  });

  it("rejects an environment name that cannot be part of AWS names", () => {
    expect(() => loadEnvironments(["Prod_1"], files({ Prod_1: prodFile }))).toThrow(
      `environments/index.ts: environment name "Prod_1" must be usable in AWS names: a lowercase letter, then lowercase letters, digits or '-', at most 16 characters`,
    );
  });

  it("names an environment listed in index.ts whose file is missing", () => {
    const missing = files({
      retired: () => {
        throw new Error("Cannot find module './retired'");
      },
    });
    expect(() => loadEnvironments(["retired"], missing)).toThrow(
      "environments/retired.ts: file not found (environments/index.ts lists it)",
    );
  });

  it("names an unknown environment and lists the defined ones", () => {
    expect(() => getEnvironment("nowhere")).toThrow(`unknown environment "nowhere" (defined: ${ENVIRONMENT_NAMES.join(", ")})`);
  });
});

describe("environment lists (ENVIRONMENTS, --env)", () => {
  it("returns the names given, trimmed", () => {
    expect(parseEnvironmentList("prod, dev", "ENVIRONMENTS")).toEqual(["prod", "dev"]);
  });

  it.each([
    [",", 'ENVIRONMENTS: empty environment name in ","'],
    ["", 'ENVIRONMENTS: empty environment name in ""'],
    ["dev,,prod", 'ENVIRONMENTS: empty environment name in "dev,,prod"'],
    ["dev,dev", 'ENVIRONMENTS: environment "dev" named more than once in "dev,dev"'],
    ["dev,nowhere", 'ENVIRONMENTS: unknown environment "nowhere" (defined: '],
  ])("rejects %j", (list, message) => {
    expect(() => parseEnvironmentList(list, "ENVIRONMENTS")).toThrow(EnvironmentError);
    expect(() => parseEnvironmentList(list, "ENVIRONMENTS")).toThrow(message);
  });
});
