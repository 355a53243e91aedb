import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import neo4j from "neo4j-driver";
import { type OpenDatabase, openDatabase } from "../src/db/open.js";
import { applySchema } from "../src/db/schema.js";
import { textsNamingQuery } from "../src/domain/analysis.js";
import { DomainError } from "../src/domain/errors.js";
import { mentionFinder, type NamedActor } from "../src/domain/mentions.js";
import { projectRoot } from "../src/domain/project.js";
import { foldName } from "../src/domain/text.js";
import { vocabulary } from "../src/domain/vocabulary.js";
import { mentionRecountBounds, recountMentions } from "../src/ingest/mentions.js";
import { applyBatch, editActor } from "../src/ingest/service.js";
import { createLogger } from "../src/logger.js";
import { type Size, sizes, syntheticActors, syntheticConfig } from "./synthetic.js";

/**
 * `npm run bench:mentions -- --size S|M|L`: how long keeping mentions true takes on the synthetic graph of that
 * size (made by `npm run bench:generate -- --size SIZE --increment 0`), against a full rescan of every text.
 * Measures (c) the full rescan: every actor's names read, every text read by pages and its mentions found
 * (without writing them, which only favours the rescan); then, through the write service as a mutation runs it,
 * (a) addActor of a new name that one stored text writes; (b) a rename of an actor whose name many texts write
 * (the old name's texts are recomputed; their mentions are written first, since the importer stores none), and
 * the rename back. `--rescan-texts N` times the rescan on the first N texts only and scales it to all. Prints
 * each figure beside its target, saves bench/results/mentions-SIZE.json (also the figures measured before a
 * step that fails), and leaves the graph as it found it but for the mentions recomputed.
 */
const { values } = parseArgs({
  options: { size: { type: "string", default: "M" }, "rescan-texts": { type: "string" } },
});
const size = values.size as Size;
if (!(size in sizes)) {
  console.error(`--size must be one of ${Object.keys(sizes).join(", ")}`);
  process.exit(2);
}
const log = createLogger({ level: "warn", format: "pretty" });
const writer = { name: "bench-mentions", role: "admin" as const };
const locate = (section: string, index: number, at: readonly (string | number)[]) =>
  `${section}.${index}.${at.join(".")}`;
/** Targets: a write that recomputes a few texts answers like any write; one that recomputes many stays far below a rescan. */
const targets = { oneTextMs: 500, manyTextsShareOfRescan: 0.1 };

/**
 * Runs `run` again, at most 5 times, 2 s apart, while the database's breaker says Neo4j did not answer its check
 * in time (SERVICE_UNAVAILABLE): on a machine loaded many times over its cores that happens without any fault.
 * Writes carry a clientKey, so a write that committed before its answer was lost is not made twice.
 */
