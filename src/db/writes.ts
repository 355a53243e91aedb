import neo4j, { type ManagedTransaction } from "neo4j-driver";
import { telemetry } from "../telemetry.js";
import type { Database } from "./database.js";
import { assertKnownProperties, propertyMapCypher } from "./properties.js";
import type { ActorRow, CitationRow, MentionRow, RelationRow, SourceRow } from "./seed-store.js";

/**
 * The Cypher of analysts' writes (GraphQL mutations and `npm run ingest`). Each function runs inside the
 * caller's one transaction; records they create carry their origin ('analyst' unless the caller says otherwise,
 * 'synthetic' for the benchmark's generated graph), so a seed reload leaves them alone.
 */

/** Where a write reads: its own transaction, so that what it checks is what it writes over. */
type Reader = Pick<ManagedTransaction, "run">;

/**
 * Takes the graph's write lock, held until the transaction ends: every analyst write and seed load takes it
 * first, so they run one after another, each checking what the one before committed. Setting a property of
 * the lock node takes Neo4j's exclusive lock on it; removing it again in the same statement leaves the node
 * as it was, so a write that ends up writing nothing (a replay, a refusal) leaves the graph exactly as it was.
 * Reads take no lock and never wait.
 */
export async function lockGraph(tx: ManagedTransaction): Promise<void> {
  const started = performance.now();
  // The schema makes the lock node (schema/constraints.cypher); a database emptied since gets it back here.
  await tx.run("MERGE (l:WriteLock {id: 'graph'}) SET l.held = true REMOVE l.held");
  telemetry.measurements?.writeLockWait((performance.now() - started) / 1000);
}

/**
 * What the database already holds that a batch refers to: one round trip, inside the write's transaction.
 * Names are looked up by reading every actor, so only when there are names to look up (new actors).
 */
export async function knownRecords(
  tx: Reader,
  keys: { actors: string[]; sources: string[]; relations: string[]; names: string[] },
): Promise<{
  actors: string[];
  sources: { key: string; text: string }[];
  relations: string[];
  nameOwners: { name: string; key: string }[];
}> {
  const { records } = await tx.run(
    `CALL () { MATCH (a:Actor) WHERE a.id IN $actors RETURN collect(a.id) AS actors }
     CALL () { MATCH (s:Source) WHERE s.id IN $sources RETURN collect({key: s.id, text: s.text}) AS sources }
     CALL () { UNWIND $relations AS key MATCH ()-[r:RELATION {id: key}]->() RETURN collect(r.id) AS relations }
     CALL () { WITH $names AS names WHERE size(names) > 0
               MATCH (a:Actor) WHERE any(name IN a.foldedNames WHERE name IN $names)
               UNWIND [name IN a.foldedNames WHERE name IN $names] AS name
               RETURN collect({name: name, key: a.id}) AS nameOwners }
     RETURN actors, sources, relations, nameOwners`,
    keys,
  );
  const record = records[0];
  return {
    actors: record?.get("actors") ?? [],
    sources: record?.get("sources") ?? [],
    relations: record?.get("relations") ?? [],
    nameOwners: record?.get("nameOwners") ?? [],
  };
}

export interface StoredActor {
  id: string;
  name: string;
  kind: string;
  aliases: string[];
  description: string | null;
}

/** The actors with these keys, as stored; those missing are left out. */
export async function actorsByKey(tx: Reader, keys: string[]): Promise<StoredActor[]> {
  const { records } = await tx.run(
    `MATCH (a:Actor) WHERE a.id IN $keys
     RETURN a { .id, .name, .kind, .aliases, description: a.description } AS actor`,
    { keys },
  );
  return records.map((r) => r.get("actor"));
}

/** Every actor's names (and kind, for intake's gazetteer), for finding mentions in a new text; `limit` at most. */
export async function allActorNames(
  tx: Reader,
  limit?: number,
): Promise<{ id: string; name: string; kind: string; aliases: string[] }[]> {
  const { records } = await tx.run(
    `MATCH (a:Actor) RETURN a.id AS id, a.name AS name, a.kind AS kind, a.aliases AS aliases${limit === undefined ? "" : " LIMIT $limit"}`,
    limit === undefined ? {} : { limit: neo4j.int(limit) },
  );
  return records.map((r) => r.toObject() as { id: string; name: string; kind: string; aliases: string[] });
}

export async function createSources(tx: ManagedTransaction, rows: SourceRow[], origin = "analyst") {
  await tx.run(
    `UNWIND $rows AS row
     MERGE (s:Source {id: row.id})
     ON CREATE SET s = row.props, s.id = row.id, s.origin = $origin`,
    { rows, origin },
  );
}

