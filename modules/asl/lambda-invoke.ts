import { PolicyStatement } from "../iam/policy";
import { AwsScope, integrationArn } from "./arn";
import { JsonPath, Payload } from "./json-path";
import { TaskBuilder, taskState, TaskStateProps } from "./task";
import { TaskState } from "./types";
import { isDeferred } from "./validation";

export interface LambdaInvokeProps extends TaskStateProps {
  /** Partition of the Step Functions integration ARN. */
  scope: Pick<AwsScope, "partition">;
  /** ARN of the function, unqualified: the task invokes `$LATEST`, so no version or alias is allowed. */
  functionArn: string;
  /** The event the function receives. Default: the state's input. */
  payload?: Payload;
  /** `RequestResponse` waits for the function's result; `Event` does not. Default: `RequestResponse`. */
  invocationType?: "RequestResponse" | "Event";
}

/** Lambda `Invoke` as a Task state (the result is `{Payload, StatusCode, ...}`), with the IAM statement it needs. */
export class LambdaInvoke implements TaskBuilder {
  readonly state: TaskState;
  readonly policyStatements: PolicyStatement[];

  /** @param stateName the state's name, used in error messages. */
  constructor(
    readonly stateName: string,
    props: LambdaInvokeProps,
  ) {
    if (!isDeferred(props.functionArn) && !/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+$/.test(props.functionArn)) {
      throw new Error(
        `${stateName}: functionArn must be an unqualified Lambda function ARN (got ${JSON.stringify(props.functionArn)})`,
      );
    }
    const parameters: Payload = {
      FunctionName: props.functionArn,
      InvocationType: props.invocationType,
      Payload: props.payload ?? JsonPath.at("$"),
    };
    this.state = taskState(integrationArn(props.scope, "lambda", "invoke", "REQUEST_RESPONSE"), parameters, props, stateName);
    this.policyStatements = [
      // Exactly the function the task names: Invoke on the unqualified ARN is authorized on it alone.
      { actions: ["lambda:InvokeFunction"], resources: [props.functionArn] },
    ];
  }
}
