import { AwsScope } from "../../../modules/asl/arn";
import { JsonPath } from "../../../modules/asl/json-path";
import { LambdaInvoke } from "../../../modules/asl/lambda-invoke";
import { SageMakerCreateModel, SageMakerCreateModelProps } from "../../../modules/asl/sagemaker-create-model";
import {
  SageMakerCreateProcessingJob,
  SageMakerCreateProcessingJobProps,
} from "../../../modules/asl/sagemaker-create-processing-job";
import { SageMakerCreateTrainingJob, SageMakerCreateTrainingJobProps } from "../../../modules/asl/sagemaker-create-training-job";

const scope: AwsScope = { partition: "aws", region: "eu-west-1", accountId: "111122223333" };
const roleArn = "arn:aws:iam::111122223333:role/sagemaker";
const passRole = {
  actions: ["iam:PassRole"],
  resources: [roleArn],
  conditions: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
};

const processingProps: SageMakerCreateProcessingJobProps = {
  scope,
  processingJobName: JsonPath.at("$.PreprocessingJobName"),
  jobNamePrefix: "abalone-ProcessingJob-",
  roleArn,
  imageUri: "image:1",
  containerEntrypoint: ["python3", "/opt/ml/processing/input/code/run.py"],
  instanceType: "ml.m5.xlarge",
  inputs: [{ name: "code", s3Uri: "s3://bucket/code/run.py", localPath: "/opt/ml/processing/input/code" }],
  outputs: [
    { name: "out", s3Uri: JsonPath.format("s3://bucket/{}", JsonPath.executionName), localPath: "/opt/ml/processing/output" },
  ],
};

