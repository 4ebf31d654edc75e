/** One step of a path into a JSON value: an object key, or an array element (by identity when it has one). */
export type PathSegment = string | { index: number; id?: string };

/** One difference (or, on request, one unchanged leaf) between two JSON values. */
export interface ValueChange {
  path: PathSegment[];
  kind: "added" | "removed" | "changed" | "unchanged";
  before?: unknown;
  after?: unknown;
}

export interface DiffOptions {
  /** Also report unchanged leaves (used to find the shortest unambiguous name of a path). Default: false. */
  includeUnchanged?: boolean;
  /** Keys skipped everywhere. Default: CDKTF's `//` metadata key. */
  ignoreKeys?: string[];
}

/**
 * Keys that name an element of a list of objects, in order of preference, so that inserting one
 * processing input or catcher is one added element, not every later element "changed".
 */
const IDENTITY_KEYS = ["Sid", "InputName", "OutputName", "ChannelName", "VariantName", "ErrorEquals", "name", "Name", "key"];

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}

/** Differences between two JSON values, leaf by leaf; a subtree present on one side only is one change. */
export function diffValues(before: unknown, after: unknown, options: DiffOptions = {}): ValueChange[] {
  const changes: ValueChange[] = [];
  const ignored = new Set(options.ignoreKeys ?? ["//"]);
  const walk = (a: unknown, b: unknown, path: PathSegment[]): void => {
    if (a === undefined && b === undefined) return;
    if (a === undefined) return void changes.push({ path, kind: "added", after: b });
    if (b === undefined) return void changes.push({ path, kind: "removed", before: a });
    if (isPlainObject(a) && isPlainObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => !ignored.has(key));
      for (const key of keys) walk(a[key], b[key], [...path, key]);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && (a.some(isPlainObject) || b.some(isPlainObject))) {
      for (const [x, y, segment] of pairElements(a, b)) walk(x, y, [...path, segment]);
      return;
    }
    if (!deepEqual(a, b)) changes.push({ path, kind: "changed", before: a, after: b });
    else if (options.includeUnchanged) changes.push({ path, kind: "unchanged", before: a, after: b });
  };
  walk(before, after, []);
  return changes;
}

/** Pairs the elements of two lists of objects by an identity key both sides share, else by position. */
function pairElements(a: unknown[], b: unknown[]): Array<[unknown, unknown, PathSegment]> {
  const key = IDENTITY_KEYS.find((candidate) => identifies(a, candidate) && identifies(b, candidate));
  if (!key) {
    return Array.from({ length: Math.max(a.length, b.length) }, (_, index) => [a[index], b[index], { index }]);
  }
  const idOf = (item: unknown) => identityText((item as Record<string, unknown>)[key]);
  const bById = new Map(b.map((item, index) => [idOf(item), { item, index }]));
  const pairs: Array<[unknown, unknown, PathSegment]> = a.map((item, index) => {
    const id = idOf(item);
    return [item, bById.get(id)?.item, { index, id }];
  });
  const aIds = new Set(a.map(idOf));
  b.forEach((item, index) => {
    const id = idOf(item);
    if (!aIds.has(id)) pairs.push([undefined, item, { index, id }]);
  });
  return pairs;
}

function identifies(items: unknown[], key: string): boolean {
  if (!items.every((item) => isPlainObject(item) && item[key] !== undefined)) return false;
  const ids = items.map((item) => identityText((item as Record<string, unknown>)[key]));
  return new Set(ids).size === ids.length;
}

function identityText(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(",") : String(value);
}

/** `Parameters.ProcessingInputs[code].S3Input.S3Uri` */
export function formatPath(path: PathSegment[]): string {
  return path
    .map((segment, i) => {
      if (typeof segment === "string") return i === 0 ? segment : `.${segment}`;
      return `[${segment.id ?? segment.index}]`;
    })
    .join("");
}

/** A value as a reader wants it on one line: strings bare, the rest as compact JSON, long ones shortened. */
export function formatValue(value: unknown, maxLength = 100): string {
  if (value === undefined) return "(none)";
  const text = typeof value === "string" && !/[\r\n]/.test(value) ? value : JSON.stringify(value);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
