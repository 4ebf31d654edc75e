import { defineEnvironment } from "./schema";

/** Production: the reference workflow (200 epochs, batch size 8, RMSE below 2.1 rings), approval required, protected. */
export default defineEnvironment({
  promotionOrder: 30,
  region: "us-east-1",
  epochs: 200,
  batchSize: 8,
  threshold: 2.1,
  instanceTypes: {
    processing: "ml.m5.xlarge",
    training: "ml.m5.xlarge",
    evaluation: "ml.m5.xlarge",
    endpoint: "ml.m5.large",
  },
  requireApproval: true,
  source: { kind: "codecommit", repository: "abalone-cicd-pipeline", branch: "main" },
  logRetentionDays: 365,
  allowDestroy: false,
});
