import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { loadTest, stopServices } from "../bench/load-lib.js";
import { generateApiKey } from "../src/auth.js";
import { freePort } from "../src/net.js";
import { connectTestDatabase, resetDatabase } from "./support/db.js";

/**
 * A short run of `npm run load`: no error under concurrent reads and writes, and none lost on SIGTERM. The
 * service runs as its own process over the test run's Neo4j (NEO4J_URI), not an embedded one of its own: what is
 * tried is the service's draining, and two JVM starts would add half a minute (decision 031); test/startup.test.ts
 * starts the embedded one.
 */
describe("load on loopback", () => {
  // A run cut by the test's timeout keeps going in the background: its service is stopped here.
  afterEach(stopServices);
  // The service loads the seed into the emptied database, as on a first start.
  beforeAll(async () => {
    const db = await connectTestDatabase();
    await resetDatabase(db);
    await db.close();
  });

  it("answers every request of 6 concurrent clients and loses no accepted write on a graceful shutdown", async () => {
    const report = await loadTest({
      clients: 6,
      seconds: 3,
      rounds: 1,
      neo4j: { uri: inject("neo4jUri"), password: inject("neo4jPassword") },
      // What is tried is concurrency and draining, not the machine's speed: on a starved machine (load 30 on 2
      // cores) reads of this mix took over the default 10 s query and 15 s request bounds.
      settings: { QUERY_TIMEOUT_MS: "60000", REQUEST_TIMEOUT_MS: "90000", QUEUE_TIMEOUT_MS: "60000" },
      freePort,
      generateKey: () => generateApiKey("load", "editor"),
    });
    for (const round of report.rounds) {
      expect(round.requests).toBeGreaterThan(0);
      expect(round.errors).toBe(0);
    }
    expect(report.shutdown.acceptedWrites).toBeGreaterThan(0);
    expect(report.shutdown).toMatchObject({ lostWrites: 0, errors: 0, exitCode: 0 });
  }, 240_000);
});
