import neo4j from "neo4j-driver";
import { dateProperties } from "../domain/dates.js";
import { dateProblem, show } from "../domain/grammar.js";
import type { Logger } from "../logger.js";
import type { Database } from "./database.js";

/**
 * A source's publication date is stored as relations store theirs (src/domain/dates.ts dateProperties): the
 * value as written (`published`, "YYYY", "YYYY-MM" or "YYYY-MM-DD"), its precision (`publishedPrecision`) and
 * its first day as a DATE (`publishedDate`), which the time filters and timelines compare. A source an older
 * writer stored (a bare `published` string, a DATE or DATETIME value, an ISO date-time) is rewritten to that
 * form once per database, at start-up (src/db/schema.ts applySchema). docs/decisions/027-source-provenance.md.
 */

/** The id of this migration's Migration node, which records that it ran. */
export const sourceDatesMigration = "source-published-partial-dates";
/** Sources read and written per transaction. */
const migrationBatch = 2000;

interface StoredDate {
  id: string;
  published: unknown;
  precision: unknown;
  date: unknown;
}

/**
 * The partial date an older stored `published` value stands for: a partial date string as it is, the day of
 * an ISO date-time string ("2021-11-11T08:00:00Z") or of a Neo4j DATE, DATETIME or LOCAL DATETIME; null when it
 * reads as no calendar date (it is then left as it is: no date is invented).
 */
export function storedPartialDate(value: unknown): string | null {
  let candidate: string | null = null;
  if (typeof value === "string") candidate = /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : value;
  else if (neo4j.isDate(value) || neo4j.isDateTime(value) || neo4j.isLocalDateTime(value)) {
    candidate = `${String(value.year).padStart(4, "0")}-${String(value.month).padStart(2, "0")}-${String(value.day).padStart(2, "0")}`;
  }
  return candidate !== null && dateProblem(candidate) === null ? candidate : null;
}

/** Whether this database's Migration node says that `id` ran. */
export async function migrationDone(db: Database, id: string): Promise<boolean> {
  const { records } = await db.read("MATCH (m:Migration {id: $id}) RETURN m.id AS id", { id });
  return records.length > 0;
}

/**
 * Records that migration `id` ran (or need not run), with what it did; no time, so that two databases that hold
 * the same records compare equal.
 */
export async function recordMigration(
  db: Database,
  id: string,
  figures: Record<string, number>,
): Promise<void> {
  await db.writeTransaction((tx) =>
    tx.run("MERGE (m:Migration {id: $id}) SET m += $figures", { id, figures }),
  );
}

/** Up to `limit` sources after key `after`, in key order, with their stored publication date properties. */
async function storedSourceDates(db: Database, after: string, limit: number): Promise<StoredDate[]> {
  const { records } = await db.read(
    `MATCH (s:Source) WHERE s.id > $after
     RETURN s.id AS id, s.published AS published, s.publishedPrecision AS precision, s.publishedDate AS date
     ORDER BY s.id LIMIT $limit`,
    { after, limit: neo4j.int(limit) },
  );
  return records.map((r) => r.toObject() as StoredDate);
}

/** Sets the publication date properties of sources by key; a null property is removed. */
async function writeSourceDates(db: Database, rows: Record<string, unknown>[]): Promise<void> {
  await db.writeTransaction((tx) =>
    tx.run(
      `UNWIND $rows AS row MATCH (s:Source {id: row.id})
       SET s.published = row.published, s.publishedPrecision = row.publishedPrecision,
           s.publishedDate = row.publishedDate`,
      { rows },
    ),
  );
}

/**
 * Rewrites every source whose stored publication date is not in the current form, in batches of 2,000 by key,
 * then records the migration; a no-op (one read) once recorded. A value that reads as no date is left as it
 * is and logged with its source. Answers the sources rewritten and left, or null when it had already run.
 */
export async function migrateSourceDates(
  db: Database,
  log: Logger,
): Promise<{ rewritten: number; unreadable: number } | null> {
  if (await migrationDone(db, sourceDatesMigration)) return null;
  let rewritten = 0;
  let unreadable = 0;
  for (let after = ""; ; ) {
    const batch = await storedSourceDates(db, after, migrationBatch);
    if (batch.length === 0) break;
    const rows = batch.flatMap((stored) => {
      if (stored.published === null) return [];
      const value = storedPartialDate(stored.published);
      if (value === null) {
        unreadable += 1;
        log.warn({ source: stored.id, published: show(String(stored.published)) }, "Source date unreadable");
        return [];
      }
      const wanted = dateProperties("published", value, "first");
      const current =
        stored.published === wanted.published &&
        stored.precision === wanted.publishedPrecision &&
        String(stored.date) === String(wanted.publishedDate);
      return current ? [] : [{ id: stored.id, ...wanted }];
    });
    if (rows.length > 0) await writeSourceDates(db, rows);
    rewritten += rows.length;
    after = batch.at(-1)?.id as string;
  }
  await recordMigration(db, sourceDatesMigration, { rewritten, unreadable });
  if (rewritten + unreadable > 0) log.info({ rewritten, unreadable }, "Source dates migrated");
  return { rewritten, unreadable };
}

/** Records that every source's date is in the current form: for a database imported from this code's rows. */
export const markSourceDatesCurrent = (db: Database) =>
  recordMigration(db, sourceDatesMigration, { rewritten: 0, unreadable: 0 });
