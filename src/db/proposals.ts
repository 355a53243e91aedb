import neo4j, { type ManagedTransaction } from "neo4j-driver";
import type { KnownRelation, ProposalKind, ProposalStage, ProposalStatus } from "../domain/proposal.js";
import type { Database } from "./database.js";
import {
  inListOrder,
  type Keyed,
  type KeysetPage,
  keyOrderedWindow,
  keysetParams,
  totalOf,
} from "./keyset.js";
import type { StoredActor } from "./mentions.js";
import type { Read } from "./suggest.js";

/**
 * The Cypher of article intake's proposals (docs/decisions/033-proposals.md): each draft of an intake stored as a
 * `(:Proposal)-[:PROPOSED_FROM]->(:Source)` node, its fields flat on the node; ends and speakers as keys of
 * actors (`fromActor`) or of proposals of the same intake (`fromProposal`). A decision's history entry is linked
 * `(:Change)-[:DECIDED]->(:Proposal)`. Writes run inside the caller's transaction, which holds the write lock.
 */

type Reader = Pick<ManagedTransaction, "run">;

/**
 * A proposal as stored and read back. Offsets are code points of the source's text; `confidence` 0 to 1; dates
 * are partial dates (YYYY, YYYY-MM, YYYY-MM-DD). Fields of other kinds are null.
 */
export interface ProposalRecord {
  key: string;
  sourceKey: string;
  /** The intake that made it: every proposal of one intake shares it. */
  intake: string;
  /** The draft's id within its intake (the rules' own numbering). */
  draftId: string;
  kind: ProposalKind;
  status: ProposalStatus;
  confidence: number;
  sentence: number;
  stage: ProposalStage;
  rule: string;
  quoteStart: number;
  quoteEnd: number;
  quoteText: string;
  quoteBefore: string;
  quoteAfter: string;
  /** ACTOR: the name, the kind guessed, the known actors it may be. */
  name: string | null;
  actorKind: string | null;
  sameAs: string[];
  /** ALIAS: the known actor and the new name. */
  actor: string | null;
  alias: string | null;
  /** RELATION: type, ends (an actor's key or an ACTOR proposal's key), dates. */
  relationType: string | null;
  fromActor: string | null;
  fromProposal: string | null;
  toActor: string | null;
  toProposal: string | null;
  at: string | null;
  start: string | null;
  end: string | null;
  /** CITATION: the relation cited. */
  relation: string | null;
  /** RELATION and CITATION: who speaks (null: the article's voice), and the stance. */
  speakerActor: string | null;
  speakerProposal: string | null;
  stance: string | null;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
  /** The history entry of the last decision. */
  changeId: string | null;
  /** What the acceptance wrote or named: the actor's key (ACTOR, ALIAS), the relation's (RELATION, CITATION). */
  acceptedKey: string | null;
  /** The keys of the citations the acceptance wrote. */
  acceptedCitations: string[];
  /** The intake that superseded it, when SUPERSEDED. */
  supersededBy: string | null;
}

/** A proposal as written: the record less what the store sets itself (status, times, decisions). */
export type ProposalRow = Omit<
  ProposalRecord,
  | "status"
  | "createdAt"
  | "decidedAt"
  | "decidedBy"
  | "reason"
  | "changeId"
  | "acceptedKey"
  | "acceptedCitations"
  | "supersededBy"
>;

const recordFields = `p { .*, key: p.id, sourceKey: p.sourceId, createdAt: toString(p.createdAt),
  decidedAt: toString(p.decidedAt) }`;

const nullable = [
  "name",
  "actorKind",
  "actor",
  "alias",
  "relationType",
  "fromActor",
  "fromProposal",
  "toActor",
  "toProposal",
  "at",
  "start",
  "end",
  "relation",
  "speakerActor",
  "speakerProposal",
  "stance",
  "decidedAt",
  "decidedBy",
  "reason",
  "changeId",
  "acceptedKey",
  "supersededBy",
] as const;

function decode(raw: Record<string, unknown>): ProposalRecord {
  const { id: _id, sourceId: _sourceId, ...rest } = raw;
  const record = { ...rest } as Record<string, unknown>;
  for (const field of nullable) record[field] ??= null;
  record.sameAs ??= [];
  record.acceptedCitations ??= [];
  return record as unknown as ProposalRecord;
}

/**
 * Stores an intake's proposals, PENDING, each linked to its source (which must exist). Properties that are null
 * are not stored (Neo4j keeps no nulls) and read back as null.
 */
export async function createProposals(tx: ManagedTransaction, rows: readonly ProposalRow[]): Promise<void> {
  await tx.run(
    `UNWIND $rows AS row
     MATCH (s:Source {id: row.sourceKey})
     CREATE (p:Proposal)-[:PROPOSED_FROM]->(s)
     SET p = row, p.id = row.key, p.sourceId = row.sourceKey, p.status = 'PENDING', p.createdAt = datetime()
     REMOVE p.key, p.sourceKey`,
    { rows },
  );
}

/** Marks the PENDING proposals of a source SUPERSEDED by `intake`; answers how many. */
export async function supersedePending(
  tx: ManagedTransaction,
  source: string,
  intake: string,
): Promise<number> {
  const { records } = await tx.run(
    `MATCH (p:Proposal {sourceId: $source, status: 'PENDING'})
     SET p.status = 'SUPERSEDED', p.supersededBy = $intake, p.decidedAt = datetime()
     RETURN count(p) AS n`,
    { source, intake },
  );
  return Number(records[0]?.get("n") ?? 0);
}

