import neo4j from "neo4j-driver";
import type { Omission } from "../../domain/omission.js";
import type { Database } from "../database.js";
import { actorReader, type Projection, relationReader, wholeRecords } from "../projection.js";
import type { ActorRecord } from "../records/actor.js";
import type { RelationRecord } from "../records/relation.js";
import { countOmitted } from "./omitted.js";
import {
  arrow,
  type Direction,
  filterParams,
  pattern,
  type RelationFilter,
  relationPredicate,
} from "./relation-filter.js";

/**
 * The traversals: the neighbourhood of actors within some hops, and the shortest paths between two actors. The
 * hop count is an integer the caller has validated, spliced into the statement (Cypher cannot take it as a
 * parameter).
 */

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
 * A path search: from one actor to another (keys), within `maxHops` (an integer the caller has validated), walking
 * relations in `direction` that `filter` keeps, at most `limit` paths (1: the shortest only).
 */
export interface PathSearch {
  from: string;
  to: string;
  maxHops: number;
  direction: Direction;
  filter: RelationFilter;
  limit: number;
}

/**
 * The shortest paths of a search, as lists of relations in walking order, with its two ends (null when unknown).
 * Among paths of equal length the one with the smallest relation keys comes first, so that the same question
 * always gets the same answer. `citations`: most citations fetched with each relation (see
 * RelationParts.citations); none when absent.
 */
export async function shortestPaths(
  db: Database,
  { from, to, maxHops, direction, filter, limit }: PathSearch,
  citations?: number,
  projection: Projection = wholeRecords,
): Promise<{ from: ActorRecord | null; to: ActorRecord | null; paths: RelationRecord[][] }> {
  if (!Number.isInteger(maxHops) || maxHops < 1) throw new Error("maxHops must be a positive integer");
  // The two ends come back with the paths, so that an unknown key costs no extra round trip to report.
  const relation = relationReader(projection, { ends: true, citations });
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
    { from, to, ...filterParams(filter), limit: neo4j.int(limit), ...relation.params },
  );
  const record = records[0];
  const fromEnd: unknown[] | null = record?.get("from") ?? null;
  const toEnd: unknown[] | null = record?.get("to") ?? null;
  const paths: unknown[][][] = record?.get("paths") ?? [];
  return {
    from: fromEnd ? fromActor.decode(fromEnd) : null,
    to: toEnd ? toActor.decode(toEnd) : null,
    paths: paths.map((path) => path.map(relation.decode)),
  };
}

/**
 * How many relations a path search left out, by reason: the relations on the shortest paths (at most `limit`, by
 * relation keys as shortestPaths orders them) that following every relation, retracted
 * ones too, would find, and that this search did not follow: retracted, not a link type (when `linksByDefault`),
 * of another type than `filter.types`, or undated when `asOf` asks for dated ones. None when those paths are the
 * ones found, or when no relation at all joins the two actors within `maxHops`.
 */
export function pathOmissions(
  db: Database,
  { from, to, maxHops, direction, filter, limit }: PathSearch,
  linksByDefault: boolean,
): Promise<Omission[]> {
  if (!Number.isInteger(maxHops) || maxHops < 1) throw new Error("maxHops must be a positive integer");
  return countOmitted(
    db,
    `MATCH (a:Actor {id: $from}), (b:Actor {id: $to})
     MATCH p = ALL SHORTEST (a)${arrow(direction, ":RELATION")}{1,${maxHops}}(b)
     WITH p ORDER BY [x IN relationships(p) | x.id] LIMIT $limit
     UNWIND relationships(p) AS r`,
    relationPredicate(filter),
    {
      types: filter.types ?? null,
      linksByDefault,
      undated: filter.asOf != null ? "coalesce(r.atDate, r.startDate) IS NULL" : null,
    },
    { from, to, ...filterParams(filter), limit: neo4j.int(limit) },
  );
}
