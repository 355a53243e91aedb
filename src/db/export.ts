import neo4j, { type Transaction } from "neo4j-driver";
import { answerGraceMs, type Database } from "./database.js";
import { actorReader, relationReader, sourceReader, wholeRecords } from "./projection.js";
import { filterParams, type RelationFilter, relationPredicate } from "./queries/relation-filter.js";
import type { ActorRecord } from "./records/actor.js";
import { type CitationRecord, liveCitation } from "./records/citation.js";
import type { RecordReader } from "./records/reader.js";
import type { RelationRecord } from "./records/relation.js";
import type { SourceRecord } from "./records/source.js";

/** A relation in force as exports carry it: with every one of its citations, or none when they were not asked for. */
export interface ExportedRelation extends RelationRecord {
  citations: CitationRecord[];
}

/**
 * The part of the graph an export reads (src/export/filter.ts makes it from the request): null fields select
 * everything. Relations pass `relationPredicate` with `relations`, are among `relationKeys` and have both ends
 * of `kinds`; actors are among `actorKeys`, of `kinds` and, when anything is filtered, have a selected relation;
 * sources, likewise, are cited by a selected relation.
 */
export interface ExportSelection {
  actorKeys: string[] | null;
  relationKeys: string[] | null;
  kinds: string[] | null;
  relations: RelationFilter;
}

/** The whole graph. */
export const wholeGraph: ExportSelection = {
  actorKeys: null,
  relationKeys: null,
  kinds: null,
  relations: {},
};

const isWhole = (s: ExportSelection) =>
  s.actorKeys === null &&
  s.relationKeys === null &&
  s.kinds === null &&
  Object.values(s.relations).every((v) => v === null || v === undefined);

/**
 * The Cypher predicate of a relation bound to `r` that `s` selects (the clauses of its filters only); its
 * parameters are `selectionParams`'s.
 */
const selectedRelation = (s: ExportSelection) => `${relationPredicate(s.relations)}
  AND ($relationKeys IS NULL OR r.id IN $relationKeys)
  AND ($kinds IS NULL OR (startNode(r).kind IN $kinds AND endNode(r).kind IN $kinds))`;

const selectionParams = (s: ExportSelection) => ({
  ...filterParams(s.relations),
  relationKeys: s.relationKeys,
  actorKeys: s.actorKeys,
  kinds: s.kinds,
  whole: isWhole(s),
});

/** One export's read of the graph, in a read transaction of its own. */
export interface ExportSource {
  /** Every selected actor, by key. */
  actors(): AsyncGenerator<ActorRecord>;
  /** Every selected relation in force, by key; with all its citations (by key, none left out) when `citations` is true. */
  relations(citations: boolean): AsyncGenerator<ExportedRelation>;
  /** Every source a selected relation cites (every source for the whole graph), by key. */
  sources(): AsyncGenerator<SourceRecord>;
  /** Ends the export: closes the session, which rolls the transaction back. Idempotent; does not wait. */
  close(): void;
}

/** An export past its time budget that the database did not end by itself: the read is abandoned. */
export class ExportTimedOut extends Error {
  override name = "ExportTimedOut";
  readonly code = "QUERY_TIMEOUT";

  constructor(readonly timeoutMs: number) {
    super(`The export ran past its time budget of ${timeoutMs} ms`);
  }
}

/**
 * Records neo4j-driver pulls from Neo4j per round trip. It asks for the next batch only when the reader has
 * taken most of the last one (below 30 %), so about one batch is ever held in memory.
 */
const fetchSize = 1000;

/**
 * Actors in the graph and selected relations in force, what export limits are checked against: one query,
 * which reads the actor count from Neo4j's count store and a few properties of each relation, and holds nothing.
 */
export async function exportCounts(
  db: Database,
  selection: ExportSelection = wholeGraph,
): Promise<{ actors: number; relations: number }> {
  const { records } = await db.read(
    `CALL () { MATCH (a:Actor) RETURN count(a) AS actors }
     CALL () { MATCH ()-[r:RELATION]->() WHERE ${selectedRelation(selection)} RETURN count(r) AS relations }
     RETURN actors, relations`,
    selectionParams(selection),
  );
  return records[0]?.toObject() as { actors: number; relations: number };
}

/** How an export reads its actors and sources: whole records. */
const actorRow = actorReader(wholeRecords);
const sourceRow = sourceReader(wholeRecords);

