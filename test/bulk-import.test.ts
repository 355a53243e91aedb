import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticActors, syntheticBatches } from "../bench/synthetic.js";
import { loadConfig } from "../src/config.js";
import type { Database } from "../src/db/database.js";
import { embeddedStoreDir } from "../src/db/embedded.js";
import { checkGraph } from "../src/db/invariants.js";
import type { OpenDatabase } from "../src/db/open.js";
import { deleteOrigin } from "../src/db/writes.js";
import { DomainError } from "../src/domain/errors.js";
import { projectRoot } from "../src/domain/project.js";
import { vocabulary } from "../src/domain/vocabulary.js";
import { type BulkInput, importIntoNewDatabase, loadIntoLiveDatabase } from "../src/ingest/bulk.js";
import type { BulkBatch, BulkRelation } from "../src/ingest/bulk-check.js";
import { ValidationError } from "../src/ingest/service.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { propertyTypes, snapshotGraph } from "./support/snapshot.js";

/**
 * The offline importer (src/ingest/bulk.ts importIntoNewDatabase) against batched transactions
 * (loadIntoLiveDatabase) on the same generated input: the same graph, node for node and property for property,
 * with the same property types, and no invariant broken. Then what the importer refuses.
 */

const relations = 1_500;
/** Values a CSV file must carry intact: quotes, commas, new lines, tabs, emoji, no aliases at all. */
const awkward = {
  actor: {
    id: "test-actor-quoted",
    name: 'Le "Groupe", dit « G5 »',
    kind: "GROUP",
    description: 'Décrit\nsur deux lignes, avec "guillemets"',
  },
  source: {
    id: "test-src-lines",
    file: "lines.txt",
    title: 'Titre "entre guillemets"',
    publisher: "Éditions P, Q",
    author: null,
    published: "2021-06",
    language: "fr",
    text: 'Première ligne, avec "guillemets".\nSeconde ligne\tavec 🇲🇱 et «\u00a0Goïta\u00a0».\n',
  },
  relation: {
    id: "test-rel-lines",
    type: vocabulary.relationTypes[0]?.name as string,
    from: "test-actor-quoted",
    to: "syn-actor-0",
    role: "rôle",
    at: "2021-06-15",
    start: null,
    end: null,
    note: 'Note "citée", virgule',
    citations: [
      {
        source: "test-src-lines",
        quote: 'guillemets".\nSeconde',
        speaker: "test-actor-quoted",
        stance: "ASSERTS",
      },
      { source: "test-src-lines", quote: "🇲🇱 et «\u00a0Goïta", speaker: null, stance: "DENIES" },
    ],
  },
};

/** The same input each time it is called: the synthetic graph in batches of 500, and the awkward records. */
function input(): BulkInput {
  return {
    actors: [...syntheticActors(relations), awkward.actor],
    batches: (function* () {
      yield* syntheticBatches(relations, 500);
      yield { sources: [awkward.source], relations: [awkward.relation] };
    })(),
    origin: "synthetic",
  };
}

/** The embedded Neo4j's configuration for a data directory of this test's own. */
function configFor(dataDir: string) {
  const { NEO4J_URI: _external, ...env } = process.env;
  return loadConfig({ ...env, NEO4J_DATA_DIR: dataDir, NEO4J_BOLT_PORT: "0", NEO4J_HEAP_MB: "768" });
}

