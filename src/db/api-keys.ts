import neo4j from "neo4j-driver";
import type { Database } from "./database.js";

/**
 * The Cypher of API keys stored in the graph (decision record 029): one `ApiKey` node per key, unique by name and
 * by hash (schema/api-keys.cypher), holding the SHA-256 of the key in hex, never the key. A key is never deleted:
 * revoking it sets `revokedAt` and `revokedBy`, so its name, which the history of writes shows as their author,
 * keeps naming one holder. Keys are outside the graph's write lock: they are no part of what analysts write.
 */

/** A stored key as answers show it: no hash. Dates are ISO 8601 (UTC); null where it never happened. */
export interface StoredApiKey {
  name: string;
  role: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** A key found by its hash, as authentication needs it. */
export interface KeyByHash {
  name: string;
  role: string;
  /** When it was revoked (ISO 8601), or null for a live key. */
  revokedAt: string | null;
  /** Whether its `lastUsedAt` is missing or older than the interval asked: time to record a use. */
  useStale: boolean;
}

const shown = `k { .name, .role, .createdBy, .revokedBy, createdAt: toString(k.createdAt),
  lastUsedAt: toString(k.lastUsedAt), revokedAt: toString(k.revokedAt) }`;

/**
 * The keys whose hashes are `hashes` (64 hex digits each), live or revoked, in the same order, null where none
 * is stored: one round trip, one index seek per hash (the uniqueness constraint on the hash).
 * `useIntervalSeconds` decides each `useStale`.
 */
export async function keysByHash(
  db: Database,
  hashes: readonly string[],
  useIntervalSeconds: number,
): Promise<(KeyByHash | null)[]> {
  const { records } = await db.read(
    `UNWIND $hashes AS hash
     MATCH (k:ApiKey {hash: hash})
     RETURN hash, k.name AS name, k.role AS role, toString(k.revokedAt) AS revokedAt,
            coalesce(k.lastUsedAt < datetime() - duration({seconds: $seconds}), true) AS useStale`,
    { hashes, seconds: neo4j.int(useIntervalSeconds) },
  );
  const found = new Map(
    records.map((record) => [
      record.get("hash") as string,
      {
        name: record.get("name"),
        role: record.get("role"),
        revokedAt: record.get("revokedAt"),
        useStale: record.get("useStale"),
      },
    ]),
  );
  return hashes.map((hash) => found.get(hash) ?? null);
}

/**
 * Stores a new key, unless a key of that name exists (live or revoked): the existing one is then answered with
 * `created: false` and nothing is written. MERGE on the unique name locks it, so two creations at once store one.
 */
export async function createKey(
  db: Database,
  key: { name: string; role: string; hash: string; createdBy: string },
): Promise<{ created: boolean; key: StoredApiKey }> {
  return db.writeTransaction(async (tx) => {
    const { records } = await tx.run(
      `MERGE (k:ApiKey {name: $name})
       ON CREATE SET k.role = $role, k.hash = $hash, k.createdBy = $createdBy, k.createdAt = datetime()
       RETURN k.hash = $hash AS created, ${shown} AS key`,
      key,
    );
    const record = records[0];
    if (!record) throw new Error("MERGE of an API key returned no row");
    return { created: record.get("created"), key: record.get("key") };
  });
}

/** The stored keys, live ones first, each group oldest first; at most `limit`. */
export async function listKeys(db: Database, limit: number): Promise<StoredApiKey[]> {
  const { records } = await db.read(
    `MATCH (k:ApiKey) RETURN ${shown} AS key
     ORDER BY k.revokedAt IS NOT NULL, k.createdAt, k.name LIMIT $limit`,
    { limit: neo4j.int(limit) },
  );
  return records.map((record) => record.get("key"));
}

/**
 * Revokes the key named `name`: "missing" when none is stored, else the key and whether it had already been
 * revoked (then it is left as it was, with its first revocation).
 */
export async function revokeKey(
  db: Database,
  name: string,
  revokedBy: string,
): Promise<"missing" | { already: boolean; key: StoredApiKey }> {
  return db.writeTransaction(async (tx) => {
    const { records } = await tx.run(
      `MATCH (k:ApiKey {name: $name})
       WITH k, k.revokedAt IS NOT NULL AS already
       FOREACH (_ IN CASE WHEN already THEN [] ELSE [1] END |
         SET k.revokedAt = datetime(), k.revokedBy = $revokedBy)
       RETURN already, ${shown} AS key`,
      { name, revokedBy },
    );
    const record = records[0];
    return record ? { already: record.get("already"), key: record.get("key") } : "missing";
  });
}

/**
 * Records that the key whose hash is `hash` was used now, unless a use less than `useIntervalSeconds` ago is
 * recorded already (by this replica or another): at most one write per key and interval.
 */
export async function recordKeyUse(db: Database, hash: string, useIntervalSeconds: number): Promise<void> {
  await db.writeTransaction((tx) =>
    tx.run(
      `MATCH (k:ApiKey {hash: $hash})
       WHERE k.lastUsedAt IS NULL OR k.lastUsedAt < datetime() - duration({seconds: $seconds})
       SET k.lastUsedAt = datetime()`,
      { hash, seconds: neo4j.int(useIntervalSeconds) },
    ),
  );
}
