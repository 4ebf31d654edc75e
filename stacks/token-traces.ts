/**
 * cdktf records a full stack trace (with no depth limit) for every token it creates, only to say
 * where a token came from when it later fails to resolve: about 200 traces per stack, some 15% of
 * a synth's CPU. Synth skips them unless SYNTH_TOKEN_TRACES=1 (set it when such an error needs the
 * token's origin). cdktf 0.21 reads the function from its module's exports on every call.
 */
export function skipTokenTraces(env: Record<string, string | undefined> = process.env): void {
  if (env.SYNTH_TOKEN_TRACES === "1") return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- cdktf's private module, replaced in place
  const traces = require("cdktf/lib/tokens/private/stack-trace") as { captureStackTrace: () => string[] };
  traces.captureStackTrace = () => [];
}
