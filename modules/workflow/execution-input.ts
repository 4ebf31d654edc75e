import { runNamePrefix, sageMakerNameProblem } from "../run-names";
import { COMMIT_FIELD, WORKFLOW_STEPS, WorkflowStep } from "./ml-workflow";
import { UNKNOWN_COMMIT } from "./model-version";

type Step = (typeof WORKFLOW_STEPS)[number];

/** The per-run SageMaker name of every step that has one. */
export type RunNames = { [S in Step as S extends { runName: { field: infer F extends string } } ? F : never]: string };

/** The state machine's execution input: the run's names and the commit it was built from. */
export type ExecutionInput = RunNames & { [COMMIT_FIELD]: string };

/** The per-run names of one run id of a model in one environment (the execution is named after the run id). */
export function runNames(model: string, environment: string, runId: string): RunNames {
  const names = WORKFLOW_STEPS.flatMap(({ runName }: WorkflowStep) =>
    runName ? [[runName.field, `${runNamePrefix(model, environment, runName.kind)}${runId}`]] : [],
  );
  return Object.fromEntries(names) as RunNames;
}

/** The execution input of one run: its names, and its commit (recorded with the registered version). */
export function executionInput(
  model: string,
  environment: string,
  runId: string,
  commit: string = UNKNOWN_COMMIT,
): ExecutionInput {
  return { ...runNames(model, environment, runId), [COMMIT_FIELD]: commit };
}

/** Problems with the names a run id makes, one line each; empty when SageMaker accepts them all. */
export function runIdProblems(model: string, environment: string, runId: string): string[] {
  return Object.entries(runNames(model, environment, runId)).flatMap(
    ([field, name]) => sageMakerNameProblem(`run id ${JSON.stringify(runId)} makes ${field}`, name) ?? [],
  );
}
