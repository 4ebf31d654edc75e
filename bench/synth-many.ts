// Synthesizes N generated environments (copies of dev), to measure how synth scales.
import dev from "../environments/dev";
import { loadEnvironments } from "../environments";
import { synthesizeEnvironments } from "../stacks/synthesize";

const count = Number(process.env.BENCH_ENVIRONMENTS ?? 30);
const sources = Array.from({ length: count }, (_, i) => {
  const name = `env${String(i + 1).padStart(2, "0")}`;
  return { file: `generated/${name}.ts`, config: { ...dev, name } };
});
synthesizeEnvironments(loadEnvironments(undefined, sources), process.env.CDKTF_OUTDIR ?? "cdktf.out");
