import neo4j from "neo4j-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { StartupError, startupStep } from "../src/db/startup.js";
import { freePort } from "../src/net.js";
import { loadSeed } from "../src/seed/load.js";
import { capturedLog, connectTestDatabase, resetDatabase } from "./support/db.js";
import { seedDir } from "./support/seed-copy.js";

/**
 * Start-up on a slow machine: the schema and seed load run under STARTUP_TIMEOUT_MS, not the per-request
 * QUERY_TIMEOUT_MS; a transient failure is tried again; a step out of time names itself and the setting.
 */
describe("start-up steps", () => {
  /** A per-request timeout far below what a seed load takes, in milliseconds. */
  const queryTimeoutMs = 50;
  /** Cypher that runs for minutes unless stopped. */
  const slowCypher = "UNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS n";
  const { log, logged } = capturedLog();
  let db: Database;

  beforeAll(async () => {
    db = await connectTestDatabase({ queryTimeoutMs });
  });
  afterAll(() => db?.close());

  it("loads the seed even when the load takes far longer than QUERY_TIMEOUT_MS", async () => {
    await resetDatabase(db);
    const result = await loadSeed(db, seedDir, log, { force: true });
    expect(result.loaded).toBe(true);
    expect(result.milliseconds).toBeGreaterThan(queryTimeoutMs);
    expect(result.counts.sources).toBe(5);
    // QUERY_TIMEOUT_MS still bounds an ordinary query on the same connection.
    const error = await db.read(slowCypher).catch((e: Error & { code?: string }) => e);
    expect((error as { code?: string }).code).toMatch(/TransactionTimedOut/);
  });

  it("tries a transient failure again, and says so in the log", async () => {
    // A real driver error: nothing listens on this port, which the driver calls retriable.
    const nowhere = neo4j.driver(
      `bolt://127.0.0.1:${await freePort()}`,
      neo4j.auth.basic("neo4j", "nowhere-pw"),
      {
        maxTransactionRetryTime: 0,
      },
    );
    let attempts = 0;
    try {
      const answer = await startupStep("seed load", db, log, async (startup) => {
        attempts += 1;
        if (attempts === 1) await nowhere.executeQuery("RETURN 1");
        return (await startup.read("RETURN 1 AS one")).records[0]?.get("one");
      });
      expect(answer).toBe(1);
      expect(attempts).toBe(2);
      expect(logged).toContainEqual(
        expect.objectContaining({ level: 40, msg: 'Start-up step "seed load" failed; trying again in 2 s' }),
      );
    } finally {
      await nowhere.close();
    }
  });

  it("names the step and STARTUP_TIMEOUT_MS when a step runs out of time", async () => {
    const short = await connectTestDatabase({ startupTimeoutMs: queryTimeoutMs });
    try {
      const error = await startupStep("seed load", short, log, (startup) => startup.read(slowCypher)).catch(
        (e: Error) => e,
      );
      expect(error).toBeInstanceOf(StartupError);
      expect((error as Error).message).toMatch(
        /^Start-up step "seed load" did not finish within STARTUP_TIMEOUT_MS \(50 ms\); raise STARTUP_TIMEOUT_MS on a slow or busy machine\. The database said: /,
      );
    } finally {
      await short.close();
    }
  });
});
