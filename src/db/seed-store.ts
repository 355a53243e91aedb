import type { ManagedTransaction } from "neo4j-driver";
import type { Database } from "./database.js";

/**
 * The Cypher that writes the seed corpus. Each function is one statement over a whole batch (UNWIND), so a
 * load is a handful of round trips whatever the corpus size, all inside the caller's one transaction.
 * Seed-owned records carry origin = 'seed': a load removes the seed records the files no longer have and
 * leaves everything else (analysts' own data) alone.
 */

export interface SourceRow {
  id: string;
  props: Record<string, unknown>;
}
export interface ActorRow {
  id: string;
  props: Record<string, unknown>;
}
export interface RelationRow {
  id: string;
  from: string;
  to: string;
  props: Record<string, unknown>;
}
export interface CitationRow {
  id: string;
  sourceId: string;
  speakerId: string | null;
  props: Record<string, unknown>;
}
export interface MentionRow {
  sourceId: string;
  actorId: string;
  starts: number[];
  ends: number[];
}

export async function seedStateHash(db: Database): Promise<string | null> {
  const { records } = await db.read<{ hash: string }>(
    "MATCH (m:SeedState {id: 'seed'}) RETURN m.hash AS hash",
  );
  return records[0]?.get("hash") ?? null;
}

export async function upsertSeedSources(tx: ManagedTransaction, rows: SourceRow[]) {
  await tx.run(
    `MATCH (s:Source {origin: 'seed'}) WHERE NOT s.id IN [row IN $rows | row.id] DETACH DELETE s
     WITH count(*) AS removed
     UNWIND $rows AS row
     MERGE (s:Source {id: row.id})
     SET s = row.props, s.id = row.id, s.origin = 'seed'`,
    { rows },
  );
}

/**
 * The seed's actors: those of origin 'seed' whose keys are not in `seedKeys` (the files' actors) are removed,
 * and `rows` (the files' actors, less those an analyst changed since: see src/seed/load.ts) are written.
 */
export async function upsertSeedActors(tx: ManagedTransaction, rows: ActorRow[], seedKeys: string[]) {
  await tx.run(
    `MATCH (a:Actor {origin: 'seed'}) WHERE NOT a.id IN $seedKeys DETACH DELETE a
     WITH count(*) AS removed
     UNWIND $rows AS row
     MERGE (a:Actor {id: row.id})
     SET a = row.props, a.id = row.id, a.origin = 'seed'`,
    { rows, seedKeys },
  );
}

export async function upsertSeedRelations(tx: ManagedTransaction, rows: RelationRow[]) {
  // A relation whose endpoints changed is removed and made again: a relationship cannot move.
  await tx.run(
    `MATCH (a:Actor)-[r:RELATION {origin: 'seed'}]->(b:Actor)
     WITH r, a, b, $wanted[r.id] AS want
     WHERE want IS NULL OR want.from <> a.id OR want.to <> b.id
     DELETE r`,
    { wanted: Object.fromEntries(rows.map((row) => [row.id, { from: row.from, to: row.to }])) },
  );
  // An analyst's retraction stays. A relation whose two ends a merge made one actor is only updated, never
  // made: the merge kept it, retracted; one the files add since would join an actor to itself.
  await tx.run(
    `UNWIND $rows AS row
     MATCH (a:Actor {id: row.from}), (b:Actor {id: row.to})
     WHERE a <> b OR EXISTS { ()-[:RELATION {id: row.id}]->() }
     MERGE (a)-[r:RELATION {id: row.id}]->(b)
     WITH r, row, r { .retractedAt, .retractedBy, .retractionReason } AS retraction
     SET r = row.props, r += retraction, r.id = row.id, r.origin = 'seed'`,
    { rows },
  );
}

/**
 * What analysts changed of the actors, from the history, in the order they did it: the keys of actors edited
 * (`updateActor`) and each merge's two keys (`into` absorbed `from`), with which of the absorbed keys an actor
 * holds again (added after the merge).
 */
export async function analystActorChanges(tx: ManagedTransaction): Promise<{
  edited: string[];
  merges: { into: string; from: string }[];
  heldAgain: string[];
}> {
  const { records } = await tx.run(
    `MATCH (c:Change) WHERE c.operation IN ['updateActor', 'mergeActors']
     WITH c ORDER BY c.at, c.id
     WITH collect(CASE WHEN c.operation = 'updateActor' THEN c.targets[0] END) AS edited,
          collect(CASE WHEN c.operation = 'mergeActors' THEN { into: c.targets[0], from: c.targets[1] } END) AS merges
     RETURN edited, merges, [key IN [m IN merges | m.from] WHERE EXISTS { (:Actor {id: key}) }] AS heldAgain`,
  );
  const record = records[0];
  return {
    edited: record?.get("edited") ?? [],
    merges: record?.get("merges") ?? [],
    heldAgain: record?.get("heldAgain") ?? [],
  };
}

export async function upsertSeedCitations(tx: ManagedTransaction, rows: CitationRow[]) {
  await tx.run(
    `MATCH (c:Citation {origin: 'seed'}) WHERE NOT c.id IN [row IN $rows | row.id] DETACH DELETE c
     WITH count(*) AS removed
     UNWIND $rows AS row
     MERGE (c:Citation {id: row.id})
     // An analyst's withdrawal stays, as a relation's retraction does.
     WITH c, row, c { .withdrawnAt, .withdrawnBy, .withdrawalReason } AS withdrawal
     SET c = row.props, c += withdrawal, c.id = row.id, c.origin = 'seed'
     WITH c, row
     OPTIONAL MATCH (c)-[old:IN_SOURCE|SPOKEN_BY]->()
     DELETE old
     WITH DISTINCT c, row
     MATCH (s:Source {id: row.sourceId})
     CREATE (c)-[:IN_SOURCE]->(s)
     WITH c, row
     OPTIONAL MATCH (speaker:Actor {id: row.speakerId})
     FOREACH (_ IN CASE WHEN speaker IS NULL THEN [] ELSE [1] END | CREATE (c)-[:SPOKEN_BY]->(speaker))`,
    { rows },
  );
}

export async function recordSeedState(tx: ManagedTransaction, hash: string) {
  await tx.run(`MERGE (m:SeedState {id: 'seed'}) SET m.hash = $hash, m.loadedAt = datetime()`, { hash });
}

export interface GraphCounts {
  sources: number;
  actors: number;
  relations: number;
  citations: number;
  mentions: number;
}

export async function countGraph(db: Database): Promise<GraphCounts> {
  const { records } = await db.read<Record<keyof GraphCounts, number>>(
    `CALL () { MATCH (s:Source) RETURN count(s) AS sources }
     CALL () { MATCH (a:Actor) RETURN count(a) AS actors }
     CALL () { MATCH ()-[r:RELATION]->() RETURN count(r) AS relations }
     CALL () { MATCH (c:Citation) RETURN count(c) AS citations }
     CALL () { MATCH ()-[m:MENTIONS]->() RETURN count(m) AS mentions }
     RETURN sources, actors, relations, citations, mentions`,
  );
  const record = records[0];
  if (!record) throw new Error("count query returned no row");
  return record.toObject();
}
