import { runNamePrefix, sageMakerNameProblem } from "../run-names";
import { WORKFLOW_STEPS, WorkflowStep } from "./ml-workflow";

type Step = (typeof WORKFLOW_STEPS)[number];

/** The state machine's execution input: the per-run name of every step that has one. */
export type ExecutionInput = { [S in Step as S extends { runName: { field: infer F extends string } } ? F : never]: string };

/** The per-run names of one run id in one environment (the execution is named after the run id). */
export function executionInput(environment: string, runId: string): ExecutionInput {
  const names = WORKFLOW_STEPS.flatMap(({ runName }: WorkflowStep) =>
    runName ? [[runName.field, `${runNamePrefix(environment, runName.kind)}${runId}`]] : [],
  );
  return Object.fromEntries(names) as ExecutionInput;
}

/** Problems with the names a run id makes, one line each; empty when SageMaker accepts them all. */
export function runIdProblems(environment: string, runId: string): string[] {
  return Object.entries(executionInput(environment, runId)).flatMap(
    ([field, name]) => sageMakerNameProblem(`run id ${JSON.stringify(runId)} makes ${field}`, name) ?? [],
  );
}
