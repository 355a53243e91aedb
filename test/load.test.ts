import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadTest, stopServices } from "../bench/load-lib.js";
import { generateApiKey } from "../src/auth.js";
import { projectRoot } from "../src/domain/project.js";
import { freePort } from "../src/net.js";

/** A short run of `npm run load`: no error under concurrent reads and writes, and none lost on SIGTERM. */
describe("load on loopback", () => {
  const dataDir = path.join(projectRoot, ".data", `test-load-${process.pid}`);
  // A run cut by the test's timeout keeps going in the background: its service is stopped here.
  afterEach(stopServices);
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("answers every request of 6 concurrent clients and loses no accepted write on a graceful shutdown", async () => {
    const report = await loadTest({
      clients: 6,
      seconds: 3,
      rounds: 2,
      dataDir,
      freePort,
      generateKey: () => generateApiKey("load", "editor"),
    });
    for (const round of report.rounds) {
      expect(round.requests).toBeGreaterThan(0);
      expect(round.errors).toBe(0);
    }
    expect(report.shutdown.acceptedWrites).toBeGreaterThan(0);
    expect(report.shutdown).toMatchObject({ lostWrites: 0, errors: 0, exitCode: 0 });
    // It starts a database and a service of its own, twice: on a busy machine that alone can take a minute.
  }, 240_000);
});
