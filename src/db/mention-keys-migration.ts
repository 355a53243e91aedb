import neo4j from "neo4j-driver";
import { mentionKeys } from "../domain/mentions.js";
import type { Logger } from "../logger.js";
import type { Database } from "./database.js";
import { migrationDone, recordMigration } from "./source-date-migration.js";

/**
 * Every actor carries its mention keys (src/domain/mentions.ts mentionKeys), by which a recount of mentions finds
 * the actors a text may mention (docs/decisions/028-mentions.md). Actors an older writer stored get them once per
 * database, at start-up (src/db/schema.ts applySchema); writes made after carry them (src/seed/rows.ts actorRow).
 */

/** The id of this migration's Migration node, which records that it ran. */
export const mentionKeysMigration = "actor-mention-keys";
/** Actors read and written per transaction. */
const migrationBatch = 5000;

/**
 * Writes the mention keys of every actor, in batches by key, then records the migration; a no-op (one read) once
 * recorded. Answers the actors written, or null when it had already run.
 */
export async function migrateMentionKeys(db: Database, log: Logger): Promise<{ written: number } | null> {
  if (await migrationDone(db, mentionKeysMigration)) return null;
  let written = 0;
  for (let after = ""; ; ) {
    const { records } = await db.read(
      `MATCH (a:Actor) WHERE a.id > $after
       RETURN a.id AS id, [a.name] + coalesce(a.aliases, []) AS names ORDER BY a.id LIMIT $limit`,
      { after, limit: neo4j.int(migrationBatch) },
    );
    if (records.length === 0) break;
    const rows = records.map((r) => ({ id: r.get("id") as string, keys: mentionKeys(r.get("names")) }));
    await db.writeTransaction((tx) =>
      tx.run("UNWIND $rows AS row MATCH (a:Actor {id: row.id}) SET a.mentionKeys = row.keys", { rows }),
    );
    written += rows.length;
    after = rows.at(-1)?.id as string;
  }
  await recordMigration(db, mentionKeysMigration, { written });
  if (written > 0) log.info({ written }, "Actors' mention keys written");
  return { written };
}

/** Records that every actor carries its mention keys: for a database imported from this code's rows. */
export const markMentionKeysCurrent = (db: Database) =>
  recordMigration(db, mentionKeysMigration, { written: 0 });
