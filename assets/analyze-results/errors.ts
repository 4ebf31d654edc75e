/** Bad input: the workflow's Catch routes it to `ML Workflow Failed`. */
export class EvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvaluationError";
  }
}
