import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { projectRoot } from "../src/domain/project.js";
import { runIngest } from "./support/ingest-cli.js";
import { seededDatabase } from "./support/server.js";
import { snapshotGraph } from "./support/snapshot.js";

const fixtures = path.join(projectRoot, "test", "fixtures", "ingest");

/** `npm run ingest -- FILE...` with files of test/fixtures/ingest. */
const ingest = (...files: string[]) => runIngest(...files.map((file) => path.join(fixtures, file)));

describe("npm run ingest", () => {
  let db: Database;
  beforeAll(async () => {
    db = await seededDatabase();
  });
  afterAll(() => db.close());

  it("rejects a batch with a bad file whole, naming each file and line, and changes nothing", async () => {
    const before = await snapshotGraph(db);
    const result = await ingest("batch.yaml", "bad.yaml");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "bad.yaml:9: the quote is not found verbatim in src-test-communique-2026",
    );
    expect(result.stderr).toContain('bad.yaml:14: unknown actor "vladimir-ivanov"');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await snapshotGraph(db)).toBe(before);
  });

  it("writes a good batch in one transaction, with a summary, and recognises it the second time", async () => {
    const first = await ingest("batch.yaml");
    expect(first.stderr).not.toMatch(/error/i); // stderr carries only the progress bar
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/1 new source\(s\), 1 actor\(s\), 2 relation\(s\), 2 citation\(s\)/);
    expect(first.stdout).toMatch(/src-test-communique-2026: names \d+ known actor\(s\): .*abdoulaye-diop/);
    const { records } = await db.read(
      `MATCH (:Actor {id: 'ivan-petrov'})-[r:RELATION {type: 'OFFICE'}]->(:Actor {id: 'russia'})
       MATCH (c:Citation {relationId: r.id})-[:IN_SOURCE]->(s:Source)
       RETURN r.role AS role, c.quote AS quote, c.start AS start, s.text AS text`,
    );
    const row = records[0]?.toObject();
    expect(row?.role).toBe("attaché militaire russe");
    expect(
      Array.from(row?.text as string)
        .slice(row?.start, (row?.start as number) + Array.from(row?.quote as string).length)
        .join(""),
    ).toBe(row?.quote);
    const history = await db.read(
      "MATCH (c:Change {operation: 'ingest'}) RETURN c.by AS by, c.targets AS targets",
    );
    expect(history.records[0]?.get("by")).toMatch(/^cli:/);
    expect(history.records[0]?.get("targets")).toContain("ivan-petrov");

    const before = await snapshotGraph(db);
    const second = await ingest("batch.yaml");
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Already ingested \(change [0-9a-f-]+\); nothing changed/);
    expect(await snapshotGraph(db)).toBe(before);
  });
});
