import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Database test files share one PostgreSQL; run files one at a time to keep them independent.
    fileParallelism: false,
  },
});
