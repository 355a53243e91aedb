import type { Database } from "../database.js";
import { liveCitation } from "../records/citation.js";
import { assertedOnlyByAParty } from "./relation-filter.js";

/** The read queries of claims: who says what about a relation (its ledger), and which relations answer it. */

/** How many citations of a relation take one stance, from how many sources, spoken by whom. */
export interface StanceTallyRecord {
  stance: string;
  citations: number;
  sources: number;
  /** Keys of the distinct actors the sources attribute these citations to. */
  speakerKeys: string[];
  /** Citations in a source's own voice (no speaker). */
  unattributed: number;
}

/** Who says what about a relation, counted over its live citations (withdrawn ones no longer count). */
export interface LedgerRecord {
  key: string;
  stances: StanceTallyRecord[];
  citations: number;
  sources: number;
  speakers: number;
  singleSource: boolean;
  assertedOnlyByAParty: boolean;
  /** The publication date of the relation's first dated source, as written, and its precision. */
  firstReported: string | null;
  firstReportedPrecision: string | null;
}

/** The ledger of each relation found, by key (see LedgerRecord); the same definitions as the relation filters. */
export async function ledgersOfRelations(db: Database, keys: readonly string[]): Promise<LedgerRecord[]> {
  const { records } = await db.read(
    `UNWIND $keys AS key
     MATCH ()-[r:RELATION {id: key}]->()
     CALL (r) {
       MATCH (c:Citation {relationId: r.id}) WHERE ${liveCitation()}
       WITH c.stance AS stance, count(c) AS citations, count(DISTINCT c.sourceId) AS sources,
            collect(DISTINCT c.speakerId) AS speakerKeys, count(c) - count(c.speakerId) AS unattributed
       ORDER BY stance
       RETURN collect({ stance: stance, citations: citations, sources: sources, speakerKeys: speakerKeys,
                        unattributed: unattributed }) AS stances
     }
     CALL (r) {
       MATCH (c:Citation {relationId: r.id}) WHERE ${liveCitation()}
       RETURN count(c) AS citations, count(DISTINCT c.sourceId) AS sources, count(DISTINCT c.speakerId) AS speakers
     }
     RETURN {
       key: r.id, stances: stances, citations: citations, sources: sources, speakers: speakers,
       singleSource: sources = 1,
       assertedOnlyByAParty: ${assertedOnlyByAParty},
       firstReported: COLLECT { MATCH (c:Citation {relationId: r.id})-[:IN_SOURCE]->(s:Source)
         WHERE ${liveCitation()} AND s.publishedDate IS NOT NULL RETURN { on: s.published, precision: s.publishedPrecision } ORDER BY s.publishedDate LIMIT 1 }[0]
     } AS ledger`,
    { keys },
  );
  return records.map((record) => {
    const { firstReported, ...ledger } = record.get("ledger");
    return {
      ...ledger,
      firstReported: firstReported?.on ?? null,
      firstReportedPrecision: firstReported?.precision ?? null,
    };
  });
}

/**
 * The keys of the relations (not retracted) that address each of `keys`, in key order: the answers to a claim.
 * Only relations that address something are read (the relation_addresses index), not the whole graph.
 */
export async function answersOfRelations(
  db: Database,
  keys: readonly string[],
): Promise<{ addressed: string; key: string }[]> {
  const { records } = await db.read(
    `MATCH ()-[a:RELATION]->() WHERE a.addresses IS NOT NULL AND a.retractedAt IS NULL
     UNWIND a.addresses AS addressed
     WITH addressed, a WHERE addressed IN $keys
     RETURN addressed, a.id AS key ORDER BY key`,
    { keys },
  );
  return records.map((r) => ({ addressed: r.get("addressed"), key: r.get("key") }));
}