describe("bulk import into a new database", () => {
  let db: Database;
  const dataDir = path.join(projectRoot, ".data", `import-test-${process.pid}`);
  const badDir = path.join(projectRoot, ".data", `import-test-bad-${process.pid}`);
  let imported: OpenDatabase | undefined;

  beforeAll(async () => {
    db = await connectTestDatabase();
    await resetDatabase(db);
  });
  afterAll(async () => {
    await imported?.close();
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(badDir, { recursive: true, force: true });
  });

  it("writes the graph a transactional load writes, and it keeps every invariant", async () => {
    const loaded = await loadIntoLiveDatabase(db, vocabulary, input());
    const result = await importIntoNewDatabase(configFor(dataDir), vocabulary, input(), quietLog);
    imported = result.database;
    expect(result.result).toMatchObject({
      actors: loaded.actors,
      sources: loaded.sources,
      relations: relations + 1,
      citations: loaded.citations,
    });
    expect(Object.keys(result.result.phases)).toEqual(["checking", "importing", "starting", "indexing"]);

    expect(await snapshotGraph(imported.db)).toEqual(await snapshotGraph(db));
    const types = await propertyTypes(imported.db);
    expect(types).toEqual(await propertyTypes(db));
    // The awkward values' types are there too: no aliases is an empty list, offsets are what the driver sent.
    expect(types).toContain("Actor.aliases: LIST<NOTHING> NOT NULL");
    expect(types).toContain("Citation.start: FLOAT NOT NULL");
    expect(types).toContain("RELATION.atDate: DATE NOT NULL");

    const check = await checkGraph(imported.db);
    expect(check.violations).toEqual([]);
    expect(check.checked).toMatchObject({ relations: relations + 1, citations: loaded.citations });
    const { records } = await imported.db.read(
      "MATCH (c:Citation {id: 'test-rel-lines#1'})-[:IN_SOURCE]->(s:Source) RETURN c.quote AS quote, s.text AS text",
    );
    expect(records[0]?.get("quote")).toBe(awkward.relation.citations[0]?.quote);
    expect(records[0]?.get("text")).toBe(awkward.source.text);
  }, 600_000);

  it("refuses a database that holds anything, with CONFLICT, and leaves it as it was", async () => {
    const before = await snapshotGraph(imported?.db as Database);
    await imported?.close();
    imported = undefined;
    const refusal = await importIntoNewDatabase(configFor(dataDir), vocabulary, input(), quietLog).catch(
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ code: "CONFLICT" });
    expect((refusal as Error).message).toMatch(
      /holds \d+ nodes: the importer only writes a new, empty database/,
    );
    const { openDatabase } = await import("../src/db/open.js");
    imported = await openDatabase(configFor(dataDir), quietLog);
    expect(await snapshotGraph(imported.db)).toEqual(before);
  }, 600_000);

  it("refuses input the grammar or the checks refuse, naming each problem, and writes nothing", async () => {
    const bad: BulkInput = {
      actors: [{ id: "Bad Key", name: "Someone", kind: "PERSON" }, { ...awkward.actor }],
      batches: [
        {
          sources: [awkward.source],
          relations: [
            { ...awkward.relation, to: "nobody" },
            {
              ...awkward.relation,
              id: "test-rel-moved",
              citations: [
                {
                  ...(awkward.relation.citations[1] as (typeof awkward.relation.citations)[number]),
                  start: 3,
                  end: 12,
                },
              ],
            },
          ],
        },
      ],
      origin: "synthetic",
    };
    const refusal = await importIntoNewDatabase(configFor(badDir), vocabulary, bad, quietLog).catch(
      (error: unknown) => error,
    );
    expect(refusal).toMatchObject({ code: "BAD_USER_INPUT" });
    expect((refusal as Error).message).toMatch(/actors\.0\.id: must be a key/);
    expect(existsSync(embeddedStoreDir(badDir))).toBe(false);

    const goodActors = { ...bad, actors: [awkward.actor] };
    const second = await importIntoNewDatabase(configFor(badDir), vocabulary, goodActors, quietLog).catch(
      (error: unknown) => error,
    );
    expect((second as Error).message).toMatch(/batch 0 relations\.0\.to: unknown actor "nobody"/);
    expect((second as Error).message).toMatch(
      /batch 0 relations\.1\.citations\.0\.start: offsets 3-12 do not match/,
    );
    expect(existsSync(embeddedStoreDir(badDir))).toBe(false);
  }, 120_000);

  it("checks batches on worker threads with the outcome of a check in this thread", async () => {
    /** The synthetic input in batches of 100, with batch 2 changed by `change`. */
    const changed = (change: (batch: BulkBatch, first: BulkBatch) => void): BulkInput => {
      const batches = [...syntheticBatches(300, 100)];
      change(batches[2] as BulkBatch, batches[0] as BulkBatch);
      return { actors: syntheticActors(300), batches, origin: "synthetic" };
    };
    const refusals = async (input: () => BulkInput) => {
      const [inThread, onWorkers] = await Promise.all(
        [0, 2].map((checkThreads) =>
          importIntoNewDatabase(configFor(badDir), vocabulary, input(), quietLog, undefined, {
            checkThreads,
          }).catch((error: unknown) => error),
        ),
      );
      expect(onWorkers).toBeInstanceOf(ValidationError);
      expect((onWorkers as ValidationError).problems).toEqual((inThread as ValidationError).problems);
      return (onWorkers as ValidationError).problems.map((p) => `${p.where}: ${p.message}`);
    };

    // Problems the grammar and the checks find within the batch.
    const within = await refusals(() =>
      changed((batch) => {
        Object.assign(batch.relations[3] as object, { to: "nobody", type: "NOT_A_TYPE" });
        Object.assign(batch.relations[7] as object, { id: "Not A Key" });
      }),
    );
    expect(within).toContain('batch 2 relations.3.to: unknown actor "nobody"');
    expect(within).toContain('batch 2 relations.3.type: unknown relation type "NOT_A_TYPE"');
    expect(within.some((p) => p.startsWith("batch 2 relations.7.id: "))).toBe(true);

    // A key of an earlier batch, which a worker cannot see: the batch is checked again in this thread.
    const across = await refusals(() =>
      changed((batch, first) => {
        Object.assign(batch.relations[5] as object, { id: first.relations[4]?.id });
      }),
    );
    expect(across).toEqual(['batch 2 relations.5.id: relation "syn-rel-4" already exists']);
    expect(existsSync(embeddedStoreDir(badDir))).toBe(false);
  }, 120_000);

  it("refuses, in a live database, records that are there already", async () => {
    const again = await loadIntoLiveDatabase(db, vocabulary, input()).catch((error: unknown) => error);
    expect(again).toMatchObject({ code: "BAD_USER_INPUT" });
    expect((again as Error).message).toMatch(/actors\.0\.id: actor "syn-actor-0" already exists/);
  }, 120_000);
  it("loads live batches that refer to stored records and to the batch just before, each checked under the lock", async () => {
    const source = (n: number) => ({
      ...awkward.source,
      id: `test-live-src-${n}`,
      file: `live-${n}.txt`,
      text: `Déclaration ${n} faite à Bamako.`,
    });
    const relation = (n: number, fields: Partial<BulkRelation> = {}): BulkRelation => ({
      ...awkward.relation,
      id: `test-live-rel-${n}`,
      citations: [
        { source: `test-live-src-${n}`, quote: `Déclaration ${n}`, speaker: null, stance: "ASSERTS" },
      ],
      ...fields,
    });
    const live = (batches: BulkBatch[]) =>
      loadIntoLiveDatabase(db, vocabulary, { actors: [], batches, origin: "test-live" });
    try {
      const loaded = await live([
        // A stored relation addressed, a stored actor as a place: both looked up in the database (both were
        // refused before, the lookup leaving them out).
        {
          sources: [source(1)],
          relations: [
            relation(1, {
              addresses: ["syn-rel-0"],
              places: [{ name: "Bamako", actor: "syn-actor-1" }],
              citations: [
                { source: "test-live-src-1", quote: "faite à Bamako", speaker: null, stance: "ASSERTS" },
              ],
            }),
          ],
        },
        // The source and the relation of the batch just before.
        {
          sources: [],
          relations: [
            relation(2, {
              addresses: ["test-live-rel-1"],
              citations: [
                { source: "test-live-src-1", quote: "Déclaration 1", speaker: null, stance: "DENIES" },
              ],
            }),
          ],
        },
      ]);
      expect(loaded).toMatchObject({ relations: 2, sources: 1, citations: 2 });
      // A key the batch just before took is refused, and the batches before the refused one stay written.
      const repeated = await live([
        { sources: [source(3)], relations: [relation(3)] },
        { sources: [], relations: [relation(3)] },
      ]).catch((error: unknown) => error);
      expect(repeated).toBeInstanceOf(ValidationError);
      expect((repeated as ValidationError).problems).toEqual([
        { where: "batch 1 relations.0.id", message: 'relation "test-live-rel-3" already exists' },
      ]);
      const { records } = await db.read(
        "MATCH ()-[r:RELATION {origin: 'test-live'}]->() RETURN r.id AS id ORDER BY id",
      );
      expect(records.map((r) => r.get("id"))).toEqual([
        "test-live-rel-1",
        "test-live-rel-2",
        "test-live-rel-3",
      ]);
      expect((await checkGraph(db)).violations).toEqual([]);
    } finally {
      await deleteOrigin(db, "test-live");
    }
  }, 120_000);
});
