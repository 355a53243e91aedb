import neo4j from "neo4j-driver";
import { firstDay, lastDay } from "../domain/dates.js";
import type { Database } from "./database.js";
import {
  actorReader,
  citationReader,
  citationsFetchedPerRelation,
  type Projection,
  type RecordReader,
  type RelationParts,
  relationReader,
  sourceReader,
  wholeRecords,
} from "./projection.js";

/**
 * The read queries of the GraphQL API, one named function each. Every value reaches Cypher as a parameter;
 * the only text spliced into a statement is a hop count or a direction that the caller has validated
 * against a closed set (Cypher cannot take those as parameters).
 */

export interface ActorRecord {
  key: string;
  name: string;
  kind: string;
  aliases: string[];
  description: string | null;
}

export interface RelationRecord {
  key: string;
  type: string;
  from: string;
  to: string;
  role: string | null;
  note: string | null;
  contested: boolean;
  at: string | null;
  atPrecision: string | null;
  start: string | null;
  startPrecision: string | null;
  end: string | null;
  endPrecision: string | null;
  /** Keys of the relations this one answers or is about (a denial: what it denies). */
  addresses: string[];
  /** Where it happens, as its quotes write it, and beside each name the actor it is, or "" when none. */
  placeNames: string[];
  placeActorIds: string[];
  /** The two ends, when the query fetched them with the relation. */
  fromActor?: ActorRecord;
  toActor?: ActorRecord;
  /** Its citations, when the client asked for them and the query fetched them with the relation. */
  citations?: CitationRecord[];
  /** Set when an analyst retracted the relation: traversals no longer follow it. */
  retractedAt: string | null;
  retractedBy: string | null;
  retractionReason: string | null;
}

export interface CitationRecord {
  key: string;
  relationKey: string;
  sourceKey: string;
  quote: string;
  start: number;
  end: number;
  speakerKey: string | null;
  stance: string;
  /** Its source, when the query fetched it with the citation. */
  fetchedSource?: SourceRecord;
}

export interface SourceRecord {
  key: string;
  file: string;
  title: string | null;
  publisher: string | null;
  author: string | null;
  published: string | null;
  publishedPrecision: string | null;
  language: string;
  /** Length of the text in code points; the text itself is fetched only when asked (sourceTexts). */
  length: number;
}

export interface MentionRecord {
  sourceKey: string;
  actorKey: string;
  starts: number[];
  ends: number[];
}

export type Direction = "OUTGOING" | "INCOMING" | "BOTH";

/**
 * What narrows the relations a traversal follows; every field is optional. Dates are partial ("2021",
 * "2021-05", "2021-05-24"), each standing for the whole period it names.
 */
export interface RelationFilter {
  types?: string[] | null;
  /** Only relations in force at some time in that period (dated ones: undated relations are left out). */
  asOf?: string | null;
  /** Only relations whose time overlaps [first day of from, last day of to]. */
  from?: string | null;
  to?: string | null;
  /** Only relations that a source published by the end of that period states (undated sources: none). */
  knownOn?: string | null;
  source?: string | null;
  speaker?: string | null;
  stances?: string[] | null;
  contested?: boolean | null;
  /** Only relations whose place qualifier is this actor (key). */
  place?: string | null;
  /** Only relations cited from one source only (true), or from two or more (false). */
  singleSource?: boolean | null;
  /** Only relations that only their parties assert (true), or that someone else states too (false). */
  assertedOnlyByAParty?: boolean | null;
}

/** How a list of relations is ordered: by time (undated last), or by the number of sources citing each. */
export type RelationOrder = "TIME" | "MOST_SOURCES" | "FEWEST_SOURCES";

/**
 * The first and the last day of the period a stored date stands for, as Cypher expressions: `date` is a stored
 * comparable date (the first or the last day of its period) and `precision` its precision (YEAR, MONTH, DAY).
 */
const firstDayOf = (date: string, precision: string) =>
  `CASE ${precision} WHEN 'YEAR' THEN date.truncate('year', ${date}) WHEN 'MONTH' THEN date.truncate('month', ${date}) ELSE ${date} END`;
const lastDayOf = (date: string, precision: string) =>
  `CASE ${precision} WHEN 'YEAR' THEN date.truncate('year', ${date}) + duration('P1Y') - duration('P1D')
     WHEN 'MONTH' THEN date.truncate('month', ${date}) + duration('P1M') - duration('P1D') ELSE ${date} END`;
/** The last day a source `s` may have been published on (null when it is undated). */
const publishedBy = (s: string) => lastDayOf(`${s}.publishedDate`, `${s}.publishedPrecision`);

