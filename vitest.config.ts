import { defineConfig } from "vitest/config";

export default defineConfig({
  // One graphql instance: Pothos and yoga load the CommonJS build, so tests must too.
  resolve: { alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }] },
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Database test files share one PostgreSQL; run files one at a time to keep them independent.
    fileParallelism: false,
  },
});
