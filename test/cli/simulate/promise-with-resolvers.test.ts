import { installPromiseWithResolvers } from "../../../cli/simulate/promise-with-resolvers";

type WithResolvers = <T>() => { promise: Promise<T>; resolve: (value: T) => void; reject: (reason?: unknown) => void };
const promise = Promise as unknown as { withResolvers?: WithResolvers };

describe("installPromiseWithResolvers", () => {
  const original = Object.getOwnPropertyDescriptor(Promise, "withResolvers");
  afterEach(() => {
    if (original) Object.defineProperty(Promise, "withResolvers", original);
    else delete promise.withResolvers;
  });

  it("provides Promise.withResolvers where Node lacks it (Node 20), resolving and rejecting from outside", async () => {
    delete promise.withResolvers;
    installPromiseWithResolvers();
    const resolved = promise.withResolvers!<number>();
    resolved.resolve(42);
    await expect(resolved.promise).resolves.toBe(42);
    const rejected = promise.withResolvers!<number>();
    rejected.reject(new Error("no"));
    await expect(rejected.promise).rejects.toThrow("no");
  });

  it("leaves a built-in Promise.withResolvers alone", () => {
    const builtIn: WithResolvers = () => ({
      promise: Promise.resolve(undefined as never),
      resolve: () => undefined,
      reject: () => undefined,
    });
    Object.defineProperty(Promise, "withResolvers", { value: builtIn, configurable: true, writable: true });
    installPromiseWithResolvers();
    expect(promise.withResolvers).toBe(builtIn);
  });
});