/** The number of distinct sources that cite the relation bound to `r`. */
const sourceCount = "size(COLLECT { MATCH (c:Citation {relationId: r.id}) RETURN DISTINCT c.sourceId })";

/**
 * Whether a citation `c` of the relation `r` is spoken by a party to it: one of its two ends, or an actor that is
 * part of one (PART_OF) or holds an office in one (OFFICE), as the graph's own relations say.
 */
const spokenByAParty = `(c.speakerId IS NOT NULL AND (c.speakerId IN [startNode(r).id, endNode(r).id] OR EXISTS {
    MATCH (:Actor {id: c.speakerId})-[p:RELATION]->(party:Actor)
    WHERE p.type IN ['PART_OF', 'OFFICE'] AND p.retractedAt IS NULL AND party.id IN [startNode(r).id, endNode(r).id] }))`;

/**
 * Whether the relation `r` is asserted only by a party to it: it has citations that state it (any stance but
 * DENIES) and every one of them is spoken by a party (see spokenByAParty); a source's own voice is no party.
 */
const assertedOnlyByAParty = `(EXISTS { MATCH (c:Citation {relationId: r.id}) WHERE c.stance <> 'DENIES' }
  AND NOT EXISTS { MATCH (c:Citation {relationId: r.id}) WHERE c.stance <> 'DENIES' AND NOT ${spokenByAParty} })`;

/**
 * The relation predicate shared by every traversal, on a relationship bound to `r`: the clauses of the filters
 * given, and only those, so that a traversal does not pay (in planning or in reading citations) for filters it
 * does not use. The clauses are fixed texts; the values are the parameters of `filterParams`. A relation's time
 * runs from its `at` or `start` date to its `end` date (open when none); `asOf` keeps those in force at some time
 * in its period, and the date window those whose time overlaps it. Both keep only dated relations, since an
 * undated one cannot be placed in time.
 */
export function relationPredicate(filter: RelationFilter): string {
  return ["r.retractedAt IS NULL", ...filterClauses(filter)].map((clause) => `(${clause})`).join("\n  AND ");
}

/** The clauses of relationPredicate beyond "not retracted": none when no filter is given. */
function filterClauses(filter: RelationFilter): string[] {
  const citationFilters = [
    filter.source != null ? "c.sourceId = $source" : null,
    filter.speaker != null ? "c.speakerId = $speaker" : null,
    filter.stances?.length ? "c.stance IN $stances" : null,
    filter.knownOn != null
      ? `EXISTS { MATCH (c)-[:IN_SOURCE]->(s:Source) WHERE ${publishedBy("s")} <= $knownOn }`
      : null,
  ].filter((clause) => clause !== null);
  return [
    filter.types?.length ? "r.type IN $types" : null,
    filter.contested != null ? "r.contested = $contested" : null,
    filter.asOf != null
      ? `coalesce(r.atDate, r.startDate) <= $asOfLast AND coalesce(r.endDate, $asOfFirst) >= $asOfFirst`
      : null,
    filter.from != null
      ? `coalesce(r.atDate, r.startDate) IS NOT NULL
         AND coalesce(r.endDate, r.atEndDate, date('9999-12-31')) >= $windowFrom`
      : null,
    filter.to != null ? "coalesce(r.atDate, r.startDate) <= $windowTo" : null,
    filter.place != null ? "$place IN coalesce(r.placeActorIds, [])" : null,
    citationFilters.length > 0
      ? `EXISTS { MATCH (c:Citation {relationId: r.id}) WHERE ${citationFilters.join(" AND ")} }`
      : null,
    filter.singleSource != null ? `(${sourceCount} = 1) = $singleSource` : null,
    filter.assertedOnlyByAParty != null ? `${assertedOnlyByAParty} = $assertedOnlyByAParty` : null,
  ].filter((clause) => clause !== null);
}

const firstDayOrNull = (value: string | null | undefined) => (value ? firstDay(value) : null);
const lastDayOrNull = (value: string | null | undefined) => (value ? lastDay(value) : null);

export function filterParams(filter: RelationFilter) {
  return {
    types: filter.types?.length ? filter.types : null,
    contested: filter.contested ?? null,
    asOfFirst: firstDayOrNull(filter.asOf),
    asOfLast: lastDayOrNull(filter.asOf),
    windowFrom: firstDayOrNull(filter.from),
    windowTo: lastDayOrNull(filter.to),
    knownOn: lastDayOrNull(filter.knownOn),
    source: filter.source ?? null,
    speaker: filter.speaker ?? null,
    stances: filter.stances?.length ? filter.stances : null,
    place: filter.place ?? null,
    singleSource: filter.singleSource ?? null,
    assertedOnlyByAParty: filter.assertedOnlyByAParty ?? null,
  };
}

