import neo4j, { type ManagedTransaction } from "neo4j-driver";
import type { RelationFacts } from "../domain/same-relation.js";
import { liveCitation } from "./records/citation.js";

/**
 * The Cypher of a relation's evidence as analysts change it (src/ingest/evidence.ts): the stored relations a new
 * one may repeat, a relation's citations before more are added, `contested` recomputed from the live citations,
 * and a citation withdrawn. Each runs inside the caller's transaction, which holds the graph's write lock.
 */

type Reader = Pick<ManagedTransaction, "run">;

/** A stored relation's facts as the rule of the same relation compares them (src/domain/same-relation.ts). */
export interface StoredFacts extends RelationFacts {
  key: string;
}

/**
 * The relations that are not retracted, of `type`, between `a` and `b` in either direction, for each pair: at
 * most `most` per pair, in key order. The rule of the same relation then decides which state the same fact.
 */
export async function liveRelationsOfPairs(
  tx: Reader,
  pairs: readonly { type: string; a: string; b: string }[],
  most: number,
): Promise<StoredFacts[]> {
  const { records } = await tx.run(
    `UNWIND $pairs AS pair
     CALL (pair) {
       MATCH (:Actor {id: pair.a})-[r:RELATION]-(:Actor {id: pair.b})
       WHERE r.type = pair.type AND r.retractedAt IS NULL
       RETURN DISTINCT r ORDER BY r.id LIMIT $most
     }
     RETURN DISTINCT r { key: r.id, .type, from: startNode(r).id, to: endNode(r).id, .role, .at, .start, .end,
                         addresses: coalesce(r.addresses, []), placeNames: coalesce(r.placeNames, []),
                         placeActorIds: coalesce(r.placeActorIds, []) } AS facts`,
    { pairs, most: neo4j.int(most) },
  );
  return records.map((record) => {
    const { placeNames, placeActorIds, ...facts } = record.get("facts");
    return {
      ...facts,
      places: (placeNames as string[]).map((name, i) => ({ name, actor: placeActorIds[i] || null })),
    };
  });
}

/** A relation as citations are added to it: its ends and type, and every citation it has, withdrawn ones too. */
export interface RelationEvidence {
  key: string;
  type: string;
  from: string;
  to: string;
  retracted: boolean;
  citations: { key: string; source: string; start: number; end: number; live: boolean }[];
}

/** The relation with this key and all its citations (at most limits.citations are ever stored), or null. */
export async function relationEvidence(tx: Reader, key: string): Promise<RelationEvidence | null> {
  const { records } = await tx.run(
    `MATCH ()-[r:RELATION {id: $key}]->()
     RETURN { key: r.id, type: r.type, from: startNode(r).id, to: endNode(r).id,
              retracted: r.retractedAt IS NOT NULL,
              citations: COLLECT { MATCH (c:Citation {relationId: r.id})
                                   RETURN { key: c.id, source: c.sourceId, start: toInteger(c.start),
                                            end: toInteger(c.end), live: ${liveCitation()} } ORDER BY c.id } }
       AS relation`,
    { key },
  );
  const relation = records[0]?.get("relation");
  if (!relation) return null;
  return {
    ...relation,
    citations: relation.citations.map((c: { start: unknown; end: unknown }) => ({
      ...c,
      start: Number(c.start),
      end: Number(c.end),
    })),
  };
}

/**
 * Sets `contested` of these relations from their live citations (contested when one of them DENIES) and
 * returns each one's value.
 */
export async function recomputeContested(
  tx: ManagedTransaction,
  keys: readonly string[],
): Promise<Map<string, boolean>> {
  const { records } = await tx.run(
    `UNWIND $keys AS key
     MATCH ()-[r:RELATION {id: key}]->()
     SET r.contested = EXISTS { MATCH (c:Citation {relationId: r.id}) WHERE ${liveCitation()} AND c.stance = 'DENIES' }
     RETURN r.id AS key, r.contested AS contested`,
    { keys },
  );
  return new Map(records.map((r) => [r.get("key"), r.get("contested")]));
}

/** A citation as a withdrawal finds it: its relation, whether it is withdrawn, and its relation's live citations. */
export interface CitationStanding {
  relationKey: string;
  withdrawn: boolean;
  liveCitations: number;
}

/** The citation with this key as a withdrawal needs it, or null when there is none. */
export async function citationStanding(tx: Reader, key: string): Promise<CitationStanding | null> {
  const { records } = await tx.run(
    `MATCH (c:Citation {id: $key})
     RETURN { relationKey: c.relationId, withdrawn: NOT ${liveCitation()},
              liveCitations: COUNT { MATCH (other:Citation {relationId: c.relationId}) WHERE ${liveCitation("other")} } }
       AS standing`,
    { key },
  );
  const standing = records[0]?.get("standing");
  return standing ? { ...standing, liveCitations: Number(standing.liveCitations) } : null;
}

/**
 * Withdraws a live citation: it stays, with who withdrew it, when and why, but no longer counts for its
 * relation (the caller recomputes `contested`, and refused the withdrawal of a relation's last live citation).
 */
export async function markWithdrawn(
  tx: ManagedTransaction,
  key: string,
  by: string,
  reason: string,
): Promise<void> {
  await tx.run(
    `MATCH (c:Citation {id: $key})
     SET c.withdrawnAt = datetime(), c.withdrawnBy = $by, c.withdrawalReason = $reason`,
    { key, by, reason },
  );
}
