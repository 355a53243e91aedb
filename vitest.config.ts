import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS (main) and ESM (module) side by side. Node, and so graphql-yoga at run time,
    // loads the CommonJS one; Vite would give our sources the ESM one, and errors thrown by resolvers would
    // then fail yoga's instanceof GraphQLError check. One copy, as in production.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
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