/**
 * One page of a list read by keyset: the items whose sort key lies strictly between `after` and `before`
 * (each bound open when null), the first `limit` of them in the list's order, or the last `limit` when
 * `backward`. Answers come in the list's order, each item with its sort key (which cursors carry).
 */
export interface KeysetPage<K> {
  after: K | null;
  before: K | null;
  limit: number;
  backward: boolean;
  /**
   * Whether to count the whole list too. A count reads every item of the list (for a first page of 200,000
   * actors, most of the query's time), so it is made only when the client selects `totalCount`; the page's
   * total is null otherwise.
   */
  withTotal: boolean;
}

/** An item of a keyset page with its sort key. */
export interface Keyed<T, K> {
  node: T;
  key: K;
}

/**
 * The Cypher that cuts a page out of the rows of `variables` whose sort key `key` (a string, in the list's
 * order) lies between the cursors, orders them in the direction read and keeps `$limit`; its parameters are
 * those of `keysetParams`.
 */
const keysetWindow = (variables: string, key: string, backward: boolean) =>
  `WITH ${variables} WHERE ($after IS NULL OR ${key} > $after) AND ($before IS NULL OR ${key} < $before)
   WITH ${variables} ORDER BY ${key} ${backward ? "DESC" : "ASC"} LIMIT $limit`;

/**
 * The Cypher that reads a keyset page of the `label` nodes bound to `x` that pass `where`, in key order, from
 * the key's unique index: starting from a bound on the key lets the planner seek the index in order and stop
 * after `$limit` rows, where ordering the matched nodes by key sorts all of them (a first page of the 200,000
 * actors of the L graph: 133 ms, 3-4 ms from the index). Its parameters are those of `keysetParams`.
 */
function keyOrderedWindow(x: string, label: string, page: KeysetPage<string>, where = "true"): string {
  // Keys are never empty, so every key is greater than "".
  const start = page.backward
    ? page.before === null
      ? `${x}.id IS NOT NULL`
      : `${x}.id < $before`
    : `${x}.id > coalesce($after, "")`;
  return `MATCH (${x}:${label}) WHERE ${start} AND ${where}
     ${keysetWindow(x, `${x}.id`, page.backward)}`;
}

/** The subquery that counts a page's whole list (`count`: a match returning a count) when it is asked for. */
const totalOf = (page: KeysetPage<unknown>, count: string) =>
  `CALL () { ${page.withTotal ? count : "RETURN null"} AS total }`;

const keysetParams = <K>(page: KeysetPage<K>) => ({
  after: page.after,
  before: page.before,
  limit: neo4j.int(page.limit),
});

/** A page read backward comes last item first: put it back in the list's order. */
const inListOrder = <T>(page: KeysetPage<unknown>, items: T[]) => (page.backward ? items.reverse() : items);

/** A relationship `relationship` (a variable, a type, a predicate) written in a direction. */
const arrow = (direction: Direction, relationship: string) =>
  ({ OUTGOING: `-[${relationship}]->`, INCOMING: `<-[${relationship}]-`, BOTH: `-[${relationship}]-` })[
    direction
  ];

/**
 * The relationship pattern of a direction from `from` to `b`, the relation bound to `r`. `from` is a node
 * pattern: `a:Actor` by default, whose label lets the planner seek `a` by its id index, or a bare `a` already
 * bound. The far end carries no label: a relation joins two actors (every write matches both as actors, and
 * the invariant "linked" checks it), and testing the label cost Neo4j a node read per relation, about a tenth
 * of a hub's relation page.
 */
const pattern = (direction: Direction, from = "a:Actor") => `(${from})${arrow(direction, "r:RELATION")}(b)`;

/** The actors of these keys (in no order; a key that names none is left out), with `projection`'s properties. */
export async function actorsByKeys(
  db: Database,
  keys: readonly string[],
  projection: Projection = wholeRecords,
): Promise<ActorRecord[]> {
  const actor = actorReader(projection);
  const { records } = await db.read(`MATCH (a:Actor) WHERE a.id IN $keys RETURN ${actor.list} AS actor`, {
    keys,
  });
  return records.map((r) => actor.decode(r.get("actor")));
}

/** The actor one of whose names or aliases folds to `foldedName` (accents, case and spacing ignored). */
export async function actorByFoldedName(db: Database, foldedName: string): Promise<ActorRecord | null> {
  const actor = actorReader(wholeRecords);
  const { records } = await db.read(
    `MATCH (a:Actor) WHERE $name IN a.foldedNames RETURN ${actor.list} AS actor ORDER BY a.id LIMIT 1`,
    { name: foldedName },
  );
  return records[0] ? actor.decode(records[0].get("actor")) : null;
}