/**
 * The proposals with these keys, in key order; those missing are left out. `read`: the database's read, or a
 * write transaction's run.
 */
export async function proposalsByKey(read: Read, keys: readonly string[]): Promise<ProposalRecord[]> {
  const { records } = await read(
    `MATCH (p:Proposal) WHERE p.id IN $keys RETURN ${recordFields} AS p ORDER BY p.id`,
    { keys },
  );
  return records.map((r) => decode(r.get("p")));
}

/** Which proposals a list asks for: each filter left null takes every value. */
export interface ProposalFilter {
  source: string | null;
  status: ProposalStatus | null;
  kind: ProposalKind | null;
  /** Only proposals at least this confident (0 to 1). */
  minConfidence: number | null;
}

const filterWhere = `($source IS NULL OR p.sourceId = $source) AND ($status IS NULL OR p.status = $status)
  AND ($kind IS NULL OR p.kind = $kind) AND ($minConfidence IS NULL OR p.confidence >= $minConfidence)`;

/** A keyset page of the proposals that pass `filter`, in key order (intake, then the draft's number). */
export async function proposalsPage(
  db: Database,
  filter: ProposalFilter,
  page: KeysetPage<string>,
): Promise<{ total: number | null; items: Keyed<ProposalRecord, string>[] }> {
  const { records } = await db.read(
    `${totalOf(page, `MATCH (p:Proposal) WHERE ${filterWhere} RETURN count(p)`)}
     CALL () {
       ${keyOrderedWindow("p", "Proposal", page, filterWhere)}
       RETURN collect(${recordFields}) AS items
     }
     RETURN total, items`,
    { ...filter, ...keysetParams(page) },
  );
  const record = records[0];
  const items = ((record?.get("items") ?? []) as Record<string, unknown>[]).map(decode);
  return {
    total: record?.get("total") ?? null,
    items: inListOrder(
      page,
      items.map((node) => ({ node, key: node.key })),
    ),
  };
}

/** A decision as stored on a proposal: its new status, who, why, its history entry and what it wrote. */
export interface Decision {
  status: ProposalStatus;
  by: string;
  reason: string | null;
  changeId: string;
  acceptedKey: string | null;
  acceptedCitations: string[];
}

/** Sets the decision on these proposals; linkDecided then links the change that records it. */
export async function decideProposals(
  tx: ManagedTransaction,
  decisions: readonly ({ key: string } & Decision)[],
): Promise<void> {
  await tx.run(
    `UNWIND $decisions AS d
     MATCH (p:Proposal {id: d.key})
     SET p.status = d.status, p.decidedBy = d.by, p.decidedAt = datetime(), p.reason = d.reason,
         p.changeId = d.changeId, p.acceptedKey = d.acceptedKey, p.acceptedCitations = d.acceptedCitations`,
    { decisions },
  );
}

/** Links the history entry `changeId` (recorded in the same transaction) to the proposals it decided. */
export async function linkDecided(tx: ManagedTransaction, changeId: string, keys: readonly string[]) {
  await tx.run(
    `MATCH (c:Change {id: $changeId})
     MATCH (p:Proposal) WHERE p.id IN $keys
     MERGE (c)-[:DECIDED]->(p)`,
    { changeId, keys },
  );
}

/**
 * The relations that are not retracted between the actors a stored source mentions (its MENTIONS), at most
 * `most`, in key order; what the rules compare a proposed relation with.
 */
export async function relationsAmongMentioned(
  tx: Reader,
  source: string,
  most: number,
): Promise<KnownRelation[]> {
  const { records } = await tx.run(
    `MATCH (:Source {id: $source})-[:MENTIONS]->(a:Actor)
     WITH collect(a) AS named
     UNWIND named AS a
     MATCH (a)-[r:RELATION]->(b:Actor)
     WHERE b IN named AND r.retractedAt IS NULL
     WITH DISTINCT r, a, b ORDER BY r.id LIMIT $most
     RETURN r { key: r.id, .type, from: a.id, to: b.id, role: r.role, at: r.at, start: r.start, end: r.end }
       AS relation`,
    { source, most: neo4j.int(most) },
  );
  return records.map((r) => r.get("relation"));
}

/** The actors of `kind`, at most `limit`, in key order (intake reads the known states whole: see the caller). */
export async function actorsOfKind(tx: Reader, kind: string, limit: number): Promise<StoredActor[]> {
  const { records } = await tx.run(
    `MATCH (a:Actor {kind: $kind})
     RETURN a.id AS id, a.name AS name, a.aliases AS aliases, a.kind AS kind ORDER BY id LIMIT $limit`,
    { kind, limit: neo4j.int(limit) },
  );
  return records.map((r) => r.toObject() as StoredActor);
}

/**
 * The actors one of whose names has a word that `lucene` (words, exact or fuzzy `word~2`) finds in the
 * `actor_search` index (their names' folded words), best first, at most `limit`.
 */
export async function actorsNamedLike(tx: Reader, lucene: string, limit: number): Promise<StoredActor[]> {
  const { records } = await tx.run(
    `CALL db.index.fulltext.queryNodes('actor_search', $lucene, {limit: $limit}) YIELD node
     RETURN node.id AS id, node.name AS name, node.aliases AS aliases, node.kind AS kind`,
    { lucene, limit: neo4j.int(limit) },
  );
  return records.map((r) => r.toObject() as StoredActor);
}
