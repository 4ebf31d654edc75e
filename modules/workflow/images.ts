/**
 * The prebuilt SageMaker images a model's steps run (its declaration's `images`), by repository and
 * tag. The registry (account and domain) differs per region, so the stack resolves each one with
 * the provider's `aws_sagemaker_prebuilt_ecr_image` data source; nothing here names a registry account.
 */
import type { ModelDeclaration } from "../model/declaration";

export type PrebuiltImage = ModelDeclaration["images"][WorkflowImageKind];

/** The steps that run an image: Pre-process Data, Model Training, Model Evaluation, Register Trained Model (and its endpoint). */
export const WORKFLOW_IMAGE_KINDS = ["processing", "training", "evaluation", "inference"] as const;
export type WorkflowImageKind = (typeof WORKFLOW_IMAGE_KINDS)[number];

/** A readable stand-in for an image URI that only the deployed stack knows, e.g. `<image:tensorflow-training:2.18.0-...>`. */
export function imagePlaceholder(image: PrebuiltImage): string {
  return `<image:${image.repositoryName}:${image.imageTag}>`;
}

/**
 * A value for every kind, computed once per distinct image (steps sharing an image share its
 * value): each resolved by the provider, or each a placeholder. `kind` is the first kind that runs the image.
 */
export function imageUris<T = string>(
  images: ModelDeclaration["images"],
  uri: (image: PrebuiltImage, kind: WorkflowImageKind) => T,
): Record<WorkflowImageKind, T> {
  const byImage = new Map<string, T>();
  const entries = WORKFLOW_IMAGE_KINDS.map((kind) => {
    const image = images[kind];
    const id = `${image.repositoryName}:${image.imageTag}`;
    if (!byImage.has(id)) byImage.set(id, uri(image, kind));
    return [kind, byImage.get(id) as T];
  });
  return Object.fromEntries(entries) as Record<WorkflowImageKind, T>;
}
