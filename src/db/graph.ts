import neo4j, { type Date as Neo4jDate } from "neo4j-driver";
import type { Database } from "./database.js";

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

/** What narrows the relations a traversal follows; every field is optional. */
export interface RelationFilter {
  types?: string[] | null;
  /** Only relations in force on that day (dated ones: undated relations are left out). */
  asOf?: string | null;
  /** Only relations whose time overlaps [from, to]. */
  from?: string | null;
  to?: string | null;
  source?: string | null;
  speaker?: string | null;
  stances?: string[] | null;
  contested?: boolean | null;
}

/**
 * The projections of the records, each in one place: the API's queries and the exports (src/db/export.ts) read
 * actors, citations and relations through these. Each is a map projection on the variable named in it.
 */
export const actorFields = "{ key: a.id, .name, .kind, .aliases, .description }";
/** An actor's fields from a node expression such as startNode(r): relations carry their ends, saving a trip. */
const endpoint = (node: string) =>
  `{ key: ${node}.id, name: ${node}.name, kind: ${node}.kind, aliases: ${node}.aliases, description: ${node}.description }`;
const relationProperties = `key: r.id, .type, from: startNode(r).id, to: endNode(r).id, .role, .note, .contested,
  .at, .atPrecision, .start, .startPrecision, .end, .endPrecision,
  retractedAt: toString(r.retractedAt), .retractedBy, .retractionReason`;
const citationFields = `{ key: c.id, relationKey: c.relationId, sourceKey: c.sourceId, .quote, .start, .end,
  speakerKey: c.speakerId, .stance }`;
const sourceFields = `{ key: s.id, .file, .title, .publisher, .author, .published, .publishedPrecision, .language,
  .length }`;

/**
 * Most citations fetched for one relation: one more than the API lets a client ask for (its bound,
 * src/graphql/bounds.ts), so that a cut list is known to be cut.
 */
export const citationsFetchedPerRelation = 501;

/** What a relation is fetched with: its two ends' actors, its citations. */
export interface RelationParts {
  ends: boolean;
  citations: boolean;
}

/**
 * A relation with the parts the client selected: fetching them in the same query saves the round trip that
 * their loaders would make, and leaving out the others saves reading and sending them.
 */
export const relationWith = (parts: RelationParts) =>
  `{ ${relationProperties}${parts.ends ? `, fromActor: ${endpoint("startNode(r)")}, toActor: ${endpoint("endNode(r)")}` : ""}${
    parts.citations
      ? `, citations: COLLECT { MATCH (c:Citation {relationId: r.id}) RETURN c ${citationFields} ORDER BY c.id LIMIT ${citationsFetchedPerRelation} }`
      : ""
  } }`;
/** A relation with its two ends, for lists whose clients usually ask for `from` and `to`. */
const relationFields = relationWith({ ends: true, citations: false });
/** A relation alone, where the query returns the actors separately (subgraphs). */
const bareRelationFields = relationWith({ ends: false, citations: false });

/**
 * The relation predicate shared by every traversal, on a relationship bound to `r`. Its parameters are those
 * of `filterParams`. A relation's time runs from its `at` or `start` date to its `end` date (open when none);
 * `asOf` and the date window keep only dated relations, since an undated one cannot be placed in time.
 */
const relationPredicate = `r.retractedAt IS NULL
  AND ($types IS NULL OR r.type IN $types)
  AND ($contested IS NULL OR r.contested = $contested)
  AND ($asOf IS NULL OR (coalesce(r.atDate, r.startDate) <= $asOf AND coalesce(r.endDate, $asOf) >= $asOf))
  AND ($windowFrom IS NULL OR (coalesce(r.atDate, r.startDate) IS NOT NULL
        AND coalesce(r.endDate, r.atEndDate, date('9999-12-31')) >= $windowFrom))
  AND ($windowTo IS NULL OR coalesce(r.atDate, r.startDate) <= $windowTo)
  AND ($source IS NULL AND $speaker IS NULL AND $stances IS NULL OR EXISTS {
        MATCH (c:Citation {relationId: r.id})
        WHERE ($source IS NULL OR c.sourceId = $source)
          AND ($speaker IS NULL OR c.speakerId = $speaker)
          AND ($stances IS NULL OR c.stance IN $stances) })`;

function toDate(value: string | null | undefined): Neo4jDate<number> | null {
  if (!value) return null;
  const [year, month, day] = value.split("-").map(Number) as [number, number, number];
  return new neo4j.types.Date(year, month, day);
}

