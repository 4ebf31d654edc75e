// The floor of a synth: Node plus cdktf creating three empty stacks and synthesizing them.
const { App, TerraformStack } = require("cdktf");

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
for (const name of ["dev", "staging", "prod"]) new TerraformStack(app, name);
app.synth();
