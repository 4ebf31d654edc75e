import { PathSegment, formatPath } from "./value-diff";

/**
 * The shortest tail of `path` that no other path in `allPaths` ends with, so a reader sees
 * `InstanceType` rather than `Parameters.ResourceConfig.InstanceType`, and
 * `ProcessingInputs[code].S3Input.S3Uri` where `S3Uri` alone would be ambiguous.
 * A tail never starts at a list position, and a lower-case key (a user's map key such as a
 * hyperparameter) keeps its parent for context: `HyperParameters.<name>`.
 */
export function shortestUnambiguousPath(path: PathSegment[], allPaths: PathSegment[][]): string {
  const texts = allPaths.map((p) => p.map(segmentText));
  const own = path.map(segmentText);
  for (let length = 1; length <= path.length; length += 1) {
    const start = path.length - length;
    const first = path[start];
    if (typeof first !== "string") continue;
    if (isUserKey(first) && start > 0 && length === 1) continue;
    const tail = own.slice(start);
    const clashes = texts.filter((other) => endsWith(other, tail) && !sameSegments(other, own));
    if (clashes.length === 0) return formatPath(path.slice(start));
  }
  return formatPath(path);
}

function segmentText(segment: PathSegment): string {
  return typeof segment === "string" ? `.${segment}` : `[${segment.id ?? segment.index}]`;
}

// AWS API fields are PascalCase; anything else is data the user named.
function isUserKey(key: string): boolean {
  return !/^[A-Z]/.test(key);
}

function endsWith(path: string[], tail: string[]): boolean {
  if (tail.length > path.length) return false;
  const offset = path.length - tail.length;
  return tail.every((segment, i) => path[offset + i] === segment);
}

function sameSegments(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}
