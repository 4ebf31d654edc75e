/**
 * The prefix of one environment's per-run names of a kind of job, `<model>-<env>-<kind>-` (e.g.
 * `<model>-dev-TrainingJob-`; the model's, without a kind, is `<model>-dev-`), so the jobs and
 * models of the environments of one account never share a name. Every per-run name starts with the model's.
 */
export function runNamePrefix(model: string, environment: string, kind?: string): string {
  return `${model}-${environment}-${kind ? `${kind}-` : ""}`;
}

/** SageMaker's rule for model and job names. */
export const SAGEMAKER_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
export const SAGEMAKER_NAME_MAX_LENGTH = 63;

/** Why SageMaker would refuse `name` as a model, job or endpoint config name (`what` names it), or undefined when it accepts it. */
export function sageMakerNameProblem(what: string, name: string): string | undefined {
  if (name.length > SAGEMAKER_NAME_MAX_LENGTH)
    return `${what} ${JSON.stringify(name)} is ${name.length} characters long; SageMaker allows at most ${SAGEMAKER_NAME_MAX_LENGTH}`;
  if (!SAGEMAKER_NAME_PATTERN.test(name))
    return `${what} ${JSON.stringify(name)} breaks SageMaker's name rule: letters, digits and single or repeated '-' between them`;
  return undefined;
}

/** Default run id: the UTC time as YYYYMMDDHHMMSS. */
export function timestampRunId(now: Date = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}
