import { findPython, PYTHON_CANDIDATES, prerequisitesMessage } from "../../tools/prerequisites";

/** The Python of every test: PYTHON, which test/global/setup.ts sets to the one `npm test` checked. */
export const PYTHON = process.env.PYTHON ?? PYTHON_CANDIDATES[0];

/** The prerequisite check's message when no Python has the SageMaker scripts' modules; undefined when PYTHON has them. */
export function missingScriptPrerequisites(): string | undefined {
  return prerequisitesMessage({ python: findPython(), shellcheck: true });
}
