/** Test helper: asl-validator (it ships no types), on a copy, since it writes defaults such as QueryLanguage into its input. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require("asl-validator") as (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };

/** asl-validator's verdict on a definition, with JSONPaths and ARNs checked; errors joined one per line. */
export function validateAsl(definition: unknown): { isValid: boolean; errors: string } {
  const { isValid, errorsText } = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
  return { isValid, errors: errorsText("\n") };
}