/** Which relations of each actor to read with it: one direction, a filter, the parts selected, at most `limit`. */
export interface RelationsOfActorRequest {
  direction: Direction;
  filter: RelationFilter;
  parts: RelationParts;
  limit: number;
}

/**
 * The subquery that reads an actor `a`'s first `$relationLimit` relations that `request` asks, in date then key
 * order (undated last), as `relations`, each as `relation` reads it; its parameters are the filter's and
 * `relationLimit`.
 */
const relationsOfActorCall = (request: RelationsOfActorRequest, relation: RecordReader<RelationRecord>) =>
  `CALL (a) {
     MATCH ${pattern(request.direction, "a")} WHERE ${relationPredicate(request.filter)}
     WITH r ORDER BY coalesce(r.atDate, r.startDate), r.id LIMIT $relationLimit
     RETURN collect(${relation.list}) AS relations
   }`;

const relationsOfActorParams = (request: RelationsOfActorRequest) => ({
  ...filterParams(request.filter),
  relationLimit: neo4j.int(request.limit),
});

/**
 * One keyset page of the actors, optionally of some kinds, in key order (the sort key is the key); with
 * `relations`, each actor's relations as `relationsOfActors` reads them, in the same query (the client selected
 * them below the page: one round trip less).
 */
export async function listActors(
  db: Database,
  kinds: string[] | null,
  page: KeysetPage<string>,
  projection: Projection = wholeRecords,
  relations?: RelationsOfActorRequest,
): Promise<{
  total: number | null;
  actors: (Keyed<ActorRecord, string> & { relations?: RelationRecord[] })[];
}> {
  const ofKinds = "($kinds IS NULL OR a.kind IN $kinds)";
  const actor = actorReader(projection);
  const relation = relations ? relationReader(projection, relations.parts) : null;
  const { records } = await db.read(
    `${totalOf(page, `MATCH (a:Actor) WHERE ${ofKinds} RETURN count(a)`)}
     CALL () {
       ${keyOrderedWindow("a", "Actor", page, ofKinds)}
       ${relations && relation ? relationsOfActorCall(relations, relation) : ""}
       RETURN collect({ node: ${actor.list}, key: a.id${relation ? ", relations: relations" : ""} }) AS page
     }
     RETURN total, page`,
    { kinds, ...keysetParams(page), ...(relations ? relationsOfActorParams(relations) : {}) },
  );
  const items: { node: unknown[]; key: string; relations?: unknown[][] }[] = records[0]?.get("page") ?? [];
  return {
    total: records[0]?.get("total") ?? null,
    actors: inListOrder(
      page,
      items.map((item) => ({
        node: actor.decode(item.node),
        key: item.key,
        ...(relation && item.relations ? { relations: item.relations.map(relation.decode) } : {}),
      })),
    ),
  };
}

/** For each actor found, the actor itself and the relations that `request` asks (see relationsOfActorCall). */
export async function relationsOfActors(
  db: Database,
  actorKeys: readonly string[],
  request: RelationsOfActorRequest,
  projection: Projection = wholeRecords,
): Promise<{ actor: ActorRecord; relations: RelationRecord[] }[]> {
  const actor = actorReader(projection);
  const relation = relationReader(projection, request.parts);
  const { records } = await db.read(
    `MATCH (a:Actor) WHERE a.id IN $keys
     ${relationsOfActorCall(request, relation)}
     RETURN ${actor.list} AS actor, relations`,
    { keys: actorKeys, ...relationsOfActorParams(request) },
  );
  return records.map((r) => ({
    actor: actor.decode(r.get("actor")),
    relations: (r.get("relations") as unknown[][]).map(relation.decode),
  }));
}

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
    { actor, ...filterParams(filter), ...keysetParams(page) },
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
  const relation = relationReader(projection, { ends: true, citations: false });
  const { records } = await db.read(
    `UNWIND $keys AS key MATCH ()-[r:RELATION {id: key}]->()
     RETURN ${relation.list} AS relation`,
    { keys },
  );
  return records.map((r) => relation.decode(r.get("relation")));
}

/**
 * Records in key order, as Cypher orders keys: by code point, which for keys (lower-case a-z, digits and
 * hyphens) is also the order of UTF-16 units and the alphabetical order. Sorting ~400 records this way costs
 * Node a few hundredths of a millisecond, where `ORDER BY` after `DISTINCT` cost Neo4j ~0.35 ms of a two-hop
 * neighbourhood's 3.5 (and `localeCompare` in Node ~2 ms).
 */
