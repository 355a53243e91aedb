import type { Record as Row } from "neo4j-driver";

/** The spans (code points) of a source's text that name an actor. */
export interface MentionRecord {
  sourceKey: string;
  actorKey: string;
  starts: number[];
  ends: number[];
}

/**
 * The columns that return a mention: the MENTIONS relationship `m` from the source whose key is `sourceKey` to
 * the actor whose key is `actorKey` (both Cypher expressions). Read by name with `mentionOf`.
 */
export const mentionColumns = (sourceKey: string, actorKey: string, m: string) =>
  `${sourceKey} AS sourceKey, ${actorKey} AS actorKey, ${m}.starts AS starts, ${m}.ends AS ends`;

/** The mention of a row returned with `mentionColumns`. */
export const mentionOf = (row: Row) => row.toObject() as MentionRecord;
