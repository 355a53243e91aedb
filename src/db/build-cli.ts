import { loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { buildEmbeddedNeo4j } from "./embedded.js";

/**
 * `npm run db:build`: builds the embedded Neo4j launcher and fetches Neo4j's jars with Maven (src/db/embedded.ts),
 * without starting anything, so that a machine or an image can be prepared ahead of `npm start` and `npm test`.
 * Does nothing when the launcher is built and its sources unchanged.
 */
const config = loadConfig();
const log = createLogger({ level: "info", format: config.logFormat });
try {
  await buildEmbeddedNeo4j(log);
  log.info("The embedded Neo4j launcher is built");
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