export async function createActors(tx: ManagedTransaction, rows: ActorRow[], origin = "analyst") {
  await tx.run(
    `UNWIND $rows AS row
     CREATE (a:Actor) SET a = row.props, a.id = row.id, a.origin = $origin`,
    { rows, origin },
  );
}

/**
 * Creates relations and their citations (with IN_SOURCE and, where a speaker is given, SPOKEN_BY). The endpoints,
 * sources and speakers must exist (the caller checked them under the write lock). Properties are written as
 * map literals in CREATE, from the declared columns (./properties.ts): a map SET made the planner add Eager
 * operators that held every row, twice per statement. Throws on a row property that has no column.
 */
export async function createRelations(
  tx: ManagedTransaction,
  relations: RelationRow[],
  citations: CitationRow[],
  origin = "analyst",
) {
  for (const r of relations) assertKnownProperties("RELATION", r.id, r.props);
  await tx.run(
    `UNWIND $relations AS row
     MATCH (a:Actor {id: row.from})
     MATCH (b:Actor {id: row.to})
     CREATE (a)-[:RELATION {id: row.id, origin: $origin, ${propertyMapCypher("RELATION")}}]->(b)`,
    { relations, origin },
  );
  await createCitations(tx, citations, origin);
}

/**
 * Creates citations (with IN_SOURCE and, where a speaker is given, SPOKEN_BY) of relations that exist or are
 * made in the same transaction; their sources and speakers must exist. Throws on a row property that has no
 * column.
 */
export async function createCitations(tx: ManagedTransaction, citations: CitationRow[], origin = "analyst") {
  for (const c of citations) assertKnownProperties("Citation", c.id, c.props);
  await tx.run(
    `UNWIND $citations AS row
     MATCH (s:Source {id: row.sourceId})
     CREATE (:Citation {id: row.id, origin: $origin, ${propertyMapCypher("Citation")}})-[:IN_SOURCE]->(s)`,
    { citations, origin },
  );
  await tx.run(
    `UNWIND $spoken AS row
     MATCH (c:Citation {id: row.id})
     MATCH (speaker:Actor {id: row.speakerId})
     CREATE (c)-[:SPOKEN_BY]->(speaker)`,
    {
      spoken: citations.flatMap((c) => (c.speakerId === null ? [] : [{ id: c.id, speakerId: c.speakerId }])),
    },
  );
}

export async function createMentions(tx: ManagedTransaction, rows: MentionRow[]) {
  await tx.run(
    `UNWIND $rows AS row
     MATCH (s:Source {id: row.sourceId}), (a:Actor {id: row.actorId})
     MERGE (s)-[m:MENTIONS]->(a) SET m.starts = row.starts, m.ends = row.ends, m.count = size(row.starts)`,
    { rows },
  );
}

/**
 * Gives these actors their empty list of aliases, which the offline importer's CSV cannot express
 * (./import-files.ts); the other lists are never empty (foldedNames holds the name).
 */
export async function setEmptyAliases(tx: ManagedTransaction, keys: readonly string[]) {
  if (keys.length === 0) return;
  await tx.run("UNWIND $keys AS key MATCH (a:Actor {id: key}) SET a.aliases = []", { keys });
}

/**
 * Removes every record whose origin is `origin` (a bulk load undone): its citations, relations, sources and
 * actors, 10,000 per transaction so that no transaction outgrows its memory. Returns how many were removed.
 */
export async function deleteOrigin(db: Database, origin: string): Promise<number> {
  let removed = 0;
  for (const pattern of [
    "MATCH (x:Citation {origin: $origin})",
    "MATCH ()-[x:RELATION {origin: $origin}]->()",
    "MATCH (x:Source {origin: $origin})",
    "MATCH (x:Actor {origin: $origin})",
  ]) {
    for (;;) {
      const { records } = await db.writeTransaction((tx) =>
        tx.run(`${pattern} WITH x LIMIT 10000 DETACH DELETE x RETURN count(*) AS n`, { origin }),
      );
      const n = Number(records[0]?.get("n") ?? 0);
      removed += n;
      if (n === 0) break;
    }
  }
  return removed;
}

/** How many nodes the database holds besides those with these labels (its bookkeeping). */
export async function countNodesBesides(db: Database, labels: string[]): Promise<number> {
  const { records } = await db.read(
    "MATCH (n) WHERE none(label IN labels(n) WHERE label IN $labels) RETURN count(n) AS n",
    { labels },
  );
  return Number(records[0]?.get("n") ?? 0);
}

