/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/models"],
  testMatch: ["**/*.test.ts"],
  // Every core: jest's default leaves one idle, which on a 2-core machine runs the files one by one.
  maxWorkers: "100%",
  // swc transpiles without type-checking; `tsc --noEmit` is its own step of `npm test`.
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }],
    // GitHub's workflow parser ships as ES modules importing JSON without an import attribute (made
    // for bundlers): swc turns them into CommonJS, where require() reads the JSON.
    "/node_modules/@actions/.+\\.js$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!@actions/)"],
  // Their package.json exports only an "import" condition, which jest's CommonJS resolver skips.
  moduleNameMapper: {
    "^@actions/(workflow-parser|expressions)$": "<rootDir>/node_modules/@actions/$1/dist/index.js",
    "^@actions/(workflow-parser|expressions)/(.+)$": "<rootDir>/node_modules/@actions/$1/dist/$2.js",
  },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  // A private temp folder per run; the run fails if a test leaves anything in it (test/global/temp-folder.ts).
  globalSetup: "<rootDir>/test/global/setup.ts",
  globalTeardown: "<rootDir>/test/global/teardown.ts",
  // jest's transform cache belongs to this project, not to the machine's shared temp folder.
  cacheDirectory: "<rootDir>/node_modules/.cache/jest",
};
