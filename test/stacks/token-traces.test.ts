import { Lazy } from "cdktf";
import { skipTokenTraces } from "../../stacks/token-traces";

/** The creation stack cdktf keeps for a new token (what it prints when the token fails to resolve). */
const creationStackOfNewToken = () =>
  (Lazy.anyValue({ produce: () => "x" }) as unknown as { creationStack: string[] }).creationStack;

describe("token traces at synth", () => {
  it("are kept when SYNTH_TOKEN_TRACES=1", () => {
    skipTokenTraces({ SYNTH_TOKEN_TRACES: "1" });
    expect(creationStackOfNewToken().length).toBeGreaterThan(0);
  });

  it("are skipped otherwise, so no token pays for a stack trace", () => {
    skipTokenTraces({});
    expect(creationStackOfNewToken()).toEqual([]);
  });
});
