import DataLoader from "dataloader";
import type { Database } from "../db/database.js";
import {
  type ActorRecord,
  actorsByKeys,
  type CitationRecord,
  citationsOfRelations,
  citationsOfSources,
  type Direction,
  type MentionRecord,
  mentionsOfSources,
  type RelationFilter,
  type RelationParts,
  type RelationRecord,
  relationsByKeys,
  relationsOfActors,
  relationsOfSources,
  type SourceRecord,
  sourcesByKeys,
  sourceTexts,
} from "../db/graph.js";
import { mentionsOfActors } from "../db/search.js";
import { notFound } from "../errors.js";
import { codePoints } from "../seed/text.js";

/** Orders `rows` by `keys`, filling the gaps with null, as DataLoader expects. */
function byKey<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): (T | null)[] {
  const found = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => found.get(key) ?? null);
}

function groupByKey<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

export interface RelationsOfActorKey {
  actorKey: string;
  direction: Direction;
  filter: RelationFilter;
  /** What to fetch with the relations: what the client selected below them. */
  parts: RelationParts;
  /** At most this many relations per actor. */
  fetch: number;
}

/**
 * Per-request loaders: each gathers the keys asked for in one tick of the event loop and answers them with
 * one query, so a nested query costs a number of round trips set by its depth, not by its result size.
 */
export function createLoaders(db: Database) {
  const actor = new DataLoader<string, ActorRecord | null>(async (keys) =>
    byKey(keys, await actorsByKeys(db, keys), (a) => a.key),
  );
  const sourceText = new DataLoader<string, string | null>(async (keys) =>
    byKey(keys, await sourceTexts(db, keys), (s) => s.key).map((row) => row?.text ?? null),
  );
  return {
    actor,
    relation: new DataLoader<string, RelationRecord | null>(async (keys) =>
      byKey(keys, await relationsByKeys(db, keys), (r) => r.key),
    ),
    source: new DataLoader<string, SourceRecord | null>(async (keys) =>
      byKey(keys, await sourcesByKeys(db, keys), (s) => s.key),
    ),
    /** A source's text, only for the fields that need it (Source.text, Citation.context). */
    sourceText,
    /** A source's text split into code points once per request, however many quotes it places. */
    sourcePoints: new DataLoader<string, string[] | null>((keys) =>
      Promise.all(
        keys.map(async (key) => {
          const text = await sourceText.load(key);
          return text === null ? null : codePoints(text);
        }),
      ),
    ),
    citationsOfRelation: new DataLoader<string, CitationRecord[]>(async (keys) =>
      groupByKey(keys, await citationsOfRelations(db, keys), (c) => c.relationKey),
    ),
    citationsOfSource: new DataLoader<string, CitationRecord[]>(async (keys) =>
      groupByKey(keys, await citationsOfSources(db, keys), (c) => c.sourceKey),
    ),
    relationsOfSource: new DataLoader<string, RelationRecord[]>(async (keys) =>
      groupByKey(keys, await relationsOfSources(db, keys), (row) => row.sourceKey).map((rows) =>
        rows.map((row) => row.relation),
      ),
    ),
    mentionsOfSource: new DataLoader<string, MentionRecord[]>(async (keys) =>
      groupByKey(keys, await mentionsOfSources(db, keys), (m) => m.sourceKey),
    ),
    mentionsOfActor: new DataLoader<string, MentionRecord[]>(async (keys) =>
      groupByKey(keys, await mentionsOfActors(db, keys), (m) => m.actorKey),
    ),
    /** Relations of an actor; keys that share a direction and filter are answered by one query. */
    relationsOfActor: new DataLoader<RelationsOfActorKey, RelationRecord[], string>(
      async (keys) => {
        const answers = new Map<string, RelationRecord[]>();
        const batches = new Map<string, RelationsOfActorKey[]>();
        for (const key of keys) {
          const shape = JSON.stringify([key.direction, key.filter, key.parts, key.fetch]);
          batches.set(shape, [...(batches.get(shape) ?? []), key]);
        }
        for (const batch of batches.values()) {
          const first = batch[0] as RelationsOfActorKey;
          const rows = await relationsOfActors(
            db,
            batch.map((k) => k.actorKey),
            first.direction,
            first.filter,
            first.parts,
            first.fetch,
          );
          // The same query brought each actor: asking for it next costs no round trip.
          for (const row of rows) {
            actor.prime(row.actor.key, row.actor);
            answers.set(relationsKey({ ...first, actorKey: row.actor.key }), row.relations);
          }
        }
        return keys.map((key) => answers.get(relationsKey(key)) ?? []);
      },
      { cacheKeyFn: (key) => relationsKey(key) },
    ),
  };
}

function relationsKey(key: RelationsOfActorKey): string {
  return JSON.stringify([key.actorKey, key.direction, key.filter, key.parts, key.fetch]);
}

export type Loaders = ReturnType<typeof createLoaders>;

/** The records a write touched: actors, relations and sources by key, or everything (a merge moves a lot). */
export type Touched = { actors?: string[]; relations?: string[]; sources?: string[] } | "everything";

/**
 * After a write, makes this request's loaders forget what they hold of the records it touched, so that the
 * write's payload, and any later field of the same request, reads what was written. Lists of an actor's
 * relations are cached under richer keys (direction, filter, parts), so all of them are forgotten.
 */
export function forgetWritten(loaders: Loaders, touched: Touched): void {
  if (touched === "everything") {
    for (const loader of Object.values(loaders)) loader.clearAll();
    return;
  }
  for (const key of touched.actors ?? []) loaders.actor.clear(key);
  for (const key of touched.relations ?? []) {
    loaders.relation.clear(key);
    loaders.citationsOfRelation.clear(key);
  }
  for (const key of touched.sources ?? []) {
    for (const loader of [
      loaders.source,
      loaders.sourceText,
      loaders.sourcePoints,
      loaders.citationsOfSource,
      loaders.relationsOfSource,
      loaders.mentionsOfSource,
    ]) {
      loader.clear(key);
    }
  }
  loaders.relationsOfActor.clearAll();
  loaders.mentionsOfActor.clearAll();
}

/**
 * Loads an actor that a record refers to (a relation's end, a mention, a write's result), or fails with
 * NOT_FOUND when it is gone meanwhile. An actor that an argument names goes through actorArgument
 * (src/graphql/unknown.ts), which names the argument and suggests keys.
 */
export async function requireActor(
  loaders: { actor: { load(key: string): Promise<ActorRecord | null> } },
  key: string,
) {
  const actor = await loaders.actor.load(key);
  if (!actor) throw notFound("actor", key);
  return actor;
}

/** The end `key` of a relation: fetched with the relation when the query could, else through the actor loader. */
export function relationEnd(loaders: Pick<Loaders, "actor">, relation: RelationRecord, key: string) {
  const fetched = key === relation.from ? relation.fromActor : relation.toActor;
  if (!fetched) return requireActor(loaders, key);
  loaders.actor.prime(key, fetched);
  return fetched;
}