const byKeyOrder = (x: { key: string }, y: { key: string }) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);

/**
 * The seed actors found, every actor within `depth` hops of them and every relation followed on the way, each
 * list by key (`byKeyOrder`), in one query: the breadth-first hops are unrolled (depth is an integer the caller
 * has validated). A hop expands all the actors the previous one reached, so its cost follows the size of the
 * result, not of the graph. Actors may be reached twice (DISTINCT); a relation is followed once (each hop skips
 * those already followed).
 * Past `limit` relations the walk stops and `complete` is false: the caller refuses rather than answer a
 * graph cut at random. Each hop takes at most two rows per new relation beyond the limit, so the database's
 * work stays bounded by the limit too.
 */
export async function neighbourhood(
  db: Database,
  seeds: readonly string[],
  depth: number,
  direction: Direction,
  filter: RelationFilter,
  limit: number,
  projection: Projection = wholeRecords,
): Promise<{ actors: ActorRecord[]; relations: RelationRecord[]; complete: boolean }> {
  if (!Number.isInteger(depth) || depth < 1) throw new Error("depth must be a positive integer");
  const actor = actorReader(projection);
  const relation = relationReader(projection);
  const hop = `CALL (frontier, relations) {
       UNWIND frontier AS a
       MATCH ${pattern(direction, "a")} WHERE ${relationPredicate(filter)} AND NOT r IN relations
       WITH r, b LIMIT $rows
       RETURN collect(DISTINCT r) AS followed, collect(DISTINCT b) AS far
     }
     WITH found + far AS found, relations + followed AS relations,
          CASE WHEN size(relations) + size(followed) > $limit THEN [] ELSE far END AS frontier`;
  const { records } = await db.read(
    `MATCH (s:Actor) WHERE s.id IN $seeds
     WITH collect(s) AS found
     WITH found, found AS frontier, [] AS relations
     ${Array(depth).fill(hop).join("\n")}
     CALL (found) { UNWIND found AS a WITH DISTINCT a RETURN collect(${actor.list}) AS actors }
     RETURN actors, [r IN relations | ${relation.list}] AS edges`,
    { seeds, ...filterParams(filter), limit: neo4j.int(limit), rows: neo4j.int(2 * (limit + 1)) },
  );
  const relations = ((records[0]?.get("edges") ?? []) as unknown[][]).map(relation.decode);
  return {
    actors: ((records[0]?.get("actors") ?? []) as unknown[][]).map(actor.decode).sort(byKeyOrder),
    relations: relations.sort(byKeyOrder),
    complete: relations.length <= limit,
  };
}

/**
 * The shortest paths (at most `options.limit`) between two actors, as lists of relations in walking
 * order. Among paths of equal length the one with the smallest relation keys comes first, so that the same
 * question always gets the same answer.
 */
export async function shortestPaths(
  db: Database,
  from: string,
  to: string,
  maxHops: number,
  direction: Direction,
  filter: RelationFilter,
  options: {
    /** Most paths to answer (1: the shortest only). */
    limit: number;
    withCitations: boolean;
  },
  projection: Projection = wholeRecords,
): Promise<{ from: ActorRecord | null; to: ActorRecord | null; paths: RelationRecord[][] }> {
  if (!Number.isInteger(maxHops) || maxHops < 1) throw new Error("maxHops must be a positive integer");
  // The two ends come back with the paths, so that an unknown key costs no extra round trip to report.
  const relation = relationReader(projection, { ends: true, citations: options.withCitations });
  const [fromActor, toActor] = [actorReader(projection, "a"), actorReader(projection, "b")];
  const { records } = await db.read(
    `OPTIONAL MATCH (a:Actor {id: $from})
     OPTIONAL MATCH (b:Actor {id: $to})
     CALL (a, b) {
       MATCH p = ALL SHORTEST
         (a) (()${arrow(direction, `r:RELATION WHERE ${relationPredicate(filter)}`)}()){1,${maxHops}} (b)
       WITH p ORDER BY [r IN relationships(p) | r.id] LIMIT $limit
       RETURN collect([r IN relationships(p) | ${relation.list}]) AS paths
     }
     RETURN CASE WHEN a IS NULL THEN null ELSE ${fromActor.list} END AS from,
            CASE WHEN b IS NULL THEN null ELSE ${toActor.list} END AS to, paths`,
    { from, to, ...filterParams(filter), limit: neo4j.int(options.limit) },
  );
  const record = records[0];
  const ends: (unknown[] | null)[] = [record?.get("from") ?? null, record?.get("to") ?? null];
  const paths: unknown[][][] = record?.get("paths") ?? [];
  return {
    from: ends[0] ? fromActor.decode(ends[0]) : null,
    to: ends[1] ? toActor.decode(ends[1]) : null,
    paths: paths.map((path) => path.map(relation.decode)),
  };
}