function filterParams(filter: RelationFilter) {
  return {
    types: filter.types?.length ? filter.types : null,
    contested: filter.contested ?? null,
    asOf: toDate(filter.asOf),
    windowFrom: toDate(filter.from),
    windowTo: toDate(filter.to),
    source: filter.source ?? null,
    speaker: filter.speaker ?? null,
    stances: filter.stances?.length ? filter.stances : null,
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
 * The relationship pattern of a direction from `from` to `b:Actor`, the relation bound to `r`. `from` is a
 * node pattern: `a:Actor` by default, whose label lets the planner seek `a` by its id index, or a bare `a`
 * already bound.
 */
const pattern = (direction: Direction, from = "a:Actor") =>
  `(${from})${arrow(direction, "r:RELATION")}(b:Actor)`;

export async function actorsByKeys(db: Database, keys: readonly string[]): Promise<ActorRecord[]> {
  const { records } = await db.read(`MATCH (a:Actor) WHERE a.id IN $keys RETURN a ${actorFields} AS actor`, {
    keys,
  });
  return records.map((r) => r.get("actor"));
}

/** The actor one of whose names or aliases folds to `foldedName` (accents, case and spacing ignored). */
export async function actorByFoldedName(db: Database, foldedName: string): Promise<ActorRecord | null> {
  const { records } = await db.read(
    `MATCH (a:Actor) WHERE $name IN a.foldedNames RETURN a ${actorFields} AS actor ORDER BY a.id LIMIT 1`,
    { name: foldedName },
  );
  return records[0]?.get("actor") ?? null;
}

/**
 * Full-text search over names and aliases (the index folds accents and case). `luceneQuery` is built by the
 * caller from plain word tokens only, so no user text reaches Lucene's syntax.
 */
export async function searchActors(
  db: Database,
  luceneQuery: string,
  kinds: string[] | null,
  page: KeysetPage<SearchKey>,
): Promise<{ total: number; actors: Keyed<ActorRecord, SearchKey>[] }> {
  // Best score first, then by key: the keyset compares (score, key) both ways.
  const { records } = await db.read(
    `CALL db.index.fulltext.queryNodes('actor_names', $query) YIELD node AS a, score
     WHERE $kinds IS NULL OR a.kind IN $kinds
     WITH collect({ a: a, score: score }) AS matched
     CALL (matched) {
       UNWIND matched AS m
       WITH m.a AS a, m.score AS score
       WHERE ($after IS NULL OR score < $after[0] OR (score = $after[0] AND a.id > $after[1]))
         AND ($before IS NULL OR score > $before[0] OR (score = $before[0] AND a.id < $before[1]))
       WITH a, score ORDER BY ${page.backward ? "score, a.id DESC" : "score DESC, a.id"} LIMIT $limit
       // Only the page's actors are projected; the others are only counted.
       RETURN collect({ node: a ${actorFields}, key: [score, a.id] }) AS page
     }
     RETURN size(matched) AS total, page`,
    { query: luceneQuery, kinds, ...keysetParams(page) },
  );
  return { total: records[0]?.get("total") ?? 0, actors: inListOrder(page, records[0]?.get("page") ?? []) };
}

/** The sort key of a search hit: its score, then its key. */
export type SearchKey = [number, string];

/** One keyset page of the actors, optionally of some kinds, in key order (the sort key is the key). */
export async function listActors(
  db: Database,
  kinds: string[] | null,
  page: KeysetPage<string>,
): Promise<{ total: number; actors: Keyed<ActorRecord, string>[] }> {
  const { records } = await db.read(
    `CALL () { MATCH (a:Actor) WHERE $kinds IS NULL OR a.kind IN $kinds RETURN count(a) AS total }
     CALL () {
       MATCH (a:Actor) WHERE $kinds IS NULL OR a.kind IN $kinds
       ${keysetWindow("a", "a.id", page.backward)}
       RETURN collect({ node: a ${actorFields}, key: a.id }) AS page
     }
     RETURN total, page`,
    { kinds, ...keysetParams(page) },
  );
  return { total: records[0]?.get("total") ?? 0, actors: inListOrder(page, records[0]?.get("page") ?? []) };
}

/**
 * For each actor found, the actor itself and its first `limit` relations in one direction that pass the filter,
 * in date then key order (undated last).
 */
export async function relationsOfActors(
  db: Database,
  actorKeys: readonly string[],
  direction: Direction,
  filter: RelationFilter,
  parts: RelationParts,
  limit: number,
): Promise<{ actor: ActorRecord; relations: RelationRecord[] }[]> {
  const { records } = await db.read(
    `MATCH (a:Actor) WHERE a.id IN $keys
     CALL (a) {
       MATCH ${pattern(direction, "a")} WHERE ${relationPredicate}
       WITH r ORDER BY coalesce(r.atDate, r.startDate), r.id LIMIT $limit
       RETURN collect(r ${relationWith(parts)}) AS relations
     }
     RETURN a ${actorFields} AS actor, relations`,
    { keys: actorKeys, ...filterParams(filter), limit: neo4j.int(limit) },
  );
  return records.map((r) => ({ actor: r.get("actor"), relations: r.get("relations") }));
}

/**
 * One keyset page of the relations that pass the filter, around `actor` if given, in date then key order
 * (undated last). The sort key is a string in that order: "0" and the date, or "1" when undated, then "|" and
 * the relation's key.
 */
export async function relationsPage(
  db: Database,
  actor: string | null,
  direction: Direction,
  filter: RelationFilter,
  page: KeysetPage<string> & { withCitations: boolean },
): Promise<{ actorFound: boolean; total: number; relations: Keyed<RelationRecord, string>[] }> {
  // With an actor, start from its id (an index seek); without one, every relation is a candidate. The count
  // and the page are two passes, so that only the page's relations are projected (a top-k sort, not a
  // collection of everything). Whether the actor exists comes back too, saving a round trip to ask.
  const match = `MATCH ${actor === null ? "(:Actor)-[r:RELATION]->(:Actor)" : pattern(direction)}
     WHERE ${actor === null ? "true" : "a.id = $actor"} AND ${relationPredicate}`;
  const { records } = await db.read(
    `CALL () { OPTIONAL MATCH (a:Actor {id: $actor}) RETURN $actor IS NULL OR a IS NOT NULL AS actorFound }
     CALL () { ${match} RETURN count(DISTINCT r) AS total }
     CALL () {
       ${match}
       WITH DISTINCT r
       WITH r, coalesce("0" + toString(coalesce(r.atDate, r.startDate)), "1") + "|" + r.id AS sortKey
       ${keysetWindow("r, sortKey", "sortKey", page.backward)}
       RETURN collect({ node: r ${relationWith({ ends: true, citations: page.withCitations })}, key: sortKey }) AS page
     }
     RETURN actorFound, total, page`,
    { actor, ...filterParams(filter), ...keysetParams(page) },
  );
  return {
    actorFound: records[0]?.get("actorFound") ?? false,
    total: records[0]?.get("total") ?? 0,
    relations: inListOrder(page, records[0]?.get("page") ?? []),
  };
}

export async function relationsByKeys(db: Database, keys: readonly string[]): Promise<RelationRecord[]> {
  const { records } = await db.read(
    `UNWIND $keys AS key MATCH ()-[r:RELATION {id: key}]->() RETURN r ${relationFields} AS relation`,
    { keys },
  );
  return records.map((r) => r.get("relation"));
}

/**
 * The seed actors found, every actor within `depth` hops of them and every relation followed on the way, each
 * list by key (Cypher orders strings by code point, which for keys, lower-case a-z, digits and hyphens, is their
 * alphabetical order too), in one query: the breadth-first hops are unrolled (depth is an integer the caller has validated). A hop expands
 * all the actors the previous one reached, so its cost follows the size of the result, not of the graph.
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
): Promise<{ actors: ActorRecord[]; relations: RelationRecord[]; complete: boolean }> {
  if (!Number.isInteger(depth) || depth < 1) throw new Error("depth must be a positive integer");
  const hop = `CALL (frontier, relations) {
       UNWIND frontier AS a
       MATCH ${pattern(direction, "a")} WHERE ${relationPredicate} AND NOT r IN relations
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
     CALL (found) { UNWIND found AS a WITH DISTINCT a ORDER BY a.id RETURN collect(a ${actorFields}) AS actors }
     CALL (relations) {
       UNWIND relations AS r WITH DISTINCT r ORDER BY r.id RETURN collect(r ${bareRelationFields}) AS edges
     }
     RETURN actors, edges`,
    { seeds, ...filterParams(filter), limit: neo4j.int(limit), rows: neo4j.int(2 * (limit + 1)) },
  );
  const relations: RelationRecord[] = records[0]?.get("edges") ?? [];
  return {
    actors: records[0]?.get("actors") ?? [],
    relations,
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
): Promise<{ from: ActorRecord | null; to: ActorRecord | null; paths: RelationRecord[][] }> {
  if (!Number.isInteger(maxHops) || maxHops < 1) throw new Error("maxHops must be a positive integer");
  // The two ends come back with the paths, so that an unknown key costs no extra round trip to report.
  const { records } = await db.read(
    `OPTIONAL MATCH (a:Actor {id: $from})
     OPTIONAL MATCH (b:Actor {id: $to})
     CALL (a, b) {
       MATCH p = ALL SHORTEST
         (a) (()${arrow(direction, `r:RELATION WHERE ${relationPredicate}`)}()){1,${maxHops}} (b)
       WITH p ORDER BY [r IN relationships(p) | r.id] LIMIT $limit
       RETURN collect([r IN relationships(p) | r ${relationWith({ ends: true, citations: options.withCitations })}]) AS paths
     }
     RETURN CASE WHEN a IS NULL THEN null ELSE ${endpoint("a")} END AS from,
            CASE WHEN b IS NULL THEN null ELSE ${endpoint("b")} END AS to, paths`,
    { from, to, ...filterParams(filter), limit: neo4j.int(options.limit) },
  );
  const record = records[0];
  return {
    from: record?.get("from") ?? null,
    to: record?.get("to") ?? null,
    paths: record?.get("paths") ?? [],
  };
}

/** The first `limit` dated relations of one actor, or between two, in time order. */
export async function timeline(
  db: Database,
  actor: string,
  other: string | null,
  filter: RelationFilter,
  limit: number,
): Promise<RelationRecord[]> {
  const { records } = await db.read(
    `MATCH (a:Actor {id: $actor})-[r:RELATION]-(b:Actor)
     WHERE ($other IS NULL OR b.id = $other) AND coalesce(r.atDate, r.startDate) IS NOT NULL AND ${relationPredicate}
     WITH DISTINCT r ORDER BY coalesce(r.atDate, r.startDate), r.id LIMIT $limit
     RETURN r ${relationFields} AS relation`,
    { actor, other, ...filterParams(filter), limit: neo4j.int(limit) },
  );
  return records.map((r) => r.get("relation"));
}

/** The first `citationsFetchedPerRelation` citations of each relation, by key. */
export async function citationsOfRelations(
  db: Database,
  relationKeys: readonly string[],
): Promise<CitationRecord[]> {
  const { records } = await db.read(
    `UNWIND $keys AS key
     CALL (key) {
       MATCH (c:Citation {relationId: key})
       RETURN c ORDER BY c.id LIMIT ${citationsFetchedPerRelation}
     }
     RETURN c ${citationFields} AS citation`,
    { keys: relationKeys },
  );
  return records.map((r) => r.get("citation"));
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
): Promise<CitationRecord[]> {
  const { records } = await db.read(
    `UNWIND $keys AS key
     CALL (key) {
       MATCH (c:Citation {sourceId: key})
       RETURN c ORDER BY c.start, c.id LIMIT ${itemsFetchedPerSource}
     }
     RETURN c ${citationFields} AS citation`,
    { keys: sourceKeys },
  );
  return records.map((r) => r.get("citation"));
}

/**
 * The first `itemsFetchedPerSource` relations each source supports, by key: its citations lead to them through
 * the relation id index.
 */
export async function relationsOfSources(
  db: Database,
  sourceKeys: readonly string[],
): Promise<{ sourceKey: string; relation: RelationRecord }[]> {
  const { records } = await db.read(
    `UNWIND $keys AS sourceKey
     CALL (sourceKey) {
       MATCH (c:Citation {sourceId: sourceKey})
       WITH DISTINCT c.relationId AS key
       MATCH ()-[r:RELATION {id: key}]->() WHERE r.retractedAt IS NULL
       RETURN r ORDER BY r.id LIMIT ${itemsFetchedPerSource}
     }
     RETURN sourceKey, r ${relationFields} AS relation`,
    { keys: sourceKeys },
  );
  return records.map((r) => ({ sourceKey: r.get("sourceKey"), relation: r.get("relation") }));
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

export async function sourcesByKeys(db: Database, keys: readonly string[]): Promise<SourceRecord[]> {
  const { records } = await db.read(
    `MATCH (s:Source) WHERE s.id IN $keys RETURN s ${sourceFields} AS source`,
    { keys },
  );
  return records.map((r) => r.get("source"));
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
): Promise<{ total: number; sources: Keyed<SourceRecord, string>[] }> {
  const { records } = await db.read(
    `CALL () { MATCH (s:Source) RETURN count(s) AS total }
     CALL () {
       MATCH (s:Source) ${keysetWindow("s", "s.id", page.backward)}
       RETURN collect({ node: s ${sourceFields}, key: s.id }) AS page
     }
     RETURN total, page`,
    keysetParams(page),
  );
  return { total: records[0]?.get("total") ?? 0, sources: inListOrder(page, records[0]?.get("page") ?? []) };
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