// `IS NOT NULL` on the keys lets Neo4j read the key indexes in order instead of sorting the whole graph first.
const actorsQuery = (s: ExportSelection) => `MATCH (a:Actor) WHERE a.id IS NOT NULL
   AND ($actorKeys IS NULL OR a.id IN $actorKeys) AND ($kinds IS NULL OR a.kind IN $kinds)
   AND ($whole OR EXISTS { MATCH (a)-[r:RELATION]-(:Actor) WHERE ${selectedRelation(s)} })
   RETURN ${actorRow.list} AS row ORDER BY a.id`;

const relationsQuery = (s: ExportSelection, row: RecordReader<RelationRecord>) =>
  `MATCH ()-[r:RELATION]->() USING INDEX r:RELATION(id)
   WHERE r.id IS NOT NULL AND ${selectedRelation(s)}
   RETURN ${row.list} AS row
   ORDER BY r.id`;

const sourcesQuery = (selection: ExportSelection) => `MATCH (s:Source) WHERE s.id IS NOT NULL
   AND ($whole OR EXISTS {
     MATCH (c:Citation {sourceId: s.id}) WHERE ${liveCitation()}
     MATCH ()-[r:RELATION {id: c.relationId}]->() WHERE ${selectedRelation(selection)} })
   RETURN ${sourceRow.list} AS row ORDER BY s.id`;

/**
 * Opens the read of one export (`file` names it in the transaction's metadata, which SHOW TRANSACTIONS lists):
 * a session and a read transaction whose timeout, `timeoutMs` milliseconds, covers the whole download, since
 * records are read only as fast as the reader takes them. The export stops, its session closed and its pending
 * reads rejected, when `close` is called, when `signal` aborts (the client went away), or `answerGraceMs` past
 * the timeout if it is still open then (a reader that stopped reading, a database that answers nothing): then
 * `onTimeout` is called, even if nothing is reading.
 */
export async function openExport(
  db: Database,
  options: {
    file: string;
    /** What to read; the whole graph by default. */
    selection?: ExportSelection;
    timeoutMs: number;
    signal?: AbortSignal;
    onTimeout?: (error: ExportTimedOut) => void;
    /** Called once when the export stops, however it stops (its session is then closing). */
    onStop?: () => void;
  },
): Promise<ExportSource> {
  const { file, timeoutMs, signal, onTimeout, onStop } = options;
  const selection = options.selection ?? wholeGraph;
  const params = selectionParams(selection);
  const session = db.driver.session({ database: db.name, defaultAccessMode: neo4j.session.READ, fetchSize });
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  const deadline = setTimeout(() => {
    const error = new ExportTimedOut(timeoutMs);
    stop.abort(error);
    onTimeout?.(error);
  }, timeoutMs + answerGraceMs);
  stop.signal.addEventListener(
    "abort",
    () => {
      clearTimeout(deadline);
      signal?.removeEventListener("abort", onAbort);
      // A close that fails leaves nothing to do: the connection is broken, and the driver drops it.
      session.close().catch(() => undefined);
      onStop?.();
    },
    { once: true },
  );
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });

  /** `promise`, or a rejection with the reason as soon as the export stops. */
  const until = <T>(promise: PromiseLike<T>) =>
    new Promise<T>((resolve, reject) => {
      const onStop = () => reject(stop.signal.reason);
      if (stop.signal.aborted) onStop();
      stop.signal.addEventListener("abort", onStop, { once: true });
      promise.then(resolve, reject).then(() => stop.signal.removeEventListener("abort", onStop));
    });

  let tx: Transaction;
  try {
    tx = await until(session.beginTransaction({ timeout: timeoutMs, metadata: { export: file } }));
  } catch (error) {
    stop.abort(error);
    throw error;
  }
  async function* rows<T>(cypher: string, row: RecordReader<T>): AsyncGenerator<T> {
    const records = tx.run(cypher, { ...params, ...row.params })[Symbol.asyncIterator]();
    for (;;) {
      const next = await until(records.next());
      if (next.done) return;
      yield row.decode(next.value.get("row"));
    }
  }
  return {
    actors: () => rows(actorsQuery(selection), actorRow),
    relations: async function* (citations) {
      const row = relationReader(wholeRecords, { ends: false, citations: citations ? "all" : undefined });
      // The shared projection leaves citations out when they are not read; the formats expect a list.
      for await (const r of rows(relationsQuery(selection, row), row)) {
        yield { ...r, citations: r.citations ?? [] };
      }
    },
    sources: () => rows(sourcesQuery(selection), sourceRow),
    close: () => stop.abort(),
  };
}
