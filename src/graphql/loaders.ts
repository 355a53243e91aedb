import { clearAllDataLoaders, dataloaderGetter } from "@pothos/plugin-dataloader";
import type DataLoader from "dataloader";
import { type RelationsOfActorRequest, relationsOfActors } from "../db/queries/actors.js";
import { answersOfRelations, type LedgerRecord, ledgersOfRelations } from "../db/queries/ledger.js";
import { citationsOfRelations } from "../db/queries/relations.js";
import {
  citationsOfSources,
  mentionsInRanges,
  relationsOfSources,
  sourceTexts,
  type TextRange,
} from "../db/queries/sources.js";
import type { ActorRecord } from "../db/records/actor.js";
import type { CitationRecord } from "../db/records/citation.js";
import type { MentionRecord } from "../db/records/mention.js";
import type { RelationRecord } from "../db/records/relation.js";
import { mentionsOfActors } from "../db/search.js";
import { notFound } from "../domain/errors.js";
import { codePoints } from "../domain/text.js";
import { bounds, fetchedPerParent } from "./bounds.js";
import type { GraphQLContext } from "./context.js";
import { ActorRef, CitationRef, RelationRef, SourceRef } from "./refs.js";

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

/**
 * The loader key of an actor's relations: the actor and what its `relations` field asks (direction, filter,
 * the parts selected below it, and `limit`, one more than the client asked, to know whether the list was cut);
 * see relationsRequest (src/graphql/types/actor.ts).
 */
export interface RelationsOfActorKey extends RelationsOfActorRequest {
  actorKey: string;
}

/** An actor with its relations as one RelationsOfActorKey asks them; actor null when the key names none. */
export interface ActorRelations {
  actor: ActorRecord | null;
  relations: RelationRecord[];
}

/**
 * Every loader of a request is made here or by a loadable ref (src/graphql/refs.ts), by the same means: the
 * dataloader plugin's `dataloaderGetter`, which makes a request's loader at its first use and keeps it in the
 * request's context cache, so that Yoga's copies of the context share it and `clearAllDataLoaders` clears
 * every one. Each gathers the keys asked for in one tick of the event loop and answers them with one query, so a
 * nested query costs a number of round trips set by its depth, not by its result size. The records they read
 * hold the request's `projection` (src/graphql/projection.ts). The refs load the graph's objects (actors,
 * relations, citations, sources); these load the lists and big fields below them.
 */

/** A per-request loader answering `load` for the keys of one tick. */
const perRequest = <K, V, C = K>(
  load: (keys: readonly K[], context: GraphQLContext) => Promise<V[]>,
  options?: DataLoader.Options<K, V, C>,
) =>
  dataloaderGetter<K, V, C>(
    options,
    (keys, context) => load(keys, context as GraphQLContext),
    undefined,
    false,
  );

/** A source's text, only for the fields that need it (Source.text, Citation.context). */
const sourceText = perRequest<string, string | null>(async (keys, { db }) =>
  byKey(keys, await sourceTexts(db, keys), (s) => s.key).map((row) => row?.text ?? null),
);

/** The request's loaders of lists and big fields: `loaders.sourceText(context).load(key)`. */
export const loaders = {
  sourceText,
  /** A source's text split into code points once per request, however many quotes it places. */
  sourcePoints: perRequest<string, string[] | null>((keys, context) =>
    Promise.all(
      keys.map(async (key) => {
        const text = await sourceText(context).load(key);
        return text === null ? null : codePoints(text);
      }),
    ),
  ),
  citationsOfRelation: perRequest<string, CitationRecord[]>(async (keys, { db, projection }) =>
    groupByKey(
      keys,
      await citationsOfRelations(db, keys, fetchedPerParent(bounds.citationsOfRelation), projection.current),
      (c) => c.relationKey,
    ),
  ),
  /** A relation's withdrawn citations: no longer its evidence, still readable. */
  withdrawnCitationsOfRelation: perRequest<string, CitationRecord[]>(async (keys, { db, projection }) =>
    groupByKey(
      keys,
      await citationsOfRelations(
        db,
        keys,
        fetchedPerParent(bounds.citationsOfRelation),
        projection.current,
        "withdrawn",
      ),
      (c) => c.relationKey,
    ),
  ),
  /** Who says what about a relation (src/db/queries/ledger.ts ledgersOfRelations). */
  ledger: perRequest<string, LedgerRecord | null>(async (keys, { db }) =>
    byKey(keys, await ledgersOfRelations(db, keys), (l) => l.key),
  ),
  /** Keys of the relations that address a relation: its answers. */
  answeredBy: perRequest<string, string[]>(async (keys, { db }) =>
    groupByKey(keys, await answersOfRelations(db, keys), (a) => a.addressed).map((rows) =>
      rows.map((row) => row.key),
    ),
  ),
  citationsOfSource: perRequest<string, CitationRecord[]>(async (keys, { db, projection }) =>
    groupByKey(
      keys,
      await citationsOfSources(db, keys, fetchedPerParent(bounds.citationsOfSource), projection.current),
      (c) => c.sourceKey,
    ),
  ),
  relationsOfSource: perRequest<string, RelationRecord[]>(async (keys, { db, projection }) =>
    groupByKey(
      keys,
      await relationsOfSources(db, keys, fetchedPerParent(bounds.relationsOfSource), projection.current),
      (row) => row.sourceKey,
    ).map((rows) => rows.map((row) => row.relation)),
  ),
  /** The mentions within a stretch of a source's text (all of it, a quote, a snippet), in text order. */
  mentionsInRange: perRequest<TextRange, MentionRecord[], string>(
    async (ranges, { db }) => {
      const rows = await mentionsInRanges(db, ranges, fetchedPerParent(bounds.mentionsOfSource));
      return groupByKey(
        ranges.map((_, index) => String(index)),
        rows,
        (row) => String(row.range),
      );
    },
    { cacheKeyFn: (range) => JSON.stringify([range.sourceKey, range.start, range.end]) },
  ),
  mentionsOfActor: perRequest<string, MentionRecord[]>(async (keys, { db }) =>
    groupByKey(
      keys,
      await mentionsOfActors(db, keys, fetchedPerParent(bounds.mentionsOfActor)),
      (m) => m.actorKey,
    ),
  ),
  /**
   * Relations of an actor, with the actor itself (the same query brings it); keys that share a direction,
   * filter, parts and size are answered by one query.
   */
  relationsOfActor: perRequest<RelationsOfActorKey, ActorRelations, string>(
    async (keys, { db, projection }) => {
      const answers = new Map<string, ActorRelations>();
      const batches = new Map<string, RelationsOfActorKey[]>();
      for (const key of keys) {
        const shape = JSON.stringify([key.direction, key.filter, key.parts, key.limit]);
        batches.set(shape, [...(batches.get(shape) ?? []), key]);
      }
      for (const batch of batches.values()) {
        const first = batch[0] as RelationsOfActorKey;
        const rows = await relationsOfActors(
          db,
          batch.map((k) => k.actorKey),
          first,
          projection.current,
        );
        for (const { actor, relations } of rows) {
          answers.set(relationsKey({ ...first, actorKey: actor.key }), { actor, relations });
        }
      }
      return keys.map((key) => answers.get(relationsKey(key)) ?? { actor: null, relations: [] });
    },
    { cacheKeyFn: (key) => relationsKey(key) },
  ),
};

