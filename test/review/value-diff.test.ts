import { shortestUnambiguousPath } from "../../review/readable-path";
import { diffValues, formatPath, formatValue } from "../../review/value-diff";

const input = (name: string, uri: string) => ({
  InputName: name,
  S3Input: { S3Uri: uri, LocalPath: `/opt/ml/processing/${name}` },
});

describe("diffValues", () => {
  it("reports a leaf change with its path and both values", () => {
    const changes = diffValues(
      { ResourceConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1 } },
      { ResourceConfig: { InstanceType: "ml.m5.2xlarge", InstanceCount: 1 } },
    );
    expect(changes).toEqual([
      { path: ["ResourceConfig", "InstanceType"], kind: "changed", before: "ml.m5.xlarge", after: "ml.m5.2xlarge" },
    ]);
  });

  it("pairs list elements by their name, so an inserted element is one addition", () => {
    const before = { ProcessingInputs: [input("input", "s3://b/raw"), input("code", "s3://b/code")] };
    const after = {
      ProcessingInputs: [input("input", "s3://b/raw"), input("model", "s3://b/model"), input("code", "s3://b/code")],
    };
    const changes = diffValues(before, after);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: "added", path: ["ProcessingInputs", { id: "model" }] });
    expect(formatPath(changes[0].path)).toBe("ProcessingInputs[model]");
  });

  it("compares lists of plain values as one value and ignores CDKTF's // metadata", () => {
    const changes = diffValues(
      { "//": { path: "a" }, ErrorEquals: ["States.ALL"] },
      { "//": { path: "b" }, ErrorEquals: ["States.TaskFailed"] },
    );
    expect(changes).toEqual([{ path: ["ErrorEquals"], kind: "changed", before: ["States.ALL"], after: ["States.TaskFailed"] }]);
  });

  it("reports a subtree present on one side as one change", () => {
    expect(diffValues({ a: 1 }, { a: 1, Retry: [{ MaxAttempts: 2 }] })).toEqual([
      { path: ["Retry"], kind: "added", after: [{ MaxAttempts: 2 }] },
    ]);
    expect(diffValues({ a: 1, b: { c: 2 } }, { a: 1 })).toEqual([{ path: ["b"], kind: "removed", before: { c: 2 } }]);
  });
});

describe("shortestUnambiguousPath", () => {
  const paths = (value: unknown) => diffValues(value, value, { includeUnchanged: true }).map((c) => c.path);
  const state = {
    Parameters: {
      ResourceConfig: { InstanceType: "ml.m5.xlarge" },
      HyperParameters: { epochs: "200" },
      ProcessingInputs: [input("input", "s3://b/raw"), input("code", "s3://b/code")],
    },
  };

  it("shows the field name alone when no other field of the state ends the same way", () => {
    expect(shortestUnambiguousPath(["Parameters", "ResourceConfig", "InstanceType"], paths(state))).toBe("InstanceType");
  });

  it("keeps the parent of a user-named key such as a hyperparameter", () => {
    expect(shortestUnambiguousPath(["Parameters", "HyperParameters", "epochs"], paths(state))).toBe("HyperParameters.epochs");
  });

  it("adds the element's name where the field name alone is ambiguous", () => {
    const path = ["Parameters", "ProcessingInputs", { index: 1, id: "code" }, "S3Input", "S3Uri"];
    expect(shortestUnambiguousPath(path, paths(state))).toBe("ProcessingInputs[code].S3Input.S3Uri");
  });
});

describe("formatValue", () => {
  it("prints strings bare, other values as JSON, long ones shortened", () => {
    expect(formatValue("ml.m5.xlarge")).toBe("ml.m5.xlarge");
    expect(formatValue(["a", "b"])).toBe('["a","b"]');
    expect(formatValue(undefined)).toBe("(none)");
    expect(formatValue("x".repeat(200))).toHaveLength(100);
  });
});
