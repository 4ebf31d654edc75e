// Synthesizes N generated environments (copies of dev), to measure how synth scales.
import dev from "../environments/dev";
import { loadEnvironments } from "../environments";
import { synthesizeEnvironments } from "../stacks/synthesize";

const count = Number(process.env.BENCH_ENVIRONMENTS ?? 30);
const files = Object.fromEntries(
  Array.from({ length: count }, (_, i) => [
    `env${String(i + 1).padStart(2, "0")}`,
    () => ({ default: { ...dev, promotionOrder: i + 1 } }),
  ]),
);
synthesizeEnvironments(loadEnvironments(Object.keys(files), files), process.env.CDKTF_OUTDIR ?? "cdktf.out", Object.keys(files));
