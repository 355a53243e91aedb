import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { ManagedTransaction } from "neo4j-driver";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { embeddedStoreDir, importEmbeddedStore, removeEmbeddedStore } from "../db/embedded.js";
import { ImportFiles, ImportLines } from "../db/import-files.js";
import { markMentionKeysCurrent } from "../db/mention-keys-migration.js";
import { type OpenDatabase, openDatabase } from "../db/open.js";
import { applySchema } from "../db/schema.js";
import { markSearchFieldsCurrent } from "../db/search.js";
import { markSourceDatesCurrent } from "../db/source-date-migration.js";
import {
  countNodesBesides,
  createActors,
  createRelations,
  createSources,
  knownRecords,
  lockGraph,
  setEmptyAliases,
} from "../db/writes.js";
import { badInput, conflict } from "../domain/errors.js";
import type { Vocabulary } from "../domain/model.js";
import { foldName } from "../domain/text.js";
import type { Logger } from "../logger.js";
import { actorRow } from "../seed/rows.js";
import {
  type BulkActor,
  type BulkBatch,
  BulkChecker,
  checkImportBatch,
  type ImportBatchOutcome,
  type ParsedBatch,
} from "./bulk-check.js";
import { CheckPool } from "./check-pool.js";
import { actorsOf, sourcesOf, ValidationError } from "./service.js";

/**
 * Bulk loads: many actors, sources and relations at once, through the one grammar (src/domain/grammar.ts, by
 * way of src/domain/model.ts) and the checks of every write (src/domain/validate.ts), turned into graph
 * properties by src/seed/rows.ts. Two ways in:
 * - `importIntoNewDatabase`: a new embedded database, written by Neo4j's offline importer from CSV files,
 *   then started and given the schema; many times faster than transactions (docs/decisions/013-bulk-import.md);
 * - `loadIntoLiveDatabase`: a running database, one transaction per batch (batched UNWIND), each under the
 *   graph's write lock and checked against what is committed.
 * Both write the same graph for the same input (test/bulk-import.test.ts compares them).
 */

export interface BulkInput {
  /** New actors, written before any relation. */
  actors: readonly BulkActor[];
  batches: Iterable<BulkBatch>;
  /** Who owns the records (their `origin` property), as in src/db/writes.ts. */
  origin: string;
}

export interface BulkProgress {
  /** `checking` (grammar, checks, the importer's files), an importer stage, `starting`, `indexing`, `writing`. */
  phase: string;
  /** Relations checked (or written) so far. */
  relations: number;
  /** Percentage of an importer stage. */
  percent?: number;
}

export interface BulkResult {
  actors: number;
  sources: number;
  relations: number;
  citations: number;
  /** Wall-clock seconds, from the first check until the database answers with its schema in place. */
  seconds: number;
  relationsPerSecond: number;
  /** Seconds per phase, in order. */
  phases: Record<string, number>;
}

const elapsed = (since: number) => (performance.now() - since) / 1000;

function result(
  counts: Omit<BulkResult, "seconds" | "relationsPerSecond" | "phases">,
  phases: Record<string, number>,
): BulkResult {
  const seconds = Object.values(phases).reduce((a, b) => a + b, 0);
  return { ...counts, seconds, relationsPerSecond: Math.round(counts.relations / seconds), phases };
}

/**
 * Loads `input` into a new embedded database with Neo4j's offline importer: checks every record (the
 * grammar, then the checks of every write against the input itself: keys taken once, names owned once,
 * references to actors of the input, quotes verbatim in sources of their own batch), writes the importer's
 * CSV files, imports them while Neo4j is stopped, then starts it, applies the schema and waits for its indexes.
 * Returns the figures and the open database (the caller closes it).
 *
 * The batches are checked on `options.checkThreads` worker threads (./check-pool.ts; as many as the
 * machine's cores, at most 4, by default; 0 checks in this thread), each settled in input order with the same
 * outcome as a check in this thread: a batch whose worker could not know the batches before it is checked
 * again here.
 *
 * Refuses, with nothing written: NEO4J_URI set (BAD_USER_INPUT: the importer writes local files), a data
 * directory whose database holds anything (CONFLICT), bad input (BAD_USER_INPUT, ValidationError with
 * the problems of the first batch that has any, at most 100 listed).
 */