function relationsKey(key: RelationsOfActorKey): string {
  return JSON.stringify([key.actorKey, key.direction, key.filter, key.parts, key.limit]);
}

/** The records a write touched: actors, relations and sources by key, or everything (a merge moves a lot). */
export type Touched = { actors?: string[]; relations?: string[]; sources?: string[] } | "everything";

/**
 * After a write, makes this request's loaders forget what they hold of the records it touched, so that the
 * write's payload, and any later field of the same request, reads what was written. Lists of an actor's
 * relations are cached under richer keys (direction, filter, parts), so all of them are forgotten.
 */
export function forgetWritten(context: GraphQLContext, touched: Touched): void {
  if (touched === "everything") {
    clearAllDataLoaders(context);
    return;
  }
  for (const key of touched.actors ?? []) ActorRef.getDataloader(context).clear(key);
  for (const key of touched.relations ?? []) {
    RelationRef.getDataloader(context).clear(key);
    loaders.citationsOfRelation(context).clear(key);
    loaders.withdrawnCitationsOfRelation(context).clear(key);
  }
  // Citation keys extend their relation's key: the citations of a touched relation are forgotten with it.
  if (touched.relations?.length) CitationRef.getDataloader(context).clearAll();
  // A new or retracted relation changes the answers of those it addresses, and ledgers count parties' offices.
  loaders.answeredBy(context).clearAll();
  loaders.ledger(context).clearAll();
  for (const key of touched.sources ?? []) {
    SourceRef.getDataloader(context).clear(key);
    for (const loader of [
      loaders.sourceText,
      loaders.sourcePoints,
      loaders.citationsOfSource,
      loaders.relationsOfSource,
    ]) {
      loader(context).clear(key);
    }
  }
  loaders.mentionsInRange(context).clearAll();
  loaders.relationsOfActor(context).clearAll();
  loaders.mentionsOfActor(context).clearAll();
}

/** What loads a loadable ref's records for a request: its loader, or any object with the same `load`. */
interface Loadable<T> {
  getDataloader(context: GraphQLContext): { load(key: string): Promise<T | null> };
}

/**
 * Loads a record that another record refers to (a relation's end, a citation's source, a write's result)
 * through the request's loader of its type, or fails with NOT_FOUND when it is gone meanwhile. A key that an
 * argument names goes through src/graphql/unknown.ts instead, which names the argument and suggests keys.
 * @throws NOT_FOUND naming `what` and `key`.
 */
export async function referenced<T>(
  ref: Loadable<T>,
  context: GraphQLContext,
  what: "actor" | "relation" | "citation" | "source",
  key: string,
): Promise<T> {
  const record = await ref.getDataloader(context).load(key);
  if (record === null) throw notFound(what, key);
  return record;
}

/**
 * The end `key` of a relation: the actor fetched with the relation when the query could (stored in the
 * actor loader by its ref's cacheResolved), else loaded.
 * @throws NOT_FOUND when the actor is gone meanwhile.
 */
export function relationEnd(
  context: GraphQLContext,
  relation: RelationRecord,
  key: string,
): ActorRecord | Promise<ActorRecord> {
  const fetched = key === relation.from ? relation.fromActor : relation.toActor;
  return fetched ?? referenced(ActorRef, context, "actor", key);
}
