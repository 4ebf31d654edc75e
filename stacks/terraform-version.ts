import * as fs from "fs";
import * as path from "path";

/** The one Terraform release of the project: the GitHub workflows install it, tfenv and tfswitch read it. */
export const TERRAFORM_VERSION_FILE = path.resolve(__dirname, "..", ".terraform-version");

/** The release named in `file`: `major.minor.patch`, nothing else. */
export function readTerraformVersion(file = TERRAFORM_VERSION_FILE): string {
  const text = fs.readFileSync(file, "utf8").trim();
  if (!/^\d+\.\d+\.\d+$/.test(text)) {
    throw new Error(`${file}: ${JSON.stringify(text)} is not a Terraform release; write major.minor.patch, such as 1.11.4`);
  }
  return text;
}

export const TERRAFORM_VERSION = readTerraformVersion();

/**
 * What every stack requires: the minor of that release or later, so a developer's Terraform and CI's
 * agree on one number. It must stay at 1.11 or above: the stacks' S3 backend uses `use_lockfile`,
 * generally available from 1.11 (experimental in 1.10).
 */
export const REQUIRED_TERRAFORM_VERSION = `>= ${TERRAFORM_VERSION.split(".").slice(0, 2).join(".")}`;