export async function importIntoNewDatabase(
  config: Pick<Config, "neo4j" | "embedded">,
  vocabulary: Vocabulary,
  input: BulkInput,
  log: Logger,
  onProgress: (progress: BulkProgress) => void = () => {},
  options: { checkThreads?: number } = {},
): Promise<{ result: BulkResult; database: OpenDatabase }> {
  if (config.neo4j.uri) {
    throw badInput(
      "The importer writes the embedded database's files: unset NEO4J_URI (use `npm run ingest` for a running server)",
    );
  }
  const { dataDir } = config.embedded;
  const storeExists = existsSync(embeddedStoreDir(dataDir));
  if (storeExists) await refuseNonEmpty(config, log);
  const phases: Record<string, number> = {};
  const filesDir = path.join(dataDir, "import");
  await rm(filesDir, { recursive: true, force: true });
  await mkdir(filesDir, { recursive: true });
  try {
    let started = performance.now();
    const checker = new BulkChecker(vocabulary);
    const files = new ImportFiles(filesDir);
    const actors = checker.actors(
      input.actors,
      { hasActor: () => false, nameOwners: new Map() },
      (index) => `actors.${index}`,
    );
    checker.settle();
    const actorKeys = new Set(actors.map((actor) => actor.id));
    const actorLines = new ImportLines(input.origin);
    actorLines.actors(actors.map(actorRow));
    await files.write(actorLines.take());
    // The input is checked against itself: earlier batches stand for the committed graph. Their sources'
    // texts are not kept (at 1M relations they are hundreds of MB), so a batch cites its own sources.
    const relationKeys = new Set<string>();
    const sourceKeys = new Set<string>();
    const counts = { actors: actors.length, sources: 0, relations: 0, citations: 0 };
    const threads = options.checkThreads ?? Math.min(4, availableParallelism());
    const pool =
      threads > 0
        ? new CheckPool(threads, { vocabulary, origin: input.origin, actorKeys: [...actorKeys] })
        : undefined;
    // Batches being checked, oldest first; each is settled in input order, as if checked in this thread.
    const queue: { batch: BulkBatch; number: number; outcome?: Promise<ImportBatchOutcome> }[] = [];
    const settleOldest = async () => {
      const { batch, number, outcome } = queue.shift() as (typeof queue)[number];
      let checked = outcome && (await outcome);
      // A worker answered "no" for every relation of the batches before: if one of its questions was about
      // such a relation (a duplicate, or an address across batches), the batch is checked again here.
      if (!checked || checked.asked.some((key) => relationKeys.has(key))) {
        checked = checkImportBatch(
          vocabulary,
          input.origin,
          batch,
          number,
          (key) => actorKeys.has(key),
          (key) => relationKeys.has(key),
        );
      }
      for (const [index, key] of checked.sourceKeys.entries()) {
        if (sourceKeys.has(key)) {
          throw badInput(
            `batch ${number} sources.${index}: source "${key}" was given in an earlier batch; ` +
              "a bulk import takes each source once, in the batch of the relations that cite it",
          );
        }
        sourceKeys.add(key);
      }
      if (checked.problems.length > 0) throw new ValidationError(checked.problems);
      for (const key of checked.relationKeys) relationKeys.add(key);
      await files.write(checked.chunk);
      counts.sources += checked.sourceKeys.length;
      counts.relations += checked.relationKeys.length;
      counts.citations += checked.citations;
      onProgress({ phase: "checking", relations: counts.relations });
    };
    try {
      let number = 0;
      for (const batch of input.batches) {
        const outcome = pool?.check(number, batch);
        // Settled in order below; a worker's failure must not surface first as an unhandled rejection.
        outcome?.catch(() => {});
        queue.push({ batch, number, outcome });
        number += 1;
        if (queue.length > 2 * threads) await settleOldest();
      }
      while (queue.length > 0) await settleOldest();
    } finally {
      await pool?.close();
    }
    const fileSet = await files.finish();
    phases.checking = elapsed(started);

    started = performance.now();
    try {
      await importEmbeddedStore(
        {
          dataDir,
          heapMb: config.embedded.heapMb,
          offHeapMb: Math.max(1024, config.embedded.pageCacheMb),
          args: [...fileSet.args, ...(storeExists ? ["--overwrite-destination=true"] : [])],
          onProgress: ({ stage, step, steps, percent }) =>
            onProgress({ phase: `import ${step}/${steps} ${stage}`, relations: counts.relations, percent }),
        },
        log,
      );
    } catch (error) {
      // A failed import leaves store files Neo4j cannot open; the database was new or empty, so drop them.
      await removeEmbeddedStore(dataDir);
      throw error;
    }
    phases.importing = elapsed(started);

    started = performance.now();
    onProgress({ phase: "starting", relations: counts.relations });
    const database = await openDatabase(config, log);
    phases.starting = elapsed(started);
    started = performance.now();
    onProgress({ phase: "indexing", relations: counts.relations });
    try {
      // The rows carry this code's search fields already: without the mark, the schema rewrites every one.
      await markSearchFieldsCurrent(database.db);
      await markSourceDatesCurrent(database.db);
      await markMentionKeysCurrent(database.db);
      await applySchema(database.db, log, { indexWaitSeconds: 3600 });
      await database.db.writeTransaction((tx) => setEmptyAliases(tx, fileSet.emptyAliases));
    } catch (error) {
      await database.close();
      throw error;
    }
    phases.indexing = elapsed(started);
    return { result: result(counts, phases), database };
  } finally {
    await rm(filesDir, { recursive: true, force: true });
  }
}

