import neo4j, { type ManagedTransaction } from "neo4j-driver";
import type { MentionRow } from "./seed-store.js";
import { createMentions, knownRecords } from "./writes.js";

/**
 * The Cypher of keeping mentions true when actors' names change (src/ingest/mentions.ts): the stored texts the
 * source index finds for names, their texts, and their mention rows replaced. Each runs inside the caller's write
 * transaction, which holds the graph's write lock.
 */

/** Where a write reads: its own transaction. */
type Reader = Pick<ManagedTransaction, "run">;

/**
 * The keys of the stored sources whose analysed text `lucene` (src/domain/analysis.ts textsNamingQuery) finds in
 * the `source_search` full-text index, at most `limit` of them, in key order, with their lengths
 * in code points: the texts are read by pages of bounded size.
 */
export async function sourcesFoundByIndex(
  tx: Reader,
  lucene: string,
  limit: number,
): Promise<{ key: string; length: number }[]> {
  const { records } = await tx.run(
    `CALL db.index.fulltext.queryNodes('source_search', $lucene, {limit: $limit}) YIELD node
     RETURN node.id AS key, node.length AS length ORDER BY key`,
    { lucene, limit: neo4j.int(limit) },
  );
  return records.map((r) => ({ key: r.get("key") as string, length: Number(r.get("length") ?? 0) }));
}

/** Most code points of texts one page of `rewriteMentions` reads: memory stays bounded whatever their sizes. */
export const pageCodePoints = 2_000_000;

/**
 * Rewrites the mentions of these sources (given with their lengths in code points): their texts are read by
 * pages of at most `pageCodePoints` (or one text), and each source's mention rows are replaced by those
 * `mentionsOf` finds in its text (none left: it mentions no actor any more).
 */
export async function rewriteMentions(
  tx: ManagedTransaction,
  sources: readonly { key: string; length: number }[],
  mentionsOf: (sourceKey: string, text: string) => MentionRow[],
): Promise<void> {
  for (let first = 0; first < sources.length; ) {
    const page: string[] = [];
    for (let size = 0; first < sources.length && (page.length === 0 || size < pageCodePoints); first += 1) {
      const source = sources[first] as { key: string; length: number };
      page.push(source.key);
      size += source.length;
    }
    const { sources: texts } = await knownRecords(tx, {
      actors: [],
      sources: page,
      relations: [],
      names: [],
    });
    await tx.run("UNWIND $keys AS key MATCH (:Source {id: key})-[m:MENTIONS]->() DELETE m", { keys: page });
    await createMentions(
      tx,
      texts.flatMap((source) => mentionsOf(source.key, source.text)),
    );
  }
}
