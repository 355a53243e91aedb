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
} from "../db/graph.js";

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
}

/**
 * Per-request loaders: each gathers the keys asked for in one tick of the event loop and answers them with
 * one query, so a nested query costs a number of round trips set by its depth, not by its result size.
 */
export function createLoaders(db: Database) {
  const actor = new DataLoader<string, ActorRecord | null>(async (keys) =>
    byKey(keys, await actorsByKeys(db, keys), (a) => a.key),
  );
  return {
    actor,
    relation: new DataLoader<string, RelationRecord | null>(async (keys) =>
      byKey(keys, await relationsByKeys(db, keys), (r) => r.key),
    ),
    source: new DataLoader<string, SourceRecord | null>(async (keys) =>
      byKey(keys, await sourcesByKeys(db, keys), (s) => s.key),
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
    /** Relations of an actor; keys that share a direction and filter are answered by one query. */
    relationsOfActor: new DataLoader<RelationsOfActorKey, RelationRecord[], string>(
      async (keys) => {
        const answers = new Map<string, RelationRecord[]>();
        const batches = new Map<string, RelationsOfActorKey[]>();
        for (const key of keys) {
          const shape = JSON.stringify([key.direction, key.filter, key.parts]);
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
  return JSON.stringify([key.actorKey, key.direction, key.filter, key.parts]);
}

export type Loaders = ReturnType<typeof createLoaders>;