/** Opens the existing database and refuses it (CONFLICT) unless it holds nothing but the write lock node. */
async function refuseNonEmpty(config: Pick<Config, "neo4j" | "embedded">, log: Logger): Promise<void> {
  const database = await openDatabase(config, log);
  let nodes: number;
  try {
    nodes = await countNodesBesides(database.db, ["WriteLock"]);
  } finally {
    await database.close();
  }
  if (nodes > 0) {
    throw conflict(
      `The database in ${config.embedded.dataDir} holds ${nodes} nodes: the importer only writes a new, empty ` +
        "database. Load into a running database with `npm run ingest`, or import into another NEO4J_DATA_DIR.",
    );
  }
}

/**
 * Loads `input` into a running database: the actors, then each batch in one transaction that takes the graph's
 * write lock, reads what the batch refers to (one round trip), checks it (grammar and checks of every write)
 * and writes it with batched UNWIND statements. While Neo4j writes one batch, Node parses the next. A batch
 * with a problem is refused with every problem (BAD_USER_INPUT); the batches before it stay written.
 */
export async function loadIntoLiveDatabase(
  db: Database,
  vocabulary: Vocabulary,
  input: BulkInput,
  onProgress: (progress: BulkProgress) => void = () => {},
): Promise<BulkResult> {
  const started = performance.now();
  const checker = new BulkChecker(vocabulary);
  const counts = { actors: 0, sources: 0, relations: 0, citations: 0 };
  const actorChunk = 10_000;
  for (let first = 0; first < input.actors.length; first += actorChunk) {
    const chunk = input.actors.slice(first, first + actorChunk);
    await db.writeTransaction(async (tx) => {
      await lockGraph(tx);
      const known = await knownRecords(tx, {
        actors: chunk.map((a) => String(a.id)),
        sources: [],
        relations: [],
        names: chunk.flatMap((a) => [a.name, ...(a.aliases ?? [])].map((n) => foldName(String(n)))),
      });
      const taken = new Set(known.actors);
      const actors = checker.actors(
        chunk,
        {
          hasActor: (key) => taken.has(key),
          nameOwners: new Map(known.nameOwners.map((o) => [o.name, o.key])),
        },
        (index) => `actors.${first + index}`,
      );
      checker.settle();
      await createActors(tx, actors.map(actorRow), input.origin);
    });
    counts.actors += chunk.length;
  }
  const write = (parsed: ParsedBatch) =>
    db.writeTransaction(async (tx: ManagedTransaction) => {
      await lockGraph(tx);
      const known = await knownRecords(tx, referencedKeys(parsed));
      const actors = new Set(known.actors);
      const sources = new Map(known.sources.map((s) => [s.key, s.text]));
      const relations = new Set(known.relations);
      const checked = checker.checkBatch(parsed, {
        hasActor: (key) => actors.has(key),
        sourceText: (key) => sources.get(key),
        hasRelation: (key) => relations.has(key),
      });
      checker.settle();
      await createSources(tx, checked.sources, input.origin);
      await createRelations(tx, checked.relations, checked.citations, input.origin);
      return checked;
    });
  // While Neo4j writes one batch, Node generates and parses the next; a transaction starts only when the one
  // before has committed, so that none spends its time limit waiting for the write lock.
  let writing: Promise<void> | undefined;
  let firstCommitted: number | undefined;
  try {
    let number = 0;
    for (const batch of input.batches) {
      const parsed = checker.parseBatch(batch, number);
      checker.settle();
      number += 1;
      await writing;
      writing = write(parsed).then((checked) => {
        firstCommitted ??= performance.now();
        counts.sources += checked.sources.length;
        counts.relations += checked.relations.length;
        counts.citations += checked.citations.length;
        onProgress({ phase: "writing", relations: counts.relations });
      });
    }
    await writing;
  } finally {
    // A batch refused in Node must not leave the write before it running unobserved.
    await writing?.catch(() => {});
  }
  // The first batch pays for a cold start (query plans, JIT, page cache): it is told apart from the rest.
  const firstSeconds = ((firstCommitted ?? performance.now()) - started) / 1000;
  return result(counts, { "first batch": firstSeconds, "later batches": elapsed(started) - firstSeconds });
}

/**
 * Every key a batch refers to, for one lookup of what the database already holds: its sources and relations
 * (each new, or a stored source given again), and the actors, sources and relations its relations refer to
 * (the same as an analyst's batch, src/ingest/service.ts).
 */
function referencedKeys({ sources, relations }: ParsedBatch) {
  const inputs = relations.map((r) => r.relation);
  return {
    actors: [...new Set(actorsOf(inputs))],
    sources: [...new Set([...sources.map((s) => s.source.id), ...sourcesOf(inputs)])],
    relations: [...new Set(inputs.flatMap((r) => [r.id, ...r.addresses]))],
    names: [],
  };
}