/** Sets an actor's properties; returns the properties it had before, for the history. */
export async function updateActor(
  tx: ManagedTransaction,
  row: ActorRow,
): Promise<Record<string, unknown> | null> {
  const result = await tx.run(
    `MATCH (a:Actor {id: $row.id})
     WITH a, properties(a) AS before
     SET a += $row.props
     RETURN before`,
    { row },
  );
  return result.records[0]?.get("before") ?? null;
}

/**
 * The relations between actors `a` and `b` (either direction) that are not retracted: how many, and the first
 * `shown` keys in key order. A merge of the two would make each of them join an actor to itself.
 */
export async function liveRelationsBetween(
  tx: Reader,
  a: string,
  b: string,
  shown: number,
): Promise<{ count: number; keys: string[] }> {
  const result = await tx.run(
    `MATCH (:Actor {id: $a})-[r:RELATION]-(:Actor {id: $b}) WHERE r.retractedAt IS NULL
     WITH r.id AS key ORDER BY key
     WITH collect(key) AS keys
     RETURN size(keys) AS count, keys[0..$shown] AS keys`,
    { a, b, shown: neo4j.int(shown) },
  );
  const record = result.records[0];
  return { count: Number(record?.get("count") ?? 0), keys: record?.get("keys") ?? [] };
}

/**
 * Moves everything of actor `from` onto actor `into`, leaving `from` bare for `deleteMergedActor`: its relations (both directions, with
 * all their properties, each deleted before it is made again so that its unique id is never held twice), the
 * places that name it (`placeActorIds`, rewritten to `into`), the citations it speaks, the sources' mentions
 * of it, and its names as aliases.
 * Returns the absorbed actor's properties, which the history keeps, so nothing is lost, the keys of the
 * relations moved and of those whose places were rewritten. The caller holds the graph's write lock, has read
 * both actors in the same transaction and refused the merge if a relation that is not retracted joins them
 * (`liveRelationsBetween`): moved, it would join `into` to itself. A retracted one moves as it is.
 */
export async function mergeActors(
  tx: ManagedTransaction,
  fromKey: string,
  intoKey: string,
  names: { aliases: string[]; foldedNames: string[]; searchNames: string[]; mentionKeys: string[] },
): Promise<{
  absorbed: Record<string, unknown>;
  relations: string[];
  places: string[];
  citations: number;
  mentions: number;
}> {
  const result = await tx.run(
    `MATCH (from:Actor {id: $from}), (into:Actor {id: $into})
     WITH from, into, properties(from) AS absorbed
     CALL (from, into) {
       MATCH (from)-[r:RELATION]->(other)
       WITH r, properties(r) AS props, CASE WHEN other = from THEN into ELSE other END AS target, into
       DELETE r
       CREATE (into)-[moved:RELATION]->(target) SET moved = props
       RETURN collect(props.id) AS outgoing
     }
     CALL (from, into) {
       MATCH (other)-[r:RELATION]->(from)
       WITH r, properties(r) AS props, other, into
       DELETE r
       CREATE (other)-[moved:RELATION]->(into) SET moved = props
       RETURN collect(props.id) AS incoming
     }
     // Places hold actor keys as a list (no index reaches a list's items): every relation is read once.
     CALL (from, into) {
       MATCH ()-[r:RELATION]->() WHERE from.id IN r.placeActorIds
       SET r.placeActorIds = [k IN r.placeActorIds | CASE WHEN k = from.id THEN into.id ELSE k END]
       RETURN collect(r.id) AS places
     }
     CALL (from, into) {
       MATCH (c:Citation)-[spoken:SPOKEN_BY]->(from)
       CREATE (c)-[:SPOKEN_BY]->(into) SET c.speakerId = into.id
       DELETE spoken
       RETURN count(*) AS citations
     }
     CALL (from, into) {
       MATCH (s:Source)-[m:MENTIONS]->(from)
       OPTIONAL MATCH (s)-[existing:MENTIONS]->(into)
       FOREACH (_ IN CASE WHEN existing IS NULL THEN [1] ELSE [] END |
         CREATE (s)-[:MENTIONS {starts: m.starts, ends: m.ends, count: m.count}]->(into))
       // Both actors' mentions of the source, in text order, as a source's mentions are found.
       WITH m, existing, COLLECT {
         UNWIND CASE WHEN existing IS NULL THEN [] ELSE [[existing.starts, existing.ends], [m.starts, m.ends]] END AS offsets
         UNWIND range(0, size(offsets[0]) - 1) AS i
         WITH offsets[0][i] AS start, offsets[1][i] AS end ORDER BY start, end
         RETURN [start, end]
       } AS spans
       FOREACH (_ IN CASE WHEN existing IS NULL THEN [] ELSE [1] END |
         SET existing.starts = [span IN spans | span[0]], existing.ends = [span IN spans | span[1]],
             existing.count = size(spans))
       DELETE m
       RETURN count(*) AS mentions
     }
     SET into.aliases = $names.aliases, into.foldedNames = $names.foldedNames, into.searchNames = $names.searchNames, into.mentionKeys = $names.mentionKeys
     RETURN absorbed, outgoing + incoming AS relations, places, citations, mentions`,
    { from: fromKey, into: intoKey, names },
  );
  const record = result.records[0];
  if (!record) throw new Error(`merge of ${fromKey} into ${intoKey} matched nothing`);
  return {
    absorbed: record.get("absorbed"),
    relations: record.get("relations"),
    places: record.get("places"),
    citations: record.get("citations"),
    mentions: record.get("mentions"),
  };
}

