import { defineEnvironment } from "./schema";

/** Development: small and cheap, quick to train, looser threshold, torn down freely. */
export default defineEnvironment({
  promotionOrder: 10,
  region: "us-east-1",
  // Each model's values here (models/<name>/model.ts lists them); a model not named runs with its defaults.
  models: { abalone: { epochs: 20, batchSize: 16, threshold: 3.0 } },
  instanceTypes: {
    processing: "ml.m5.large",
    training: "ml.m5.large",
    evaluation: "ml.m5.large",
    endpoint: "ml.t2.medium",
  },
  // Execution logs show each state's input and output: handy while iterating, kept out of prod.
  includeExecutionData: true,
  requireApproval: false,
  source: { kind: "codecommit", repository: "abalone-cicd-pipeline", branch: "develop" },
  logRetentionDays: 7,
  allowDestroy: true,
});
