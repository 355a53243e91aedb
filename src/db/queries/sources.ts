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
  citationReader,
  type Projection,
  relationReader,
  sourceReader,
  wholeRecords,
} from "../projection.js";
import { type CitationRecord, liveCitation } from "../records/citation.js";
import { type MentionRecord, mentionColumns, mentionOf, mentionSpans } from "../records/mention.js";
import type { RelationRecord } from "../records/relation.js";
import type { SourceRecord } from "../records/source.js";

/** The read queries of sources: by key, a page of them, their texts, and the lists below each source. */

/**
 * The first `perSource` live citations of each source, in text order. `perSource` is the most items fetched for each
 * source: the API's bound plus one, so that a cut list is known (src/graphql/bounds.ts); so for the lists below.
 */
export async function citationsOfSources(
  db: Database,
  sourceKeys: readonly string[],
  perSource: number,
  projection: Projection = wholeRecords,
): Promise<CitationRecord[]> {
  const citation = citationReader(projection);
  const { records } = await db.read(
    `UNWIND $keys AS key
     CALL (key) {
       MATCH (c:Citation {sourceId: key}) WHERE ${liveCitation()}
       RETURN c ORDER BY c.start, c.id LIMIT $perSource
     }
     RETURN ${citation.list} AS citation`,
    { keys: sourceKeys, perSource: neo4j.int(perSource) },
  );
  return records.map((r) => citation.decode(r.get("citation")));
}

/**
 * The first `perSource` relations each source supports, by key: its citations lead to them through the relation
 * id index.
 */
export async function relationsOfSources(
  db: Database,
  sourceKeys: readonly string[],
  perSource: number,
  projection: Projection = wholeRecords,
): Promise<{ sourceKey: string; relation: RelationRecord }[]> {
  const relation = relationReader(projection, { ends: true });
  const { records } = await db.read(
    `UNWIND $keys AS sourceKey
     CALL (sourceKey) {
       MATCH (c:Citation {sourceId: sourceKey}) WHERE ${liveCitation()}
       WITH DISTINCT c.relationId AS key
       MATCH ()-[r:RELATION {id: key}]->() WHERE r.retractedAt IS NULL
       RETURN r ORDER BY r.id LIMIT $perSource
     }
     RETURN sourceKey, ${relation.list} AS relation`,
    { keys: sourceKeys, perSource: neo4j.int(perSource) },
  );
  return records.map((r) => ({
    sourceKey: r.get("sourceKey"),
    relation: relation.decode(r.get("relation")),
  }));
}

/** A stretch of a source's text, [start, end) in code points; without `end`, to the text's end. */
export interface TextRange {
  sourceKey: string;
  start: number;
  end: number | null;
}

/**
 * The first `perRange` mentions within each range (a whole source, a quote, a snippet), in text order, with their
 * text, each tagged with its range's index in `ranges`.
 */
export async function mentionsInRanges(
  db: Database,
  ranges: readonly TextRange[],
  perRange: number,
): Promise<(MentionRecord & { range: number })[]> {
  const { records } = await db.read(
    `UNWIND range(0, size($ranges) - 1) AS index
     WITH index, $ranges[index] AS range
     CALL (range) {
       MATCH (s:Source {id: range.sourceKey})-[m:MENTIONS]->(a:Actor)
       ${mentionSpans("s", "a.id", "m")}
       WHERE start >= range.start AND (range.end IS NULL OR end <= range.end)
       RETURN ${mentionColumns("s")} ORDER BY start LIMIT $perRange
     }
     RETURN index AS range, sourceKey, actorKey, start, end, text`,
    { ranges, perRange: neo4j.int(perRange) },
  );
  return records.map((r) => ({ ...mentionOf(r), range: Number(r.get("range")) }));
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
