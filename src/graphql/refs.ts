import { actorsByKeys } from "../db/queries/actors.js";
import { citationsOfRelations, relationsByKeys } from "../db/queries/relations.js";
import { sourcesByKeys } from "../db/queries/sources.js";
import type { ActorRecord } from "../db/records/actor.js";
import type { CitationRecord } from "../db/records/citation.js";
import type { MentionRecord } from "../db/records/mention.js";
import type { RelationRecord } from "../db/records/relation.js";
import type { SourceRecord } from "../db/records/source.js";
import { bounds, fetchedPerParent } from "./bounds.js";
import { builder } from "./builder.js";
import type { GraphQLContext } from "./context.js";

/**
 * The refs of the graph's object types, declared once: each type's own file under types/ implements its ref,
 * and any file may name the others here, so the type files never import one another.
 *
 * They are loadable refs (@pothos/plugin-dataloader): a field of one of these types may resolve to a key,
 * which the request's loader for the type batches with the other keys of the same tick into one query, or
 * to a record fetched with its parent, which `cacheResolved` stores in that loader so that nothing asks
 * for it again. A key that names nothing loads as null.
 */

export const ActorRef = builder.loadableInterfaceRef("Actor", {
  load: (keys: string[], { db, projection }: GraphQLContext) => actorsByKeys(db, keys, projection.current),
  sort: (actor: ActorRecord) => actor.key,
  cacheResolved: (actor: ActorRecord) => actor.key,
});

export const RelationRef = builder.loadableNodeRef("Relation", {
  id: { resolve: (relation) => relation.key },
  load: (keys: string[], { db, projection }: GraphQLContext) => relationsByKeys(db, keys, projection.current),
  sort: (relation: RelationRecord) => relation.key,
  cacheResolved: (relation: RelationRecord) => relation.key,
});

/**
 * A citation's key is its relation's key, "#" and its number: its relation's citations are fetched, withdrawn ones
 * too (a withdrawn citation stays readable by its id).
 */
export const CitationRef = builder.loadableNodeRef("Citation", {
  id: { resolve: (citation) => citation.key },
  load: (keys: string[], { db, projection }: GraphQLContext) =>
    citationsOfRelations(
      db,
      [...new Set(keys.map((key) => key.split("#")[0] ?? ""))],
      fetchedPerParent(bounds.citationsOfRelation),
      projection.current,
      "all",
    ),
  sort: (citation: CitationRecord) => citation.key,
});

export const SourceRef = builder.loadableNodeRef("Source", {
  id: { resolve: (source) => source.key },
  load: (keys: string[], { db, projection }: GraphQLContext) => sourcesByKeys(db, keys, projection.current),
  sort: (source: SourceRecord) => source.key,
  cacheResolved: (source: SourceRecord) => source.key,
});

/** A date as precise as the source gives it: its value as written (YYYY, YYYY-MM, YYYY-MM-DD), its precision. */
export interface PartialDate {
  value: string;
  precision: string;
}
/** Implemented in types/relation.ts; citations and changes carry dates too. */
export const PartialDateRef = builder.objectRef<PartialDate>("PartialDate");

/** A stored date and precision as a PartialDate, or null when the sources give none. */
export const partialDate = (value: string | null, precision: string | null): PartialDate | null =>
  value && precision ? { value, precision } : null;

/** One mention, a span of a source's text that names an actor (types/mention.ts). */
export const MentionRef = builder.objectRef<MentionRecord>("Mention");
