import neo4j, { type ManagedTransaction } from "neo4j-driver";
import type { NamedActor } from "../domain/mentions.js";
import type { MentionRow } from "./seed-store.js";
import { createMentions } from "./writes.js";

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

/** An actor as a finder of mentions and intake's gazetteer read it: its names and its kind. */
export type StoredActor = NamedActor & { kind: string };

/**
 * The actors (id, name, aliases, kind) with a mention key (src/domain/mentions.ts mentionKeys) that `lucene`, an
 * OR of words, finds in the `actor_mention_keys` full-text index, at most `limit` of them, in key order.
 */
export async function actorsNamedWith(tx: Reader, lucene: string, limit: number): Promise<StoredActor[]> {
  const { records } = await tx.run(
    `CALL db.index.fulltext.queryNodes('actor_mention_keys', $lucene, {limit: $limit}) YIELD node
     RETURN node.id AS id, node.name AS name, node.aliases AS aliases, node.kind AS kind ORDER BY id`,
    { lucene, limit: neo4j.int(limit) },
  );
  return records.map((r) => r.toObject() as StoredActor);
}

/** How many actors the graph holds (from Neo4j's count store: no actor is read). */
export async function actorCount(tx: Reader): Promise<number> {
  const { records } = await tx.run("MATCH (a:Actor) RETURN count(a) AS n");
  return Number(records[0]?.get("n") ?? 0);
}

/** Most code points of texts one page of `rewriteMentions` reads: memory stays bounded whatever their sizes. */
export const pageCodePoints = 2_000_000;

/** A source's text and its mention rows as stored, each with its relationship's element id. */
interface StoredMentions {
  key: string;
  text: string;
  rows: { id: string; actorId: string; starts: number[]; ends: number[] }[];
}

/** These sources' texts and stored mention rows (sources missing are left out). */
async function textsWithMentions(tx: Reader, keys: readonly string[]): Promise<StoredMentions[]> {
  const { records } = await tx.run(
    `MATCH (s:Source) WHERE s.id IN $keys
     RETURN s.id AS key, s.text AS text,
       COLLECT { MATCH (s)-[m:MENTIONS]->(a) RETURN {id: elementId(m), actorId: a.id, starts: m.starts, ends: m.ends} } AS rows`,
    { keys },
  );
  return records.map((r) => r.toObject() as StoredMentions);
}

/** Removes mention relationships by element id (read in the same transaction). */
async function removeMentions(tx: ManagedTransaction, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.run("UNWIND $ids AS id MATCH ()-[m:MENTIONS]->() WHERE elementId(m) = id DELETE m", { ids });
}

const sameOffsets = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((value, i) => value === b[i]);

/** What `rewriteMentions` changed: mention rows (one per source and actor) written anew or changed, and removed. */
export interface MentionRewrite {
  written: number;
  removed: number;
}

/**
 * Brings the mentions of these sources (given with their lengths in code points) to those `mentionsOf` finds in
 * their texts (given a page of texts, it answers each one's rows, in the page's order): the texts and their
 * stored rows are read by pages of at most `pageCodePoints` (or one text), and
 * only the rows that differ are written (an actor newly mentioned, or at other offsets) or removed (an actor no
 * longer mentioned). Most rows of a recomputed text stay as they are, and writing them again cost most of a
 * recount's time (docs/decisions/028-mentions.md).
 */
export async function rewriteMentions(
  tx: ManagedTransaction,
  sources: readonly { key: string; length: number }[],
  mentionsOf: (page: readonly { key: string; text: string }[]) => Promise<MentionRow[][]>,
): Promise<MentionRewrite> {
  const done: MentionRewrite = { written: 0, removed: 0 };
  for (let first = 0; first < sources.length; ) {
    const page: string[] = [];
    for (let size = 0; first < sources.length && (page.length === 0 || size < pageCodePoints); first += 1) {
      const source = sources[first] as { key: string; length: number };
      page.push(source.key);
      size += source.length;
    }
    const written: MentionRow[] = [];
    const removed: string[] = [];
    const texts = await textsWithMentions(tx, page);
    const found = await mentionsOf(texts);
    for (const [i, { rows }] of texts.entries()) {
      const stored = new Map(rows.map((row) => [row.actorId, row]));
      for (const row of found[i] ?? []) {
        const was = stored.get(row.actorId);
        stored.delete(row.actorId);
        if (!was || !sameOffsets(was.starts, row.starts) || !sameOffsets(was.ends, row.ends))
          written.push(row);
      }
      for (const row of stored.values()) removed.push(row.id);
    }
    await removeMentions(tx, removed);
    await createMentions(tx, written);
    done.written += written.length;
    done.removed += removed.length;
  }
  return done;
}