async function withRetries<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if ((error as { code?: string }).code !== "SERVICE_UNAVAILABLE" || attempt === 5) throw error;
      console.warn(`Neo4j did not answer its check in time (attempt ${attempt}); again in 2 s`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

/** The number of stored texts the source index finds for `name`, as a recount would. */
async function textsNaming(database: OpenDatabase, name: string): Promise<number> {
  const { records } = await withRetries(() =>
    database.db.read(
      "CALL db.index.fulltext.queryNodes('source_search', $lucene) YIELD node RETURN count(node) AS n",
      { lucene: textsNamingQuery([name]) },
    ),
  );
  return Number(records[0]?.get("n") ?? 0);
}

/**
 * The actor of the synthetic graph named in the most texts that one write may recompute (at most `max`): endpoints
 * are skewed toward the first actors, so they are tried in order, by growing steps.
 */
async function actorInManyTexts(database: OpenDatabase, max: number) {
  const actors = syntheticActors(sizes[size]);
  for (let i = 0; i < actors.length; i = Math.max(i + 1, Math.floor(i * 1.3))) {
    const actor = actors[i] as (typeof actors)[number];
    const texts = await textsNaming(database, actor.name);
    if (texts <= max) return { ...actor, texts };
  }
  throw new Error(`no actor is named in ${max} texts or fewer`);
}

/**
 * Reads every text by pages of 1,000 and finds its mentions against every actor: a full rescan, without writes.
 * With `sample`, only the first `sample` texts are read, and the time of the texts is scaled to all `total` of
 * them (a rescan does the same work for each page; on a loaded machine a whole rescan at L takes hours): the
 * figure then says it is extrapolated.
 */
async function fullRescan(database: OpenDatabase, total: number, sample = total) {
  const started = performance.now();
  const { records } = await withRetries(() =>
    database.db.read("MATCH (a:Actor) RETURN a.id AS id, a.name AS name, a.aliases AS aliases"),
  );
  const finder = mentionFinder(records.map((r) => r.toObject() as NamedActor));
  const namesRead = performance.now() - started;
  let texts = 0;
  let mentions = 0;
  for (let after = ""; texts < sample; ) {
    const page = await withRetries(() =>
      database.db.read(
        "MATCH (s:Source) WHERE s.id > $after RETURN s.id AS key, s.text AS text ORDER BY s.id LIMIT $limit",
        { after, limit: neo4j.int(Math.min(1000, sample - texts)) },
      ),
    );
    if (page.records.length === 0) break;
    for (const record of page.records) mentions += finder.find(record.get("text")).length;
    texts += page.records.length;
    after = page.records.at(-1)?.get("key");
  }
  const scale = texts < total ? total / texts : 1;
  return {
    ms: namesRead + (performance.now() - started - namesRead) * scale,
    namesReadMs: namesRead,
    texts: Math.round(texts * scale),
    mentions: Math.round(mentions * scale),
    ...(scale > 1 ? { extrapolatedFromTexts: texts } : {}),
  };
}

/**
 * The time of `run` with its retries (withRetries) and their 2 s waits, in milliseconds: the last attempt alone
 * would time, after a write that committed before its answer was lost, only the replay of its stored answer.
 */
async function timed<T>(run: () => Promise<T>) {
  const started = performance.now();
  const result = await withRetries(run);
  return { result, ms: performance.now() - started };
}
const clientKey = (what: string) => `bench-mentions-${what}-${Date.now()}`;

/** The figures measured so far: saved at the end, and also when a later step fails (a loaded machine). */
const figures: Record<string, unknown> = { size };
async function saveFigures() {
  const machine = { cores: os.availableParallelism(), loadAverage: Number(os.loadavg()[0]?.toFixed(1)) };
  const file = path.join(projectRoot, "bench", "results", `mentions-${size}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), ...figures, targets, ...machine }, null, 2)}\n`,
  );
  console.log(`machine: ${machine.cores} cores, load average ${machine.loadAverage}`);
  console.log(`Saved ${path.relative(projectRoot, file)}`);
}

let database: OpenDatabase | undefined;
try {
  database = await openDatabase(syntheticConfig(size, { QUERY_TIMEOUT_MS: "600000" }), log);
  await applySchema(database.db, log);
  const db = database.db;
  const count = async (cypher: string) => Number((await db.read(cypher)).records[0]?.get("n") ?? 0);
  const relations = await count("MATCH ()-[r:RELATION {origin: 'synthetic'}]->() RETURN count(r) AS n");
  if (relations !== sizes[size]) {
    throw new Error(
      `bench-${size} holds ${relations} synthetic relations: run npm run bench:generate -- --size ${size}`,
    );
  }
  /** This benchmark's actors and history entries, left by a run that failed too, removed. */
  const removeBenchRecords = () =>
    db.writeTransaction(async (tx) => {
      await tx.run("MATCH (a:Actor) WHERE a.id STARTS WITH 'bench-mentions-' DETACH DELETE a");
      await tx.run("MATCH (c:Change {by: $by}) DELETE c", { by: writer.name });
    });
  await removeBenchRecords();
  const sources = await count("MATCH (s:Source) RETURN count(s) AS n");
  const actors = await count("MATCH (a:Actor) RETURN count(a) AS n");
  console.log(`bench-${size}: ${relations} relations, ${sources} sources, ${actors} actors`);

  // (c) The full rescan, first: it also brings every text and actor into the page cache, as in a running service.
  const sample = values["rescan-texts"] === undefined ? sources : Number(values["rescan-texts"]);
  const rescan = await fullRescan(database, sources, sample);
  Object.assign(figures, { sources, actors, rescan });
  console.log(
    `full rescan: ${rescan.texts} texts and ${actors} actors' names (read in ${rescan.namesReadMs.toFixed(0)} ms), ` +
      `${rescan.mentions} mentions found, in ${(rescan.ms / 1000).toFixed(1)} s (no writes` +
      `${rescan.extrapolatedFromTexts ? `; extrapolated from the first ${rescan.extrapolatedFromTexts} texts` : ""})`,
  );

  // (a) A new actor whose name one text writes ("Selon le document N, ..."): the texts' own numbers. The first
  // such write (query plans, the service's code) is not counted.
  const addDocument = (n: number, what: string, key = clientKey(what)) =>
    timed(() =>
      applyBatch(
        db,
        vocabulary,
        writer,
        {
          sources: [],
          relations: [],
          actors: [
            { id: `bench-mentions-${what}`, name: `Document ${n}`, kind: "ORGANIZATION", aliases: [] },
          ],
        },
        { operation: "addActor", locate, clientKey: key },
      ),
    );
  await addDocument(Math.floor(sources / 3), "warm-up");
  const documentNumber = Math.floor(sources / 2);
  const added = await addDocument(documentNumber, "document");
  const oneText = { ms: added.ms, textsRead: added.result.result.mentionTextsRead };
  figures.oneText = oneText;
  console.log(
    `addActor "Document ${documentNumber}": ${oneText.textsRead} text(s) read in ${oneText.ms.toFixed(0)} ms`,
  );

  // (b) An actor named in many texts renamed: every text that writes the old name is recomputed; then back.
  // The importer stores no mentions: those texts' mentions are written first, unmeasured, so that the rename
  // starts from true mentions, as in a graph that analysts write.
  const person = await actorInManyTexts(database, mentionRecountBounds.maxTexts);
  const primed = await timed(() => db.writeTransaction((tx) => recountMentions(tx, [foldName(person.name)])));
  console.log(
    `mentions of the ${primed.result.textsRead} texts naming "${person.name}" written in ${primed.ms.toFixed(0)} ms`,
  );
  const [renameKey, backKey] = [clientKey("rename"), clientKey("back")];
  const renamed = await timed(() =>
    editActor(db, vocabulary, writer, person.id, { name: `${person.name} bis` }, renameKey),
  );
  const back = await timed(() =>
    editActor(db, vocabulary, writer, person.id, { name: person.name }, backKey),
  );
  const manyTexts = {
    name: person.name,
    textsFound: person.texts,
    renameMs: renamed.ms,
    renameBackMs: back.ms,
    textsRead: renamed.result.result.mentionTextsRead,
  };
  console.log(
    `updateActor ${person.id} "${person.name}" -> "${person.name} bis": ${manyTexts.textsRead} texts read in ` +
      `${renamed.ms.toFixed(0)} ms; back in ${back.ms.toFixed(0)} ms`,
  );

  figures.manyTexts = manyTexts;
  // The graph as it was: the new actor and this run's history entries go (the recomputed mentions stay).
  await removeBenchRecords();

  const verdict = (ok: boolean) => (ok ? "✓" : "✗");
  const share = manyTexts.renameMs / rescan.ms;
  console.log(`\nsize ${size} (${sources} sources, ${actors} actors), figures beside targets:`);
  console.log(
    `- new name in 1 text: ${oneText.ms.toFixed(0)} ms, ${oneText.textsRead} text read; target ≤ ${targets.oneTextMs} ms ${verdict(oneText.ms <= targets.oneTextMs)}`,
  );
  console.log(
    `- name in ${manyTexts.textsRead} texts renamed: ${manyTexts.renameMs.toFixed(0)} ms (back: ${manyTexts.renameBackMs.toFixed(0)} ms); ` +
      `${(share * 100).toFixed(1)}% of a full rescan, target ≤ ${targets.manyTextsShareOfRescan * 100}% ${verdict(share <= targets.manyTextsShareOfRescan)}`,
  );
  console.log(
    `- full rescan of ${rescan.texts} texts: ${(rescan.ms / 1000).toFixed(1)} s (${((rescan.ms / rescan.texts) * 1000).toFixed(0)} µs a text), ` +
      `${(rescan.ms / oneText.ms).toFixed(0)}× the new name's write`,
  );
  await saveFigures();
} catch (error) {
  console.error(error instanceof DomainError ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
  if (Object.keys(figures).length > 1) {
    figures.failed = String((error as Error).message ?? error);
    await saveFigures();
  }
} finally {
  await database?.close();
}
