import neo4j from "neo4j-driver";
import { membershipTypes } from "../../domain/vocabulary.js";
import type { Database } from "../database.js";

/**
 * The keys of the actors that belong to `actor` one hop away (officials, members, parts: a relation of a
 * membership type of the vocabulary from them to it, not retracted), at most `limit`, by key; null when `actor`
 * is unknown.
 */
export async function membersOf(db: Database, actor: string, limit: number): Promise<string[] | null> {
  const { records } = await db.read(
    `OPTIONAL MATCH (x:Actor {id: $actor})
     RETURN x IS NOT NULL AS found, COLLECT {
       MATCH (m:Actor)-[o:RELATION]->(x) WHERE o.type IN $membershipTypes AND o.retractedAt IS NULL
       RETURN DISTINCT m.id AS key ORDER BY key LIMIT $limit } AS members`,
    { actor, membershipTypes, limit: neo4j.int(limit) },
  );
  const record = records[0];
  return record?.get("found") ? (record.get("members") as string[]) : null;
}
