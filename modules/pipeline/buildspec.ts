import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Where the buildspecs live: shipped as is, inlined into their CodeBuild project at synth. */
export const BUILDSPEC_DIR = join(__dirname, "..", "..", "assets", "buildspecs");

/** The buildspec of each release step, by file name in `assets/buildspecs/`. */
export const BUILDSPECS = {
  buildModel: "build-model.yml",
  deployEndpoint: "deploy-endpoint.yml",
} as const;

/** The text of one buildspec file. */
export function readBuildspec(file: string): string {
  return readFileSync(join(BUILDSPEC_DIR, file), "utf8");
}

/**
 * A text as a literal Terraform string: `${` and `%{` start Terraform templates, so the shell's
 * `${VAR}` is written `$${VAR}` (and `%{` as `%%{`); Terraform hands AWS the original text.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** The inverse of `terraformLiteral`: what Terraform sends to AWS. */
export function fromTerraformLiteral(text: string): string {
  return text.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}