/** The earliest publication date (first day) among the dated sources citing the relation `r`, or null. */
const firstReportedDate = `COLLECT { MATCH (c:Citation {relationId: r.id})-[:IN_SOURCE]->(s:Source)
    WHERE s.publishedDate IS NOT NULL RETURN s.publishedDate ORDER BY s.publishedDate LIMIT 1 }[0]`;

/**
 * The first `limit` relations of one actor, or between two, in time order: each placed by its own date (`at` or
 * `start`), or, when `byReportDate` is set and it has none, by the date its first dated source was published.
 * Relations with neither are left out. Ties go by key.
 */
export async function timeline(
  db: Database,
  actor: string,
  other: string | null,
  filter: RelationFilter,
  limit: number,
  byReportDate = true,
): Promise<RelationRecord[]> {
  const relation = relationReader(wholeRecords, { ends: true, citations: false });
  const { records } = await db.read(
    `MATCH (a:Actor {id: $actor})-[r:RELATION]-(b)
     WHERE ($other IS NULL OR b.id = $other) AND ${relationPredicate(filter)}
     WITH DISTINCT r
     WITH r, coalesce(r.atDate, r.startDate) AS held
     WITH r, coalesce(held, CASE WHEN $byReportDate THEN ${firstReportedDate} END) AS placed
     WHERE placed IS NOT NULL
     WITH r, placed ORDER BY placed, r.id LIMIT $limit
     RETURN ${relation.list} AS relation`,
    { actor, other, byReportDate, ...filterParams(filter), limit: neo4j.int(limit) },
  );
  return records.map((r) => relation.decode(r.get("relation")));
}

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

