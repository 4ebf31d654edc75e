/** Stage and action names of the release pipeline, in pipeline order (a pure module: the CLI reads them too). */
export const RELEASE_STAGES = {
  source: { stage: "Source", action: "Source" },
  build: { stage: "Build", action: "BuildModel" },
  approval: { stage: "Approval", action: "EvaluationApproval" },
  deploy: { stage: "Deploy", action: "DeployEndpoint" },
} as const;
