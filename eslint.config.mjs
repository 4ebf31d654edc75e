// ESLint 9 flat config: typescript-eslint's recommended rules, and the layers as import boundaries.
import js from "@eslint/js";
import boundaries from "eslint-plugin-boundaries";
import tseslint from "typescript-eslint";

/**
 * The layers, first match wins. environments → stacks → modules: an environment file is data, a
 * stack composes modules for one environment, a module is one concern. The CLI and the review are
 * tools on top: they use modules and environments, never each other, except the workflow diagram
 * the review embeds (cli/graph.ts). Nothing imports upward; modules never import stacks, cli or review.
 */
const LAYERS = [
  { type: "environments", pattern: "environments", partialMatch: false },
  { type: "stacks", pattern: "stacks", partialMatch: false },
  { type: "modules", pattern: "modules", partialMatch: false },
  { type: "assets", pattern: "assets", partialMatch: false },
  { type: "cli", pattern: "cli", partialMatch: false },
  { type: "review", pattern: "review", partialMatch: false },
];

/** What each layer may import (besides packages). Modules take the environment's typed config (environments/schema.ts). */
const ALLOWED = {
  environments: ["environments"],
  stacks: ["stacks", "modules", "environments"],
  modules: ["modules", "environments", "assets"],
  assets: ["assets"],
  cli: ["cli", "modules", "environments", "assets"],
  review: ["review", "modules", "environments", "stacks"],
};

/** Files a layer may import from another one it otherwise may not: the review embeds the workflow diagram. */
const SHARED = { review: ["diagram"] };

export default tseslint.config(
  { ignores: ["node_modules/**", "cdktf.out/**", "cdktf.hcl.out/**", ".gen/**", "coverage/**", "test/assets/**", "**/*.d.ts"] },
  // A disable comment must name a rule this config runs and still silence something.
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly", __dirname: "readonly" } },
    rules: {
      // The compiler already reports unused names (noUnusedLocals/Parameters); `_` marks a deliberate one.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.{ts,js,mjs}"],
    plugins: { boundaries },
    settings: {
      "boundaries/elements": LAYERS,
      "boundaries/files": [{ category: "diagram", pattern: "cli/graph.ts" }],
      "boundaries/include": ["environments/**", "stacks/**", "modules/**", "assets/**", "cli/**", "review/**"],
      "import/resolver": { node: { extensions: [".ts", ".js"] } },
    },
    rules: {
      "boundaries/dependencies": [
        "error",
        {
          default: "disallow",
          policies: Object.entries(ALLOWED).map(([from, allow]) => ({
            from: { element: { type: from } },
            allow: [{ to: { element: { type: allow } } }, ...(SHARED[from] ?? []).map((category) => ({ to: { file: { categories: category } } }))],
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