describe("SageMakerCreateProcessingJob", () => {
  it("renders a .sync task with run-time job name and output, and AWS's defaults made explicit", () => {
    const task = new SageMakerCreateProcessingJob("Process", { ...processingProps, next: "After" });
    expect(task.state.Resource).toBe("arn:aws:states:::sagemaker:createProcessingJob.sync");
    expect(task.state.Next).toBe("After");
    expect(task.state.Parameters).toMatchObject({
      "ProcessingJobName.$": "$.PreprocessingJobName",
      RoleArn: roleArn,
      AppSpecification: { ImageUri: "image:1", ContainerEntrypoint: ["python3", "/opt/ml/processing/input/code/run.py"] },
      ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: "ml.m5.xlarge", VolumeSizeInGB: 30 } },
      ProcessingOutputConfig: {
        Outputs: [{ OutputName: "out", S3Output: { "S3Uri.$": "States.Format('s3://bucket/{}', $$.Execution.Name)" } }],
      },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    });
    expect(task.state.Parameters).not.toHaveProperty("Tags");
  });

  it("encrypts the outputs and the storage volume with the keys it is given", () => {
    const task = new SageMakerCreateProcessingJob("Process", {
      ...processingProps,
      outputKmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/out",
      volumeKmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/vol",
    });
    expect(task.state.Parameters).toMatchObject({
      ProcessingOutputConfig: { KmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/out" },
      ProcessingResources: { ClusterConfig: { VolumeKmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/vol" } },
    });
  });

  it("asks no volume key of an instance type with local storage, which SageMaker refuses (the hardware encrypts it)", () => {
    const task = new SageMakerCreateProcessingJob("Process", {
      ...processingProps,
      instanceType: "ml.g4dn.xlarge",
      outputKmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/out",
      volumeKmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/vol",
    });
    expect(task.state.Parameters).toMatchObject({
      ProcessingOutputConfig: { KmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/out" },
    });
    expect(JSON.stringify(task.state.Parameters)).not.toContain("VolumeKmsKeyId");
  });

  it("needs Create/Describe/Stop and ListTags on the prefix's jobs (both spellings), the .sync rule, and PassRole to SageMaker only", () => {
    const task = new SageMakerCreateProcessingJob("Process", processingProps);
    expect(task.policyStatements).toEqual([
      {
        actions: [
          "sagemaker:CreateProcessingJob",
          "sagemaker:DescribeProcessingJob",
          "sagemaker:StopProcessingJob",
          "sagemaker:ListTags",
        ],
        resources: [
          "arn:aws:sagemaker:eu-west-1:111122223333:processing-job/abalone-ProcessingJob-*",
          "arn:aws:sagemaker:eu-west-1:111122223333:processing-job/abalone-processingjob-*",
        ],
      },
      {
        actions: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
        resources: ["arn:aws:events:eu-west-1:111122223333:rule/StepFunctionsGetEventsForSageMakerProcessingJobsRule"],
      },
      passRole,
    ]);
  });

  it("adds sagemaker:AddTags only when tags are passed", () => {
    const task = new SageMakerCreateProcessingJob("Process", { ...processingProps, tags: { Project: "abalone" } });
    expect(task.state.Parameters?.Tags).toEqual([{ Key: "Project", Value: "abalone" }]);
    expect(task.policyStatements[0].actions).toContain("sagemaker:AddTags");
  });

  it("without .sync needs neither Describe/Stop nor the EventBridge rule", () => {
    const task = new SageMakerCreateProcessingJob("Process", { ...processingProps, integrationPattern: "REQUEST_RESPONSE" });
    expect(task.state.Resource).toBe("arn:aws:states:::sagemaker:createProcessingJob");
    expect(task.policyStatements.flatMap((s) => s.actions)).toEqual([
      "sagemaker:CreateProcessingJob",
      "sagemaker:ListTags",
      "iam:PassRole",
    ]);
  });

  it("rejects invalid props with the state, the field, the value and the rule", () => {
    expect(() => new SageMakerCreateProcessingJob("Process", { ...processingProps, instanceType: "m5.large" })).toThrow(
      'Process: instanceType must be a SageMaker instance type such as ml.m5.xlarge (got "m5.large")',
    );
    expect(() => new SageMakerCreateProcessingJob("Process", { ...processingProps, volumeSizeInGb: 0 })).toThrow(
      "Process: volumeSizeInGb must be an integer from 1 to 16384 (got 0)",
    );
    expect(() => new SageMakerCreateProcessingJob("Process", { ...processingProps, processingJobName: "other-job" })).toThrow(
      'Process: processingJobName "other-job" must start with "abalone-ProcessingJob-", the prefix its IAM permissions are scoped to',
    );
    expect(
      () =>
        new SageMakerCreateProcessingJob("Process", {
          ...processingProps,
          inputs: [{ name: "x", s3Uri: "s3://b/k", localPath: "/tmp" }],
        }),
    ).toThrow('Process: inputs.x.localPath must be under /opt/ml/processing/ (got "/tmp")');
    expect(() => new SageMakerCreateProcessingJob("Process", { ...processingProps, outputs: [] })).toThrow(
      "Process: outputs must hold at least one output",
    );
    expect(() => new SageMakerCreateProcessingJob("Process", { ...processingProps, jobNamePrefix: "bad_prefix" })).toThrow(
      "jobNamePrefix must be the start of a SageMaker name",
    );
  });

  it("accepts Terraform references and preview placeholders where values are only known at deploy time", () => {
    const deferred = {
      ...processingProps,
      instanceType: "${var.instance_type}",
      inputs: [{ name: "code", s3Uri: "s3://<artifact-bucket>/code", localPath: "/opt/ml/processing/input/code" }],
    };
    expect(() => new SageMakerCreateProcessingJob("Process", deferred)).not.toThrow();
  });
});

const trainingProps: SageMakerCreateTrainingJobProps = {
  scope,
  trainingJobName: JsonPath.at("$.TrainingJobName"),
  jobNamePrefix: "abalone-TrainingJob-",
  roleArn,
  trainingImage: "train:1",
  hyperParameters: { epochs: "10" },
  inputChannels: [{ channelName: "training", s3Uri: "s3://bucket/train", contentType: "csv" }],
  outputS3Path: JsonPath.format("s3://bucket/{}", JsonPath.executionName),
  instanceType: "ml.m5.large",
};

describe("SageMakerCreateTrainingJob", () => {
  it("renders a .sync training task with string hyperparameters, a csv channel and the profiler off", () => {
    const task = new SageMakerCreateTrainingJob("Train", trainingProps);
    expect(task.state.Resource).toBe("arn:aws:states:::sagemaker:createTrainingJob.sync");
    expect(task.state.End).toBe(true);
    expect(task.state.Parameters).toMatchObject({
      "TrainingJobName.$": "$.TrainingJobName",
      AlgorithmSpecification: { TrainingImage: "train:1", TrainingInputMode: "File" },
      HyperParameters: { epochs: "10" },
      InputDataConfig: [
        {
          ChannelName: "training",
          ContentType: "csv",
          DataSource: {
            S3DataSource: { S3DataType: "S3Prefix", S3Uri: "s3://bucket/train", S3DataDistributionType: "FullyReplicated" },
          },
        },
      ],
      OutputDataConfig: { "S3OutputPath.$": "States.Format('s3://bucket/{}', $$.Execution.Name)" },
      ResourceConfig: { InstanceCount: 1, InstanceType: "ml.m5.large", VolumeSizeInGB: 30 },
      ProfilerConfig: { DisableProfiler: true },
    });
  });

  it("encrypts the output and the storage volume with the keys it is given", () => {
    const task = new SageMakerCreateTrainingJob("Train", {
      ...trainingProps,
      outputKmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/out",
      volumeKmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/vol",
    });
    expect(task.state.Parameters).toMatchObject({
      OutputDataConfig: { KmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/out" },
      ResourceConfig: { VolumeKmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/vol" },
    });
  });

  it.each(["ml.g4dn.xlarge", "ml.p3dn.24xlarge"])(
    "asks no volume key of %s, whose local storage SageMaker refuses a key for",
    (type) => {
      const task = new SageMakerCreateTrainingJob("Train", {
        ...trainingProps,
        instanceType: type,
        outputKmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/out",
        volumeKmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/vol",
      });
      expect(task.state.Parameters).toMatchObject({
        OutputDataConfig: { KmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/out" },
      });
      expect(JSON.stringify(task.state.Parameters)).not.toContain("VolumeKmsKeyId");
    },
  );

  it("needs the training-job actions on the prefix, for jobs with its tags only, the training .sync rule and conditioned PassRole", () => {
    const task = new SageMakerCreateTrainingJob("Train", { ...trainingProps, tags: { Environment: "dev" } });
    const resources = [
      "arn:aws:sagemaker:eu-west-1:111122223333:training-job/abalone-TrainingJob-*",
      "arn:aws:sagemaker:eu-west-1:111122223333:training-job/abalone-trainingjob-*",
    ];
    expect(task.policyStatements).toEqual([
      {
        actions: ["sagemaker:CreateTrainingJob", "sagemaker:AddTags"],
        resources,
        conditions: { StringEquals: { "aws:RequestTag/Environment": "dev" } },
      },
      {
        actions: ["sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob", "sagemaker:ListTags"],
        resources,
        conditions: { StringEquals: { "aws:ResourceTag/Environment": "dev" } },
      },
      {
        actions: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
        resources: ["arn:aws:events:eu-west-1:111122223333:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule"],
      },
      passRole,
    ]);
  });

  it("refuses a hyperparameter that is not a string, since SageMaker takes strings only", () => {
    const props = { ...trainingProps, hyperParameters: { epochs: 10 as unknown as string } };
    expect(() => new SageMakerCreateTrainingJob("Train", props)).toThrow(
      "Train: hyperParameters.epochs must be a string, as SageMaker requires (got number 10)",
    );
  });

  it("refuses a retrier whose delay bound is below its interval", () => {
    const props = { ...trainingProps, retry: [{ ErrorEquals: ["X"], IntervalSeconds: 10, MaxDelaySeconds: 5 }] };
    expect(() => new SageMakerCreateTrainingJob("Train", props)).toThrow(
      "Train: retrier for X: MaxDelaySeconds must be >= IntervalSeconds (got 5 < 10)",
    );
  });
});

const modelProps: SageMakerCreateModelProps = {
  scope,
  modelName: JsonPath.at("$.ModelName"),
  modelNamePrefix: "abalone-",
  executionRoleArn: roleArn,
  image: "serve:1",
  modelDataUrl: JsonPath.at("$.Training.S3ModelArtifacts"),
};

describe("SageMakerCreateModel", () => {
  it("renders a request/response task whose model data comes from an earlier result", () => {
    const task = new SageMakerCreateModel("Register", {
      ...modelProps,
      resultSelector: { ModelArn: JsonPath.at("$.ModelArn") },
      resultPath: "$.Model",
    });
    expect(task.state).toMatchObject({
      Resource: "arn:aws:states:::sagemaker:createModel",
      Parameters: {
        "ModelName.$": "$.ModelName",
        ExecutionRoleArn: roleArn,
        PrimaryContainer: { Image: "serve:1", "ModelDataUrl.$": "$.Training.S3ModelArtifacts" },
      },
      ResultSelector: { "ModelArn.$": "$.ModelArn" },
      ResultPath: "$.Model",
    });
  });

  it("needs CreateModel on the model prefix and PassRole to SageMaker", () => {
    const task = new SageMakerCreateModel("Register", modelProps);
    expect(task.policyStatements).toEqual([
      { actions: ["sagemaker:CreateModel"], resources: ["arn:aws:sagemaker:eu-west-1:111122223333:model/abalone-*"] },
      passRole,
    ]);
  });

  it("creates and tags only models that carry its tags", () => {
    const task = new SageMakerCreateModel("Register", { ...modelProps, tags: { Environment: "prod" } });
    expect(task.policyStatements[0]).toEqual({
      actions: ["sagemaker:CreateModel", "sagemaker:AddTags"],
      resources: ["arn:aws:sagemaker:eu-west-1:111122223333:model/abalone-*"],
      conditions: { StringEquals: { "aws:RequestTag/Environment": "prod" } },
    });
  });
});

describe("LambdaInvoke", () => {
  const functionArn = "arn:aws:lambda:eu-west-1:111122223333:function:analyze";

  it("renders the optimized lambda:invoke integration with the payload's run-time fields", () => {
    const task = new LambdaInvoke("Analyze", {
      scope,
      functionArn,
      payload: { Bucket: "b", Key: JsonPath.at("$.key") },
      next: "Check",
    });
    expect(task.state).toMatchObject({
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: functionArn, Payload: { Bucket: "b", "Key.$": "$.key" } },
      Next: "Check",
    });
  });

  it("passes the state input when no payload is given", () => {
    expect(new LambdaInvoke("Analyze", { scope, functionArn }).state.Parameters).toEqual({
      FunctionName: functionArn,
      "Payload.$": "$",
    });
  });

  it("needs lambda:InvokeFunction on the unqualified function only, the one it invokes", () => {
    expect(new LambdaInvoke("Analyze", { scope, functionArn }).policyStatements).toEqual([
      { actions: ["lambda:InvokeFunction"], resources: [functionArn] },
    ]);
  });

  it("refuses a qualified or malformed function ARN", () => {
    expect(() => new LambdaInvoke("Analyze", { scope, functionArn: `${functionArn}:live` })).toThrow(
      "Analyze: functionArn must be an unqualified Lambda function ARN",
    );
  });
});
