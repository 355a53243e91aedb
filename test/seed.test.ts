import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { countGraph } from "../src/db/seed-store.js";
import { codePoints, sliceCodePoints } from "../src/domain/text.js";
import { loadSeed } from "../src/seed/load.js";
import { readSeed, SeedError } from "../src/seed/read.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { copySeed, seedDir } from "./support/seed-copy.js";
import { snapshotGraph } from "./support/snapshot.js";

describe("seed corpus", () => {
  let db: Database;

  beforeAll(async () => {
    db = await connectTestDatabase();
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog);
  });
  afterAll(() => db.close());

  it("loads every source, actor, relation and citation of the seed files", async () => {
    const corpus = await readSeed(seedDir);
    const counts = await countGraph(db);
    expect(counts.sources).toBe(5);
    expect(counts.actors).toBe(corpus.actors.length);
    expect(counts.relations).toBe(corpus.relations.length);
    expect(counts.citations).toBe(corpus.relations.reduce((n, r) => n + r.citations.length, 0));
    expect(counts.relations).toBeGreaterThan(50);
  });

  it("keeps each source text exactly as the file has it", async () => {
    const corpus = await readSeed(seedDir);
    const { records } = await db.read("MATCH (s:Source) RETURN s.id AS id, s.text AS text");
    const stored = new Map(records.map((r) => [r.get("id"), r.get("text")]));
    for (const source of corpus.sources) expect(stored.get(source.id)).toBe(source.text);
    expect([...stored.values()].join("")).toContain("\u00a0"); // no-break spaces survive
    expect([...stored.values()].join("")).toContain("’");
  });

  it("gives every relation at least one citation", async () => {
    const { records } = await db.read(
      `MATCH ()-[r:RELATION]->()
       WHERE NOT EXISTS { MATCH (c:Citation {relationId: r.id}) }
       RETURN r.id AS id`,
    );
    expect(records.map((r) => r.get("id"))).toEqual([]);
  });

  it("stores every quote as the exact slice of its source at its code point offsets", async () => {
    const { records } = await db.read(
      `MATCH (c:Citation)-[:IN_SOURCE]->(s:Source)
       RETURN c.id AS id, c.quote AS quote, c.start AS start, c.end AS end, s.text AS text`,
    );
    expect(records.length).toBeGreaterThan(50);
    for (const record of records) {
      const slice = sliceCodePoints(codePoints(record.get("text")), record.get("start"), record.get("end"));
      expect(slice, record.get("id")).toBe(record.get("quote"));
    }
  });

  it("agrees with Python's text[start:end] on every citation", async () => {
    const { records } = await db.read(
      `MATCH (c:Citation)-[:IN_SOURCE]->(s:Source)
       RETURN c.id AS id, c.quote AS quote, c.start AS start, c.end AS end, s.file AS file`,
    );
    const citations = records.map((r) => r.toObject());
    const script = `
import json, sys, os
citations = json.load(sys.stdin)
bad = [c["id"] for c in citations
       if open(os.path.join(sys.argv[1], c["file"]), encoding="utf-8").read()[c["start"]:c["end"]] != c["quote"]]
print(json.dumps({"checked": len(citations), "bad": bad}))`;
    const python = execFile("python3", ["-c", script, seedDir]);
    python.stdin?.end(JSON.stringify(citations));
    const output = await new Promise<string>((resolve, reject) => {
      let out = "";
      python.stdout?.on("data", (chunk) => {
        out += chunk;
      });
      python.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`python3 exited ${code}`))));
    });
    expect(JSON.parse(output)).toEqual({ checked: citations.length, bad: [] });
  });

  it("links each citation to its source and, where the article names one, to its speaker", async () => {
    const { records } = await db.read(
      `MATCH (c:Citation)
       RETURN count(c) AS citations,
              count { (c)-[:IN_SOURCE]->(:Source) } AS inSourceLinks,
              sum(CASE WHEN c.speakerId IS NULL THEN 0 ELSE 1 END) AS withSpeaker,
              sum(count { (c)-[:SPOKEN_BY]->(:Actor) }) AS speakerLinks`,
    );
    const row = records[0]?.toObject();
    expect(row?.inSourceLinks).toBe(1);
    expect(row?.withSpeaker).toBeGreaterThan(0);
    expect(row?.speakerLinks).toBe(row?.withSpeaker);
  });

  it("marks the contested claims and keeps each side's citation", async () => {
    const { records } = await db.read(
      `MATCH (a)-[r:RELATION {contested: true}]->(b)
       MATCH (c:Citation {relationId: r.id})
       RETURN r.id AS id, collect(DISTINCT c.stance) AS stances`,
    );
    expect(records.length).toBeGreaterThanOrEqual(2);
    for (const record of records) {
      expect(record.get("stances")).toContain("DENIES");
      expect(record.get("stances").some((s: string) => s !== "DENIES")).toBe(true);
    }
    const wagner = await db.read(
      `MATCH (:Actor {id: 'wagner'})-[r:RELATION {type: 'DEPLOYMENT'}]->(:Actor {id: 'mali'}) RETURN r.contested AS contested`,
    );
    expect(wagner.records.map((r) => r.get("contested"))).toEqual([true]);
  });

  it("keeps the USSR and Russia apart, Russia linked to the USSR as its predecessor", async () => {
    const { records } = await db.read(
      `MATCH (:Actor {id: 'russia'})-[r:RELATION {type: 'SUCCESSION'}]->(:Actor {id: 'ussr'}) RETURN count(r) AS n`,
    );
    expect(records[0]?.get("n")).toBe(1);
  });

  it("changes nothing when loaded a second time", async () => {
    const before = await snapshotGraph(db, { ignoreSeedState: true });
    const result = await loadSeed(db, seedDir, quietLog, { force: true });
    expect(result.loaded).toBe(true);
    expect(await snapshotGraph(db, { ignoreSeedState: true })).toBe(before);
  });

  it("skips a load whose files have not changed", async () => {
    const result = await loadSeed(db, seedDir, quietLog);
    expect(result.loaded).toBe(false);
  });

  it("applies an edited seed: renamed actors, moved and removed relations", async () => {
    const copy = await copySeed();
    try {
      await copy.edit("actors.yaml", 'name: "Mali"', 'name: "République du Mali"');
      await copy.edit("relations.yaml", "- id: rel-diop-office-mali", "- id: rel-diop-office-mali-renamed");
      await loadSeed(db, copy.dir, quietLog);
      const { records } = await db.read(
        `MATCH (m:Actor {id: 'mali'}) OPTIONAL MATCH ()-[old:RELATION {id: 'rel-diop-office-mali'}]->()
         OPTIONAL MATCH ()-[renamed:RELATION {id: 'rel-diop-office-mali-renamed'}]->()
         OPTIONAL MATCH (c:Citation {relationId: 'rel-diop-office-mali'})
         RETURN m.name AS name, old IS NULL AS oldGone, renamed IS NOT NULL AS renamedThere, count(c) AS oldCitations`,
      );
      expect(records[0]?.toObject()).toEqual({
        name: "République du Mali",
        oldGone: true,
        renamedThere: true,
        oldCitations: 0,
      });
    } finally {
      await copy.remove();
      await loadSeed(db, seedDir, quietLog);
    }
    expect(
      (await db.read("MATCH (m:Actor {id: 'mali'}) RETURN m.name AS name")).records[0]?.get("name"),
    ).toBe("Mali");
  });
});

