// ESLint 9 flat config: typescript-eslint's recommended rules, and the layers as import boundaries.
import js from "@eslint/js";
import boundaries from "eslint-plugin-boundaries";
import tseslint from "typescript-eslint";

/**
 * The layers. models and environments → stacks → modules: a model folder declares its model with
 * modules/model's API (models/index.ts chooses the one the project builds); an environment file is data (checked against AWS's
 * own lists in modules/aws-catalog.ts), a stack composes modules for one environment, a module is
 * one concern. The CLI and the review are tools on top: they use modules and environments, and the
 * review shares the CLI's argument parsing, errors and workflow diagram (SHARED_WITH_REVIEW), nothing
 * else of it. One import points upward, modules → environments (see ALLOWED); modules never import
 * stacks, cli or review.
 */
const LAYERS = [
  { type: "models", pattern: "models", partialMatch: false },
  { type: "environments", pattern: "environments", partialMatch: false },
  { type: "stacks", pattern: "stacks", partialMatch: false },
  { type: "modules", pattern: "modules", partialMatch: false },
  { type: "assets", pattern: "assets", partialMatch: false },
  { type: "cli", pattern: "cli", partialMatch: false },
  { type: "review", pattern: "review", partialMatch: false },
];

/**
 * What each layer may import (besides packages). Modules take the environment's typed config from
 * environments/schema.ts, the only environments file they import, though the rule allows the layer.
 */
const ALLOWED = {
  models: ["models", "modules"],
  environments: ["environments", "modules", "models"],
  stacks: ["stacks", "modules", "environments", "models"],
  modules: ["modules", "environments", "assets"],
  assets: ["assets"],
  cli: ["cli", "modules", "environments", "assets", "models"],
  review: ["review", "modules", "environments", "stacks", "models"],
};

/** Files a layer may import from another one it otherwise may not. */
const SHARED = { review: ["shared-with-review"] };
const SHARED_WITH_REVIEW = ["cli/args.ts", "cli/errors.ts", "cli/graph.ts"];

export default tseslint.config(
  {
    ignores: ["node_modules/**", "cdktf.out/**", "cdktf.hcl.out/**", ".gen/**", "coverage/**", "test/assets/**", "**/*.d.ts"],
  },
  // A disable comment must name a rule this config runs and still silence something.
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly", __dirname: "readonly" },
    },
    rules: {
      // The compiler already reports unused names (noUnusedLocals/Parameters); `_` marks a deliberate one.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    files: ["**/*.{ts,js,mjs}"],
    plugins: { boundaries },
    settings: {
      "boundaries/elements": LAYERS,
      "boundaries/files": SHARED_WITH_REVIEW.map((pattern) => ({ category: "shared-with-review", pattern })),
      "boundaries/include": ["models/**", "environments/**", "stacks/**", "modules/**", "assets/**", "cli/**", "review/**"],
      // A model's tests are tests (like test/): they read the platform and its test helpers freely.
      "boundaries/ignore": ["models/*/test/**"],
      "import/resolver": { node: { extensions: [".ts", ".js"] } },
    },
    rules: {
      "boundaries/dependencies": [
        "error",
        {
          default: "disallow",
          policies: Object.entries(ALLOWED).map(([from, allow]) => ({
            from: { element: { type: from } },
            allow: [
              { to: { element: { type: allow } } },
              ...(SHARED[from] ?? []).map((category) => ({ to: { file: { categories: category } } })),
            ],
          })),
        },
      ],
    },
  },
  {
    // CommonJS entry points and tools.
    files: ["**/*.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
