import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import type { ManagedTransaction } from "neo4j-driver";
import type { z } from "zod";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { embeddedStoreDir, importEmbeddedStore, removeEmbeddedStore } from "../db/embedded.js";
import { ImportFiles } from "../db/import-files.js";
import { type OpenDatabase, openDatabase } from "../db/open.js";
import { applySchema } from "../db/schema.js";
import { markSearchFieldsCurrent } from "../db/search.js";
import type { CitationRow, RelationRow, SourceRow } from "../db/seed-store.js";
import {
  countNodesBesides,
  createActors,
  createRelations,
  createSources,
  knownRecords,
  lockGraph,
  setEmptyAliases,
} from "../db/writes.js";
import { badInput, conflict } from "../errors.js";
import type { Logger } from "../logger.js";
import { actorEntry, bulkSource, looseRelationEntry, type Vocabulary } from "../seed/model.js";
import { actorRow, citationRows, relationRow, sourceRow } from "../seed/rows.js";
import { codePoints, foldName } from "../seed/text.js";
import { checkActor, checkRelation, type Knowledge, type Path } from "../seed/validate.js";
import { type Problem, ValidationError } from "./service.js";

/**
 * Bulk loads: many actors, sources and relations at once, through the one grammar (src/seed/grammar.ts, by
 * way of src/seed/model.ts) and the checks of every write (src/seed/validate.ts), turned into graph
 * properties by src/seed/rows.ts. Two ways in:
 * - `importIntoNewDatabase`: a new embedded database, written by Neo4j's offline importer from CSV files,
 *   then started and given the schema; many times faster than transactions (docs/decisions/013-bulk-import.md);
 * - `loadIntoLiveDatabase`: a running database, one transaction per batch (batched UNWIND), each under the
 *   graph's write lock and checked against what is committed.
 * Both write the same graph for the same input (test/bulk-import.test.ts compares them).
 */

export type BulkActor = z.input<typeof actorEntry>;
export type BulkSource = z.input<typeof bulkSource>;
export type BulkRelation = z.input<typeof looseRelationEntry>;

/** Sources, and relations whose citations cite these sources or stored ones. */
export interface BulkBatch {
  sources: BulkSource[];
  relations: BulkRelation[];
}

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

/** Most problems a rejected bulk load lists; the rest are counted. */
const maxProblems = 100;

/** What a batch is checked against besides itself: the committed graph, or what came before it. */
interface Committed {
  hasActor(key: string): boolean;
  /** The text of a stored source, if there is one. */
  sourceText(key: string): string | undefined;
  hasRelation(key: string): boolean;
}

/** A batch as the grammar parsed it, each item with its place in the input. */
interface ParsedBatch {
  number: number;
  sources: { index: number; source: z.output<typeof bulkSource> }[];
  relations: { index: number; relation: z.output<typeof looseRelationEntry> }[];
}

/** A batch made graph rows: the sources to create, the relations and their citations. */
interface CheckedBatch {
  sources: SourceRow[];
  relations: RelationRow[];
  citations: CitationRow[];
}

/** Parses and checks bulk input, collecting problems with where they are ("batch 3 relations.17.to"). */
class BulkChecker {
  private problems: Problem[] = [];
  private dropped = 0;

  constructor(private readonly vocabulary: Vocabulary) {}

  private report = (where: string) => (at: Path, message: string) => {
    if (this.problems.length < maxProblems) this.problems.push({ where: [where, ...at].join("."), message });
    else this.dropped += 1;
  };

  /** Throws the problems found so far, if any (BAD_USER_INPUT, nothing written by this call's caller). */
  settle(): void {
    if (this.problems.length === 0) return;
    const more = this.dropped > 0 ? [{ where: "…", message: `${this.dropped} more problems` }] : [];
    throw new ValidationError([...this.problems, ...more]);
  }