describe("seed rejections leave the database exactly as it was", () => {
  let db: Database;
  let before: string;

  beforeAll(async () => {
    db = await connectTestDatabase();
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog);
    before = await snapshotGraph(db);
  });
  afterAll(() => db.close());

  /** Loads a copy of the seed with one edit and expects a SeedError naming the file, the line and the value. */
  async function expectRejected(file: string, from: string, to: string, expected: RegExp) {
    const copy = await copySeed();
    try {
      const line = await copy.edit(file, from, to);
      const error = await loadSeed(db, copy.dir, quietLog, { force: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SeedError);
      const message = (error as SeedError).message;
      expect(message).toContain(`${file}:${line}:`);
      expect(message).toMatch(expected);
    } finally {
      await copy.remove();
    }
    expect(await snapshotGraph(db)).toBe(before);
  }

  it("rejects a quote that is not in its source", async () => {
    await expectRejected(
      "relations.yaml",
      'quote: "Abdoulaye Diop, ministre des Affaires étrangères du Mali"',
      'quote: "Abdoulaye Diop, ministre des Affaires étrangères de Russie"',
      /the quote is not found verbatim in src-000/,
    );
  });

  it("rejects offsets that do not match the quote, and says where the quote is", async () => {
    await expectRejected(
      "relations.yaml",
      "start: 261",
      "start: 262",
      /offsets 262-317 do not match the quote: the quote is at 261-317/,
    );
  });

  it("rejects an unknown actor", async () => {
    await expectRejected(
      "relations.yaml",
      "from: abdoulaye-diop",
      "from: abdoulaye-dyop",
      /unknown actor "abdoulaye-dyop"/,
    );
  });

  it("rejects an unknown relation type", async () => {
    await expectRejected(
      "relations.yaml",
      "type: OFFICE",
      "type: FRIENDSHIP",
      /unknown relation type "FRIENDSHIP"/,
    );
  });

  it("rejects a citation of an unknown source", async () => {
    await expectRejected(
      "relations.yaml",
      "source: src-000-apa-diop-sputnik",
      "source: src-999-missing",
      /unknown source "src-999-missing"/,
    );
  });

  it("rejects an unknown speaker", async () => {
    await expectRejected(
      "relations.yaml",
      "speaker: russian-foreign-ministry",
      "speaker: russian-foreign-office",
      /unknown actor "russian-foreign-office"/,
    );
  });

  it("rejects a duplicate id", async () => {
    await expectRejected("actors.yaml", "- id: russia", "- id: mali", /duplicate id "mali"/);
  });

  it("rejects an unknown actor kind and a malformed date", async () => {
    await expectRejected("actors.yaml", "kind: STATE", "kind: NATION", /unknown actor kind "NATION"/);
    await expectRejected(
      "sources.yaml",
      'published: "2021-11-11"',
      'published: "11/11/2021"',
      /published: must be a date/,
    );
  });

  it("rejects a relation type of an unknown family and a kind colour that is not #rrggbb", async () => {
    await expectRejected(
      "vocabulary.yaml",
      "family: power and structure",
      "family: power",
      /relationTypes\.0\.family: unknown relation family "power" of OFFICE/,
    );
    await expectRejected(
      "vocabulary.yaml",
      'colour: "#3b6fd8"',
      "colour: blue",
      /actorKinds\.0\.colour: must be a colour written #rrggbb/,
    );
  });

  it("rejects invalid YAML with its line", async () => {
    await expectRejected("actors.yaml", "  - id: russia", "  - id: russia: state", /invalid YAML/);
  });

  it("rolls the whole transaction back when the database refuses part of it", async () => {
    // An analyst's relation already holds the id a renamed seed relation wants: the uniqueness constraint
    // fails mid-transaction, after the edited actor was written. Nothing of the load may remain.
    await db.driver.executeQuery(
      `MATCH (a:Actor {id: 'ussr'}), (b:Actor {id: 'france'})
       CREATE (a)-[:RELATION {id: 'rel-taken-by-analyst', type: 'DISPUTE', origin: 'analyst'}]->(b)`,
      {},
      { database: db.name },
    );
    const withAnalystData = await snapshotGraph(db);
    const copy = await copySeed();
    try {
      await copy.edit("actors.yaml", 'name: "Mali"', 'name: "Mali (edited)"');
      await copy.edit("relations.yaml", "- id: rel-diop-office-mali", "- id: rel-taken-by-analyst");
      const error = await loadSeed(db, copy.dir, quietLog).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe("Neo.ClientError.Schema.ConstraintValidationFailed");
      expect(await snapshotGraph(db)).toBe(withAnalystData);
    } finally {
      await copy.remove();
      await db.driver.executeQuery(
        "MATCH ()-[r:RELATION {origin: 'analyst'}]->() DELETE r",
        {},
        { database: db.name },
      );
    }
    expect(await snapshotGraph(db)).toBe(before);
  });
});
