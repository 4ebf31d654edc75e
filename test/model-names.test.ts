import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
/** Platform code: what every model shares. It takes a model's declaration as a value and names none. */
const PLATFORM = ["modules", "stacks", "cli", "review", "assets/analyze-results", "assets/buildspecs"];

const filesUnder = (dir: string): string[] =>
  fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(relative) : [relative];
  });

/** The models: the folders of models/. */
const MODELS = fs
  .readdirSync(path.join(ROOT, "models"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

describe("platform code", () => {
  it("has models to check", () => {
    expect(MODELS.length).toBeGreaterThan(0);
  });

  it("names no model: no model folder's name appears in modules, stacks, cli, review, the Lambda or the buildspecs", () => {
    const found = PLATFORM.flatMap(filesUnder).flatMap((file) => {
      const text = fs.readFileSync(path.join(ROOT, file), "utf8");
      return MODELS.flatMap((model) =>
        text
          .split("\n")
          .flatMap((line, index) => (new RegExp(`\\b${model}\\b`, "i").test(line) ? [`${file}:${index + 1}: ${model}`] : [])),
      );
    });
    expect(found).toEqual([]);
  });
});