  private parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> | undefined {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      this.report(where)(
        issue.path.filter((p): p is string | number => typeof p !== "symbol"),
        issue.message,
      );
    }
    return undefined;
  }

  /** New actors, checked against `known` (keys and names already taken) and each other. */
  actors(
    inputs: readonly BulkActor[],
    known: { hasActor(key: string): boolean; nameOwners: Map<string, string> },
    where: (index: number) => string,
  ) {
    const seen = new Set<string>();
    const actors = inputs.flatMap((input, index) => {
      const actor = this.parse(actorEntry, input, where(index));
      if (!actor) return [];
      const report = this.report(where(index));
      if (seen.has(actor.id) || known.hasActor(actor.id))
        report(["id"], `actor "${actor.id}" already exists`);
      seen.add(actor.id);
      checkActor(
        actor,
        {
          vocabulary: this.vocabulary,
          hasActor: () => true,
          // An actor addresses no relation.
          hasRelation: () => true,
          sourcePoints: () => undefined,
          nameOwner: (name) => known.nameOwners.get(name),
        },
        report,
      );
      for (const name of [actor.name, ...actor.aliases].map(foldName)) known.nameOwners.set(name, actor.id);
      return [actor];
    });
    return actors;
  }

  /** One batch through the grammar; what does not parse is reported and left out. */
  parseBatch(batch: BulkBatch, number: number): ParsedBatch {
    return {
      number,
      sources: batch.sources.flatMap((input, index) => {
        const source = this.parse(bulkSource, input, `batch ${number} sources.${index}`);
        return source ? [{ index, source }] : [];
      }),
      relations: batch.relations.flatMap((input, index) => {
        const relation = this.parse(looseRelationEntry, input, `batch ${number} relations.${index}`);
        return relation ? [{ index, relation }] : [];
      }),
    };
  }

  /** A parsed batch checked against itself and `committed`, made rows: new sources, relations, citations. */
  checkBatch({ number, sources, relations }: ParsedBatch, committed: Committed): CheckedBatch {
    const points = new Map<string, readonly string[]>();
    const seen = new Set<string>();
    const sourceRows = sources.flatMap(({ index, source }) => {
      const report = this.report(`batch ${number} sources.${index}`);
      const stored = committed.sourceText(source.id);
      if (seen.has(source.id)) report(["id"], `duplicate key "${source.id}" in this batch`);
      else if (stored !== undefined && stored !== source.text) {
        report(["id"], `source "${source.id}" already exists with a different text`);
      }
      seen.add(source.id);
      const sourcePoints = codePoints(source.text);
      points.set(source.id, sourcePoints);
      return stored === undefined ? [sourceRow({ ...source, length: sourcePoints.length })] : [];
    });
    const batchRelations = new Set(relations.map(({ relation }) => relation.id));
    const knowledge: Knowledge = {
      vocabulary: this.vocabulary,
      hasActor: (key) => committed.hasActor(key),
      // A relation may address one stored, or one of its own batch.
      hasRelation: (key) => batchRelations.has(key) || committed.hasRelation(key),
      sourcePoints: (key) => {
        const own = points.get(key);
        if (own) return own;
        const stored = committed.sourceText(key);
        if (stored === undefined) return undefined;
        const storedPoints = codePoints(stored);
        points.set(key, storedPoints);
        return storedPoints;
      },
      nameOwner: () => undefined,
    };
    const checked = relations.map(({ index, relation }) => {
      const report = this.report(`batch ${number} relations.${index}`);
      if (seen.has(relation.id) || committed.hasRelation(relation.id)) {
        report(["id"], `relation "${relation.id}" already exists`);
      }
      seen.add(relation.id);
      return checkRelation(relation, knowledge, report);
    });
    return {
      sources: sourceRows,
      relations: checked.map(relationRow),
      citations: checked.flatMap(citationRows),
    };
  }
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
 * Refuses, with nothing written: NEO4J_URI set (BAD_USER_INPUT: the importer writes local files), a data
 * directory whose database holds anything (CONFLICT), bad input (BAD_USER_INPUT, ValidationError with
 * every problem, at most 100 listed).
 */
export async function importIntoNewDatabase(
  config: Pick<Config, "neo4j" | "embedded">,
  vocabulary: Vocabulary,
  input: BulkInput,
  log: Logger,
  onProgress: (progress: BulkProgress) => void = () => {},
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
    const files = new ImportFiles(filesDir, input.origin);
    const actorKeys = new Set<string>();
    const actors = checker.actors(
      input.actors,
      { hasActor: () => false, nameOwners: new Map() },
      (index) => `actors.${index}`,
    );
    checker.settle();
    for (const actor of actors) actorKeys.add(actor.id);
    await files.actors(actors.map(actorRow));
    // The input is checked against itself: earlier batches stand for the committed graph. Their sources'
    // texts are not kept (at 1M relations they are hundreds of MB), so a batch cites its own sources.
    const relationKeys = new Set<string>();
    const sourceKeys = new Set<string>();
    const counts = { actors: actors.length, sources: 0, relations: 0, citations: 0 };
    let number = 0;
    for (const batch of input.batches) {
      const checked = checker.checkBatch(checker.parseBatch(batch, number), {
        hasActor: (key) => actorKeys.has(key),
        sourceText: () => undefined,
        hasRelation: (key) => relationKeys.has(key),
      });
      for (const [index, source] of checked.sources.entries()) {
        if (sourceKeys.has(source.id)) {
          throw badInput(
            `batch ${number} sources.${index}: source "${source.id}" was given in an earlier batch; ` +
              "a bulk import takes each source once, in the batch of the relations that cite it",
          );
        }
        sourceKeys.add(source.id);
      }
      checker.settle();
      for (const relation of checked.relations) relationKeys.add(relation.id);
      await files.sources(checked.sources);
      await files.relations(checked.relations, checked.citations);
      counts.sources += checked.sources.length;
      counts.relations += checked.relations.length;
      counts.citations += checked.citations.length;
      number += 1;
      onProgress({ phase: "checking", relations: counts.relations });
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
  try {
    let number = 0;
    for (const batch of input.batches) {
      const parsed = checker.parseBatch(batch, number);
      checker.settle();
      number += 1;
      await writing;
      writing = write(parsed).then((checked) => {
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
  return result(counts, { writing: elapsed(started) });
}

/** Every key a batch refers to, for one lookup of what the database already holds. */
function referencedKeys({ sources, relations }: ParsedBatch) {
  const actors = new Set<string>();
  const sourceKeys = new Set(sources.map((s) => s.source.id));
  for (const { relation } of relations) {
    actors.add(relation.from);
    actors.add(relation.to);
    for (const citation of relation.citations) {
      sourceKeys.add(citation.source);
      if (citation.speaker !== null) actors.add(citation.speaker);
    }
  }
  return {
    actors: [...actors],
    sources: [...sourceKeys],
    relations: relations.map((r) => r.relation.id),
    names: [],
  };
}
