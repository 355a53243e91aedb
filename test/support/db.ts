import { pino } from "pino";
import { inject } from "vitest";
import { connect, type Database } from "../../src/db/database.js";
import { applySchema } from "../../src/db/schema.js";
import { createLogger } from "../../src/logger.js";
import { defaultNeo4j } from "./defaults.js";

export const quietLog = createLogger({ level: "silent", format: "json" });

/** A logger at `info` whose lines are kept, parsed, in `logged`: for tests of what the service reports. */
export function capturedLog() {
  const logged: { level: number; msg: string }[] = [];
  const log = pino(
    { level: "info", base: undefined },
    { write: (line: string) => logged.push(JSON.parse(line)) },
  );
  return { log, logged };
}

/**
 * A connection to the test run's Neo4j, over Bolt, exactly as the service connects, with the default timeouts
 * (QUERY_TIMEOUT_MS and STARTUP_TIMEOUT_MS) unless the test gives others, in milliseconds.
 */
export async function connectTestDatabase({
  queryTimeoutMs = defaultNeo4j.queryTimeoutMs,
  startupTimeoutMs = defaultNeo4j.startupTimeoutMs,
} = {}): Promise<Database> {
  return connect(
    {
      uri: inject("neo4jUri"),
      user: "neo4j",
      password: inject("neo4jPassword"),
      database: "neo4j",
      connectTimeoutMs: 30_000,
      queryTimeoutMs,
      startupTimeoutMs,
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
