import neo4j from "neo4j-driver";
import type { Logger } from "../logger.js";
import type { Database } from "./database.js";
import { migrationDone, recordMigration } from "./source-date-migration.js";
import { type ChangeRecord, lockGraph } from "./writes.js";

/**
 * The history of changes read as an ordered log (docs/decisions/039-subscriptions.md): each `Change` carries a
 * `sequence`, 1, 2, 3... in commit order, given under the write lock by recordChange (./writes.ts), and the lock
 * node keeps the last one given (`lastChange`). A reader that has seen every change up to n reads the next ones
 * as `sequence > n` and misses none: a number is given only while the lock is held, so no change with a smaller
 * number can commit after one with a larger.
 */

/** A committed change as subscribers receive it: its history entry and what they filter it by. */
export interface LoggedChange extends ChangeRecord {
  /** The types of the relations among its targets (as they are now), for a filter by relation type. */
  relationTypes: string[];
  /** The proposals it decided (linked by DECIDED); an intake's own are in its details. */
  decided: string[];
}

/**
 * The changes after sequence number `after`, oldest first, at most `limit`, and the last number given so far
 * (0 for an empty history). One round trip through `db`, whose timeout bounds it.
 */
export async function changesAfter(
  db: Database,
  after: number,
  limit: number,
): Promise<{ last: number; changes: LoggedChange[] }> {
  const { records } = await db.read(
    `OPTIONAL MATCH (l:WriteLock {id: 'graph'})
     WITH coalesce(l.lastChange, 0) AS last
     CALL () {
       MATCH (c:Change) WHERE c.sequence > $after
       WITH c ORDER BY c.sequence LIMIT $limit
       RETURN collect(c { .*, at: toString(c.at),
         relationTypes: COLLECT { UNWIND c.targets AS key MATCH ()-[r:RELATION {id: key}]->() RETURN DISTINCT r.type },
         decided: COLLECT { MATCH (c)-[:DECIDED]->(p:Proposal) RETURN p.id } }) AS changes
     }
     RETURN last, changes`,
    { after: neo4j.int(after), limit: neo4j.int(limit) },
  );
  const record = records[0];
  return { last: Number(record?.get("last") ?? 0), changes: record?.get("changes") ?? [] };
}

/** The last sequence number given so far (0 for an empty history): one read of the lock node. */
export async function lastChangeSequence(db: Database): Promise<number> {
  const { records } = await db.read(
    "OPTIONAL MATCH (l:WriteLock {id: 'graph'}) RETURN coalesce(l.lastChange, 0) AS last",
  );
  return Number(records[0]?.get("last") ?? 0);
}

/** The id of this migration's Migration node, which records that it ran. */
export const changeSequenceMigration = "change-sequence";
/** Changes numbered per transaction. */
const migrationBatch = 5000;

/**
 * Numbers the changes an older writer stored without a sequence, oldest first (by time, then id), after the
 * last number given, in batches that each hold the write lock; then records the migration: a no-op (one read)
 * once recorded. Runs at start-up (src/db/schema.ts applySchema). Answers the changes numbered, or null when it
 * had already run.
 */
export async function migrateChangeSequence(db: Database, log: Logger): Promise<{ numbered: number } | null> {
  if (await migrationDone(db, changeSequenceMigration)) return null;
  let numbered = 0;
  for (;;) {
    const n = await db.writeTransaction(async (tx) => {
      await lockGraph(tx);
      const { records } = await tx.run(
        `MATCH (l:WriteLock {id: 'graph'})
         WITH l, coalesce(l.lastChange, 0) AS last
         CALL () {
           MATCH (c:Change) WHERE c.sequence IS NULL
           WITH c ORDER BY c.at, c.id LIMIT $limit
           RETURN collect(c) AS batch
         }
         UNWIND range(0, size(batch) - 1) AS i
         WITH l, last, i, batch[i] AS c
         SET c.sequence = last + i + 1
         WITH l, last, count(*) AS n
         SET l.lastChange = last + n
         RETURN n`,
        { limit: neo4j.int(migrationBatch) },
      );
      return Number(records[0]?.get("n") ?? 0);
    });
    numbered += n;
    if (n < migrationBatch) break;
  }
  await recordMigration(db, changeSequenceMigration, { numbered });
  if (numbered > 0) log.info({ numbered }, "History numbered in commit order");
  return { numbered };
}
