import { inject } from "vitest";
import { connect, type Database } from "../../src/db/database.js";
import { applySchema } from "../../src/db/schema.js";
import { createLogger } from "../../src/logger.js";
import { defaultNeo4j } from "./defaults.js";

export const quietLog = createLogger({ level: "silent", format: "json" });

/**
 * A connection to the test run's Neo4j, over Bolt, exactly as the service connects, with the default timeouts
 * (the start-up steps get STARTUP_TIMEOUT_MS's default) unless `queryTimeoutMs` says otherwise.
 */
export async function connectTestDatabase({ queryTimeoutMs = 10_000 } = {}): Promise<Database> {
  return connect(
    {
      uri: inject("neo4jUri"),
      user: "neo4j",
      password: inject("neo4jPassword"),
      database: "neo4j",
      connectTimeoutMs: 30_000,
      queryTimeoutMs,
      startupTimeoutMs: defaultNeo4j.startupTimeoutMs,
      maxRetryMs: 2000,
    },
    quietLog,
  );
}

/** Empties the test database and applies the schema: each test file starts from the same state. */
export async function resetDatabase(db: Database): Promise<void> {
  await db.driver.executeQuery("MATCH (n) DETACH DELETE n", {}, { database: db.name });
  await applySchema(db, quietLog);
}
