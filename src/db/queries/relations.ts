import neo4j from "neo4j-driver";
import type { Database } from "../database.js";
import { inListOrder, type Keyed, type KeysetPage, keysetParams, keysetWindow, totalOf } from "../keyset.js";
import {
  citationReader,
  type Projection,
  type RelationParts,
  relationReader,
  wholeRecords,
} from "../projection.js";
import { type CitationRecord, liveCitation } from "../records/citation.js";
import type { RelationRecord } from "../records/relation.js";
import {
  arrow,
  type Direction,
  filterClauses,
  filterParams,
  pattern,
  type RelationFilter,
  relationPredicate,
  sourceCount,
} from "./relation-filter.js";

/** The read queries of relations: a page of them (around an actor or not), by key, and their citations. */

/** How a list of relations is ordered: by time (undated last), or by the number of sources citing each. */
export type RelationOrder = "TIME" | "MOST_SOURCES" | "FEWEST_SOURCES";

/**
 * A relation `r`'s place in a list's order, as the value Cypher orders first (then by key): its date (undated
 * last, as Cypher orders nulls last), or the number of distinct sources, counted down for MOST_SOURCES.
 */
const relationOrderValues: Record<RelationOrder, string> = {
  TIME: "coalesce(r.atDate, r.startDate)",
  MOST_SOURCES: `999999 - ${sourceCount}`,
  FEWEST_SOURCES: sourceCount,
};

/**
 * The same place as a string that cursors carry and compare: by time, "0" and the date, or "1" when undated;
 * by sources, the order value as six digits; then "|" and the relation's key.
 */
const relationSortKeys: Record<RelationOrder, string> = {
  TIME: `coalesce("0" + toString(${relationOrderValues.TIME}), "1")`,
  MOST_SOURCES: `right("00000" + toString(${relationOrderValues.MOST_SOURCES}), 6)`,
  FEWEST_SOURCES: `right("00000" + toString(${relationOrderValues.FEWEST_SOURCES}), 6)`,
};
const relationSortKey = (order: RelationOrder) => `${relationSortKeys[order]} + "|" + r.id`;

/**
 * One keyset page of the relations that pass the filter, around `actor` if given, in `page.order` (by default
 * date then key, undated last), with the sort keys of relationSortKey and the parts the client selected.
 */
export async function relationsPage(
  db: Database,
  actor: string | null,
  direction: Direction,
  filter: RelationFilter,
  page: KeysetPage<string> & { parts: RelationParts; order?: RelationOrder },
  projection: Projection = wholeRecords,
): Promise<{ actorFound: boolean; total: number | null; relations: Keyed<RelationRecord, string>[] }> {
  // With an actor, start from its id (an index seek); without one, every relation is a candidate. The count
  // and the page are two passes, so that only the page's relations are projected (a top-k sort, not a
  // collection of everything). Whether the actor exists comes back too, saving a round trip to ask. Each
  // relation matches once (from a bound actor, Neo4j matches even a self-loop, which a merge makes of a retracted
  // relation between its two actors, once; without one, the pattern is directed), so no DISTINCT is needed.
  const match = `MATCH ${actor === null ? "()-[r:RELATION]->()" : pattern(direction)}
     WHERE ${actor === null ? "true" : "a.id = $actor"} AND ${relationPredicate(filter)}`;
  const order = page.order ?? "TIME";
  const way = page.backward ? "DESC" : "ASC";
  const relation = relationReader(projection, page.parts);
  // A first (or last) page orders by the values themselves and builds sort keys for its own rows only; a page
  // after or before a cursor compares every candidate's key with it.
  const window =
    page.after === null && page.before === null
      ? `WITH r ORDER BY ${relationOrderValues[order]} ${way}, r.id ${way} LIMIT $limit
         WITH r, ${relationSortKey(order)} AS sortKey`
      : `WITH r, ${relationSortKey(order)} AS sortKey
         ${keysetWindow("r, sortKey", "sortKey", page.backward)}`;
  // An actor's relations, unfiltered, are counted from its degree, which Neo4j keeps per node, less those
  // retracted (an index holds the few that are): a hub's count no longer reads every one of its relations.
  const count =
    actor !== null && filterClauses(filter).length === 0
      ? `OPTIONAL MATCH (a:Actor {id: $actor})
         RETURN CASE WHEN a IS NULL THEN 0 ELSE COUNT { (a)${arrow(direction, ":RELATION")}() }
           - COUNT { MATCH (x)${arrow(direction, "r:RELATION")}(y) WHERE r.retractedAt IS NOT NULL AND x = a } END`
      : `${match} RETURN count(r)`;
  const { records } = await db.read(
    `CALL () { OPTIONAL MATCH (a:Actor {id: $actor}) RETURN $actor IS NULL OR a IS NOT NULL AS actorFound }
     ${totalOf(page, count)}
     CALL () {
       ${match}
       ${window}
       RETURN collect({ node: ${relation.list}, key: sortKey }) AS page
     }
     RETURN actorFound, total, page`,
    { actor, ...filterParams(filter), ...keysetParams(page), ...relation.params },
  );
  const items: { node: unknown[]; key: string }[] = records[0]?.get("page") ?? [];
  return {
    actorFound: records[0]?.get("actorFound") ?? false,
    total: records[0]?.get("total") ?? null,
    relations: inListOrder(
      page,
      items.map((item) => ({ node: relation.decode(item.node), key: item.key })),
    ),
  };
}

/** The relations of these keys (in no order; a key that names none is left out), with their two ends. */
export async function relationsByKeys(
  db: Database,
  keys: readonly string[],
  projection: Projection = wholeRecords,
): Promise<RelationRecord[]> {
  const relation = relationReader(projection, { ends: true });
  const { records } = await db.read(
    `UNWIND $keys AS key MATCH ()-[r:RELATION {id: key}]->()
     RETURN ${relation.list} AS relation`,
    { keys },
  );
  return records.map((r) => relation.decode(r.get("relation")));
}

/** Which citations of a relation a read takes: the live ones (its evidence), the withdrawn ones, or both. */
export type CitationState = "live" | "withdrawn" | "all";

const citationStates: Record<CitationState, string> = {
  live: liveCitation(),
  withdrawn: `NOT ${liveCitation()}`,
  all: "true",
};

/**
 * The first `perRelation` citations of each relation in state `which` (live by default), by key. `perRelation`
 * is the most citations fetched for each relation: the API's bound plus one, so that a cut list is known
 * (src/graphql/bounds.ts).
 */
export async function citationsOfRelations(
  db: Database,
  relationKeys: readonly string[],
  perRelation: number,
  projection: Projection = wholeRecords,
  which: CitationState = "live",
): Promise<CitationRecord[]> {
  const citation = citationReader(projection);
  const { records } = await db.read(
    `UNWIND $keys AS key
     CALL (key) {
       MATCH (c:Citation {relationId: key}) WHERE ${citationStates[which]}
       RETURN c ORDER BY c.id LIMIT $perRelation
     }
     RETURN ${citation.list} AS citation`,
    { keys: relationKeys, perRelation: neo4j.int(perRelation) },
  );
  return records.map((r) => citation.decode(r.get("citation")));
}
