import { buildEmbeddedNeo4j } from "../db/embedded.js";
import { runCommand } from "./run.js";

/**
 * `npm run db:build`: builds the embedded Neo4j launcher and fetches Neo4j's jars with Maven (src/db/embedded.ts),
 * without starting anything, so that a machine or an image can be prepared ahead of `npm start` and `npm test`.
 * Does nothing when the launcher is built and its sources unchanged.
 */
await runCommand(
  async ({ log }) => {
    await buildEmbeddedNeo4j(log);
    log.info("The embedded Neo4j launcher is built");
  },
  { logLevel: "info" },
);
