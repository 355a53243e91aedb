import type { Record as Row } from "neo4j-driver";

/** One mention: the span [start, end) of a source's text (code points) that names an actor, and that text. */
export interface MentionRecord {
  sourceKey: string;
  actorKey: string;
  start: number;
  end: number;
  /** The source's text[start:end], exactly. */
  text: string;
}

/**
 * The Cypher that turns the MENTIONS relationship `m` from source node `s` to the actor whose key is `actorKey`
 * (a Cypher expression) into one row per span, `start`, `end` and the rest of `mentionColumns`. Neo4j's
 * substring counts code points, as every offset of the graph does.
 */
export const mentionSpans = (s: string, actorKey: string, m: string) =>
  `UNWIND range(0, size(${m}.starts) - 1) AS i
   WITH ${s}, ${actorKey} AS actorKey, ${m}.starts[i] AS start, ${m}.ends[i] AS end`;

/** The columns that return a mention from the rows of `mentionSpans`. Read by name with `mentionOf`. */
export const mentionColumns = (s: string) =>
  `${s}.id AS sourceKey, actorKey, start, end, substring(${s}.text, start, end - start) AS text`;

/** The mention of a row returned with `mentionColumns`. */
export const mentionOf = (row: Row) => row.toObject() as MentionRecord;
