import neo4j from "neo4j-driver";
import type { Database } from "../database.js";
import {
  inListOrder,
  type Keyed,
  type KeysetPage,
  keyOrderedWindow,
  keysetParams,
  totalOf,
} from "../keyset.js";
import {
  actorReader,
  type Projection,
  type RelationParts,
  relationReader,
  wholeRecords,
} from "../projection.js";
import type { ActorRecord } from "../records/actor.js";
import type { RecordReader } from "../records/reader.js";
import type { RelationRecord } from "../records/relation.js";
import {
  type Direction,
  filterParams,
  pattern,
  type RelationFilter,
  relationPredicate,
} from "./relation-filter.js";

/** The read queries of actors: by key, by name, a page of them, and each actor's relations read with it. */

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
    {
      kinds,
      ...keysetParams(page),
      ...(relations ? relationsOfActorParams(relations) : {}),
      ...relation?.params,
    },
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
    { keys: actorKeys, ...relationsOfActorParams(request), ...relation.params },
  );
  return records.map((r) => ({
    actor: actor.decode(r.get("actor")),
    relations: (r.get("relations") as unknown[][]).map(relation.decode),
  }));
}
