import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One embedded Neo4j serves the whole run; it is started once here and stopped at the end.
    globalSetup: ["test/support/global-setup.ts"],
    // Test files share that database, so they run one after another.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