/**
 * Deletes the actor `key` that `mergeActors` emptied, last in the merge's transaction: Neo4j 5.26's full-text
 * queries in a transaction that has deleted an indexed node missed other nodes (the mention-key lookup of the
 * merge's recount lost a third of the actors it should find), so nothing is deleted before them.
 */
export async function deleteMergedActor(tx: ManagedTransaction, key: string): Promise<void> {
  await tx.run("MATCH (a:Actor {id: $key}) DETACH DELETE a", { key });
}

/** Hides a relation from traversals; it stays in the graph, with who retracted it, when and why. */
export async function retractRelation(
  tx: ManagedTransaction,
  key: string,
  by: string,
  reason: string,
): Promise<"retracted" | "already retracted" | "missing"> {
  const result = await tx.run(
    `MATCH ()-[r:RELATION {id: $key}]->()
     WITH r, r.retractedAt IS NOT NULL AS already
     FOREACH (_ IN CASE WHEN already THEN [] ELSE [1] END |
       SET r.retractedAt = datetime(), r.retractedBy = $by, r.retractionReason = $reason)
     RETURN already`,
    { key, by, reason },
  );
  const record = result.records[0];
  if (!record) return "missing";
  return record.get("already") ? "already retracted" : "retracted";
}

export interface ChangeRecord {
  id: string;
  /**
   * Its place in the history: 1, 2, 3... in commit order, assigned under the write lock (recordChange), so a
   * reader that has seen every change up to n and then reads those after n misses none (src/db/change-log.ts).
   */
  sequence: number;
  at: string;
  by: string;
  role: string;
  operation: string;
  targets: string[];
  sources: string[];
  clientKey: string | null;
  payloadHash: string;
  details: string;
}

/**
 * Writes a change's history entry, with the next number of the history's sequence: a counter on the lock node,
 * which the caller holds (lockGraph), so numbers follow commit order and a write that rolls back gives its
 * number back. Answers the sequence number given.
 */
export async function recordChange(
  tx: ManagedTransaction,
  change: Omit<ChangeRecord, "at" | "sequence">,
): Promise<number> {
  const { records } = await tx.run(
    `MATCH (l:WriteLock {id: 'graph'})
     SET l.lastChange = coalesce(l.lastChange, 0) + 1
     CREATE (c:Change) SET c = $change, c.at = datetime(), c.sequence = l.lastChange
     RETURN c.sequence AS sequence`,
    { change },
  );
  return Number(records[0]?.get("sequence"));
}

export async function changeByClientKey(tx: Reader, clientKey: string): Promise<ChangeRecord | null> {
  const { records } = await tx.run(
    `MATCH (c:Change {clientKey: $clientKey}) RETURN c { .*, at: toString(c.at) } AS change`,
    { clientKey },
  );
  return records[0]?.get("change") ?? null;
}

/** Every change that touched a record (actor, relation or source), oldest first. */
export async function historyOf(db: Database, key: string, limit: number): Promise<ChangeRecord[]> {
  const { records } = await db.read(
    `MATCH (c:Change) WHERE $key IN c.targets
     RETURN c { .*, at: toString(c.at) } AS change ORDER BY c.at, c.id LIMIT $limit`,
    { key, limit: neo4j.int(limit) },
  );
  return records.map((r) => r.get("change"));
}
