import type { ManagedTransaction } from "neo4j-driver";

/**
 * The Cypher of a source's provenance writes (src/ingest/sources.ts): who holds a web address, a source's
 * metadata as it stands, and its correction. Each runs inside the caller's transaction, under the write lock.
 */

type Reader = Pick<ManagedTransaction, "run">;

/** A source's metadata as stored: everything an editor may correct (updateSource), never its text. */
export interface SourceMetadata {
  title: string | null;
  publisher: string | null;
  author: string | null;
  /** "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
  published: string | null;
  language: string;
  url: string | null;
  /** "YYYY-MM-DD". */
  retrievedOn: string | null;
}

/** The stored sources whose web address is one of `urls` (normalised): at most one each (schema constraint). */
export async function sourcesAtUrls(
  tx: Reader,
  urls: readonly string[],
): Promise<{ key: string; url: string }[]> {
  const { records } = await tx.run(
    "UNWIND $urls AS url MATCH (s:Source {url: url}) RETURN s.id AS key, s.url AS url",
    { urls },
  );
  return records.map((r) => ({ key: r.get("key") as string, url: r.get("url") as string }));
}

/** The metadata of source `key`, or null when there is no such source. */
export async function sourceMetadata(tx: Reader, key: string): Promise<SourceMetadata | null> {
  const { records } = await tx.run(
    `MATCH (s:Source {id: $key})
     RETURN s { .title, .publisher, .author, .published, .language, .url, .retrievedOn } AS metadata`,
    { key },
  );
  return (records[0]?.get("metadata") as SourceMetadata | undefined) ?? null;
}

/**
 * Sets properties of source `key` (src/seed/rows.ts sourceMetadataProperties); a null one is removed. Never
 * its text, its length or its search field: the text is immutable.
 */
export async function setSourceMetadata(
  tx: ManagedTransaction,
  key: string,
  properties: Record<string, unknown>,
): Promise<void> {
  await tx.run("MATCH (s:Source {id: $key}) SET s += $properties", { key, properties });
}
