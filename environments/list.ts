/**
 * `npm run --silent environments`: the defined environments in promotion order, as JSON for the
 * GitHub workflows' matrices (`fromJSON`), so adding an environment needs no workflow change.
 */
import { EnvironmentError, promotionOrder } from ".";

try {
  const rows = promotionOrder().map((env) => ({
    environment: env.name,
    region: env.region,
    // The repository variable holding the environment's plan role (pull-request.yml).
    role_variable: `AWS_ROLE_ARN_${env.name.toUpperCase().replace(/-/g, "_")}`,
  }));
  process.stdout.write(`${JSON.stringify(rows)}\n`);
} catch (error) {
  if (!(error instanceof EnvironmentError)) throw error;
  for (const problem of error.problems) console.error(problem);
  process.exit(1);
}
