/**
 * The prebuilt SageMaker images the workflow runs, by repository and tag. The registry (account
 * and domain) differs per region, so the stack resolves each one with the provider's
 * `aws_sagemaker_prebuilt_ecr_image` data source; nothing here names a registry account.
 */
export interface PrebuiltImage {
  /** ECR repository name, as the data source knows it. */
  repositoryName: string;
  /** Image tag. */
  imageTag: string;
}

export const WORKFLOW_IMAGES = {
  /** Pre-process Data: scikit-learn 1.2-1 processing image (Python 3, pandas, numpy). */
  processing: { repositoryName: "sagemaker-scikit-learn", imageTag: "1.2-1-cpu-py3" },
  /** Model Training and Model Evaluation: TensorFlow 2.18 deep learning container for SageMaker, CPU. */
  training: { repositoryName: "tensorflow-training", imageTag: "2.18.0-cpu-py310-ubuntu22.04-sagemaker" },
  /** Register Trained Model: TensorFlow Serving 2.18 for SageMaker endpoints, CPU. */
  inference: { repositoryName: "tensorflow-inference", imageTag: "2.18.0-cpu-py310-ubuntu20.04-sagemaker" },
} as const satisfies Record<string, PrebuiltImage>;

export type WorkflowImageKind = keyof typeof WORKFLOW_IMAGES;

/** A readable stand-in for an image URI that only the deployed stack knows, e.g. `<image:tensorflow-training:2.18.0-...>`. */
export function imagePlaceholder(image: PrebuiltImage): string {
  return `<image:${image.repositoryName}:${image.imageTag}>`;
}

/** An image URI (or another value) for every kind, e.g. each resolved by the provider or each a placeholder. */
export function imageUris<T = string>(uri: (image: PrebuiltImage, kind: WorkflowImageKind) => T): Record<WorkflowImageKind, T> {
  const kinds = Object.keys(WORKFLOW_IMAGES) as WorkflowImageKind[];
  return Object.fromEntries(kinds.map((kind) => [kind, uri(WORKFLOW_IMAGES[kind], kind)])) as Record<WorkflowImageKind, T>;
}
