import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { analyzeEvaluation, AnalyzeResultsEvent, AnalyzeResultsOutput, EvaluationError, ObjectReader } from "./analyze";

// Created once per container and reused across invocations.
const s3 = new S3Client({});

/** Reads an object's text from S3; a missing object is an `EvaluationError` that names it. */
export const readS3Object: ObjectReader = async (bucket, key) => {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!response.Body) throw new EvaluationError(`s3://${bucket}/${key} has no body`);
    return await response.Body.transformToString("utf-8");
  } catch (error) {
    const name = (error as Error).name;
    if (name === "NoSuchKey" || name === "NotFound") throw new EvaluationError(`s3://${bucket}/${key} does not exist`);
    // The role may list the runs' evaluations, so a missing one is NoSuchKey and AccessDenied means just that.
    if (name === "AccessDenied") {
      throw new EvaluationError(`s3://${bucket}/${key} could not be read (AccessDenied): this function may not read it`);
    }
    throw error;
  }
};

/** Lambda entry point (`index.handler` in the bundle). */
export const handler = (event: AnalyzeResultsEvent): Promise<AnalyzeResultsOutput> => analyzeEvaluation(event, readS3Object);
