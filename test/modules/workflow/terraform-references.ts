/**
 * Test helper: what Terraform does to a synthesized string at apply time, for the references the
 * workflow uses: `${var.x}` becomes the variable's value, resource and data references become
 * plausible concrete values. An unknown reference is an error, so a new one cannot slip through.
 */
import { resourceName } from "../../helpers/chosen-model";

export const TEST_ACCOUNT = "123456789012";
export const TEST_REGION = "us-east-1";

export function resolveReferences(text: string, variables: Record<string, number>): string {
  return text.replace(/\$\{([^}]*)\}/g, (_match, reference: string) => {
    const variable = /^var\.(\w+)$/.exec(reference);
    if (variable) {
      if (!(variable[1] in variables)) throw new Error(`resolveReferences: no value for ${reference}`);
      return String(variables[variable[1]]);
    }
    const [kind, type, name, attribute] = reference.startsWith("data.")
      ? reference.split(".")
      : ["resource", ...reference.split(".")];
    const id = name.toLowerCase().replace(/_[0-9a-f]{8}$/i, "");
    switch (`${kind === "data" ? "data." : ""}${type}.${attribute}`) {
      case "data.aws_caller_identity.account_id":
        return TEST_ACCOUNT;
      case "data.aws_sagemaker_prebuilt_ecr_image.registry_path":
        return `registry.example/${id}`;
      case "aws_s3_bucket.bucket":
        return resourceName("test", `artifacts-${TEST_ACCOUNT}`);
      case "aws_iam_role.arn":
        return `arn:aws:iam::${TEST_ACCOUNT}:role/${id}`;
      case "aws_lambda_function.arn":
        return `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${id}`;
      case "aws_kms_key.arn":
        return `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
      default:
        throw new Error(`resolveReferences: no stand-in for \${${reference}}`);
    }
  });
}
