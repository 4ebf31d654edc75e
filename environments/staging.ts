import { defineEnvironment } from "./schema";

/** Staging: production-sized jobs and a slightly looser gate, so a model that passes here is worth approving. */
export default defineEnvironment({
  promotionOrder: 20,
  region: "us-east-1",
  // Each model's values here (models/<name>/model.ts lists them); a model not named runs with its defaults.
  models: { abalone: { epochs: 100, batchSize: 8, threshold: 2.5 } },
  instanceTypes: {
    processing: "ml.m5.xlarge",
    training: "ml.m5.xlarge",
    evaluation: "ml.m5.xlarge",
    endpoint: "ml.m5.large",
  },
  // Two instances, so a new model can take one of them (half the traffic) for 10 minutes before the rest;
  // the endpoint's alarms roll it back. SageMaker's canary is at most half of the instances.
  endpointInstanceCount: 2,
  rollout: { kind: "canary", canaryInstances: 1, bakeMinutes: 10 },
  // Execution logs show each state's input and output: handy while iterating, kept out of prod.
  includeExecutionData: true,
  requireApproval: true,
  source: { kind: "codecommit", repository: "abalone-cicd-pipeline", branch: "main" },
  logRetentionDays: 30,
  allowDestroy: false,
});