/** Who says what about a relation, counted over all its citations. */
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
       MATCH (c:Citation {relationId: r.id})
       WITH c.stance AS stance, count(c) AS citations, count(DISTINCT c.sourceId) AS sources,
            collect(DISTINCT c.speakerId) AS speakerKeys, count(c) - count(c.speakerId) AS unattributed
       ORDER BY stance
       RETURN collect({ stance: stance, citations: citations, sources: sources, speakerKeys: speakerKeys,
                        unattributed: unattributed }) AS stances
     }
     CALL (r) {
       MATCH (c:Citation {relationId: r.id})
       RETURN count(c) AS citations, count(DISTINCT c.sourceId) AS sources, count(DISTINCT c.speakerId) AS speakers
     }
     RETURN {
       key: r.id, stances: stances, citations: citations, sources: sources, speakers: speakers,
       singleSource: sources = 1,
       assertedOnlyByAParty: ${assertedOnlyByAParty},
       firstReported: COLLECT { MATCH (c:Citation {relationId: r.id})-[:IN_SOURCE]->(s:Source)
         WHERE s.publishedDate IS NOT NULL RETURN [s.published, s.publishedPrecision] ORDER BY s.publishedDate LIMIT 1 }[0]
     } AS ledger`,
    { keys },
  );
  return records.map((record) => {
    const { firstReported, ...ledger } = record.get("ledger");
    return {
      ...ledger,
      firstReported: firstReported?.[0] ?? null,
      firstReportedPrecision: firstReported?.[1] ?? null,
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

/** What a change between two dates is: a relation began (or happened), ended, or was first reported. */
export type ChangeKind = "BEGAN" | "ENDED" | "FIRST_REPORTED";

export interface TimeChangeRecord {
  kind: ChangeKind;
  /** The date it changed on, as written, and its precision. */
  on: string;
  precision: string;
  relation: RelationRecord;
  /** For BEGAN and ENDED, the relation's citations; for FIRST_REPORTED, those of its first dated sources. */
  citations: CitationRecord[];
}

/**
 * What changed between the first day of `from` and the last day of `to`, around `actor` if given: relations that
 * began (an event's `at`, a state's `start`), ended (`end`) or were first reported (the publication date of their
 * first dated source) in that window, a date of a month or a year counting when its period overlaps the window.
 * The first `limit`, by date (first day), then kind, then relation key; each with its citations (at most
 * `citationsFetchedPerRelation`).
 */
export async function changesBetween(
  db: Database,
  window: { from: string; to: string },
  actor: string | null,
  types: string[] | null,
  limit: number,
): Promise<TimeChangeRecord[]> {
  const match = actor === null ? "MATCH ()-[r:RELATION]->()" : "MATCH (:Actor {id: $actor})-[r:RELATION]-()";
  const overlaps = (first: string, last: string) => `(${first} <= $to AND ${last} >= $from)`;
  const citation = citationReader(wholeRecords);
  const relation = relationReader(wholeRecords, { ends: true, citations: false });
  const citations = (where: string) =>
    `COLLECT { MATCH (c:Citation {relationId: r.id}) ${where}
               RETURN ${citation.list} ORDER BY c.id LIMIT ${citationsFetchedPerRelation} }`;
  const { records } = await db.read(
    `CALL () {
       ${match}
       WHERE r.retractedAt IS NULL AND ($types IS NULL OR r.type IN $types)
       WITH DISTINCT r
       WITH r, COLLECT { MATCH (c:Citation {relationId: r.id})-[:IN_SOURCE]->(s:Source)
                         WHERE s.publishedDate IS NOT NULL RETURN s ORDER BY s.publishedDate LIMIT 1 }[0] AS first
       WITH r, [
         CASE WHEN r.atDate IS NOT NULL AND ${overlaps("r.atDate", "r.atEndDate")}
              THEN { kind: 'BEGAN', on: r.at, precision: r.atPrecision, date: r.atDate } END,
         CASE WHEN r.startDate IS NOT NULL
                   AND ${overlaps("r.startDate", lastDayOf("r.startDate", "r.startPrecision"))}
              THEN { kind: 'BEGAN', on: r.start, precision: r.startPrecision, date: r.startDate } END,
         CASE WHEN r.endDate IS NOT NULL AND ${overlaps(firstDayOf("r.endDate", "r.endPrecision"), "r.endDate")}
              THEN { kind: 'ENDED', on: r.end, precision: r.endPrecision,
                     date: ${firstDayOf("r.endDate", "r.endPrecision")} } END,
         CASE WHEN first IS NOT NULL AND ${overlaps("first.publishedDate", publishedBy("first"))}
              THEN { kind: 'FIRST_REPORTED', on: first.published, precision: first.publishedPrecision,
                     date: first.publishedDate } END
       ] AS found
       UNWIND [change IN found WHERE change IS NOT NULL] AS change
       WITH r, change ORDER BY change.date, change.kind, r.id LIMIT $limit
       RETURN collect({
         kind: change.kind, on: change.on, precision: change.precision,
         relation: ${relation.list},
         citations: CASE change.kind
           WHEN 'FIRST_REPORTED' THEN ${citations(`WHERE EXISTS { MATCH (c)-[:IN_SOURCE]->(s:Source) WHERE s.publishedDate = change.date }`)}
           ELSE ${citations("")} END
       }) AS changes
     }
     RETURN changes`,
    {
      actor,
      types,
      from: firstDay(window.from),
      to: lastDay(window.to),
      limit: neo4j.int(limit),
    },
  );
  const changes: (Omit<TimeChangeRecord, "relation" | "citations"> & {
    relation: unknown[];
    citations: unknown[][];
  })[] = records[0]?.get("changes") ?? [];
  return changes.map((change) => ({
    ...change,
    relation: relation.decode(change.relation),
    citations: change.citations.map(citation.decode),
  }));
}

/** The first `citationsFetchedPerRelation` citations of each relation, by key. */
export async function citationsOfRelations(
  db: Database,
  relationKeys: readonly string[],
  projection: Projection = wholeRecords,
): Promise<CitationRecord[]> {
  const citation = citationReader(projection);
  const { records } = await db.read(
    `UNWIND $keys AS key
     CALL (key) {
       MATCH (c:Citation {relationId: key})
       RETURN c ORDER BY c.id LIMIT ${citationsFetchedPerRelation}
     }
     RETURN ${citation.list} AS citation`,
    { keys: relationKeys },
  );
  return records.map((r) => citation.decode(r.get("citation")));
}

/**
 * Most items fetched per source for each of its lists (citations, relations, mentions): one more than the API
 * lets a client ask for (src/graphql/bounds.ts), so that a cut list is known to be cut.
 */
export const itemsFetchedPerSource = 1001;

/** The first `itemsFetchedPerSource` citations of each source, in text order. */
export async function citationsOfSources(
  db: Database,
  sourceKeys: readonly string[],
  projection: Projection = wholeRecords,
): Promise<CitationRecord[]> {
  const citation = citationReader(projection);
  const { records } = await db.read(
    `UNWIND $keys AS key
     CALL (key) {
       MATCH (c:Citation {sourceId: key})
       RETURN c ORDER BY c.start, c.id LIMIT ${itemsFetchedPerSource}
     }
     RETURN ${citation.list} AS citation`,
    { keys: sourceKeys },
  );
  return records.map((r) => citation.decode(r.get("citation")));
}

/**
 * The first `itemsFetchedPerSource` relations each source supports, by key: its citations lead to them through
 * the relation id index.
 */
export async function relationsOfSources(
  db: Database,
  sourceKeys: readonly string[],
  projection: Projection = wholeRecords,
): Promise<{ sourceKey: string; relation: RelationRecord }[]> {
  const relation = relationReader(projection, { ends: true, citations: false });
  const { records } = await db.read(
    `UNWIND $keys AS sourceKey
     CALL (sourceKey) {
       MATCH (c:Citation {sourceId: sourceKey})
       WITH DISTINCT c.relationId AS key
       MATCH ()-[r:RELATION {id: key}]->() WHERE r.retractedAt IS NULL
       RETURN r ORDER BY r.id LIMIT ${itemsFetchedPerSource}
     }
     RETURN sourceKey, ${relation.list} AS relation`,
    { keys: sourceKeys },
  );
  return records.map((r) => ({
    sourceKey: r.get("sourceKey"),
    relation: relation.decode(r.get("relation")),
  }));
}

/** The first `itemsFetchedPerSource` actors each source names, in order of first mention. */
export async function mentionsOfSources(
  db: Database,
  sourceKeys: readonly string[],
): Promise<MentionRecord[]> {
  const { records } = await db.read(
    `UNWIND $keys AS sourceKey
     CALL (sourceKey) {
       MATCH (:Source {id: sourceKey})-[m:MENTIONS]->(a:Actor)
       RETURN m, a ORDER BY m.starts[0], a.id LIMIT ${itemsFetchedPerSource}
     }
     RETURN sourceKey, a.id AS actorKey, m.starts AS starts, m.ends AS ends`,
    { keys: sourceKeys },
  );
  return records.map((r) => r.toObject() as MentionRecord);
}

/** The sources of these keys (in no order; a key that names none is left out), without their texts. */
export async function sourcesByKeys(
  db: Database,
  keys: readonly string[],
  projection: Projection = wholeRecords,
): Promise<SourceRecord[]> {
  const source = sourceReader(projection);
  const { records } = await db.read(`MATCH (s:Source) WHERE s.id IN $keys RETURN ${source.list} AS source`, {
    keys,
  });
  return records.map((r) => source.decode(r.get("source")));
}

/** The texts of the sources, exactly as received: fetched only for the clients that select them. */
export async function sourceTexts(
  db: Database,
  keys: readonly string[],
): Promise<{ key: string; text: string }[]> {
  const { records } = await db.read(
    `MATCH (s:Source) WHERE s.id IN $keys RETURN s.id AS key, s.text AS text`,
    { keys },
  );
  return records.map((r) => ({ key: r.get("key"), text: r.get("text") }));
}

/** One keyset page of the sources, in key order (the sort key is the key). */
export async function sourcesPage(
  db: Database,
  page: KeysetPage<string>,
  projection: Projection = wholeRecords,
): Promise<{ total: number | null; sources: Keyed<SourceRecord, string>[] }> {
  const source = sourceReader(projection);
  const { records } = await db.read(
    `${totalOf(page, "MATCH (s:Source) RETURN count(s)")}
     CALL () {
       ${keyOrderedWindow("s", "Source", page)}
       RETURN collect({ node: ${source.list}, key: s.id }) AS page
     }
     RETURN total, page`,
    keysetParams(page),
  );
  const items: { node: unknown[]; key: string }[] = records[0]?.get("page") ?? [];
  return {
    total: records[0]?.get("total") ?? null,
    sources: inListOrder(
      page,
      items.map((item) => ({ node: source.decode(item.node), key: item.key })),
    ),
  };
}

export async function countsByKind(db: Database): Promise<{
  actorsByKind: { key: string; count: number }[];
  relationsByType: { key: string; count: number }[];
}> {
  const { records } = await db.read(
    `CALL () { MATCH (a:Actor) WITH a.kind AS key, count(*) AS count ORDER BY key RETURN collect({key: key, count: count}) AS actorsByKind }
     CALL () { MATCH ()-[r:RELATION]->() WHERE r.retractedAt IS NULL WITH r.type AS key, count(*) AS count ORDER BY key RETURN collect({key: key, count: count}) AS relationsByType }
     RETURN actorsByKind, relationsByType`,
  );
  const record = records[0];
  return {
    actorsByKind: record?.get("actorsByKind") ?? [],
    relationsByType: record?.get("relationsByType") ?? [],
  };
}
