import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import neo4j from "neo4j-driver";
import { projectRoot } from "../domain/project.js";
import type { Logger } from "../logger.js";
import { migrateChangeSequence } from "./change-log.js";
import type { Database } from "./database.js";
import { migrateMentionKeys } from "./mention-keys-migration.js";
import { refreshSearchFields } from "./search.js";
import { migrateSourceDates } from "./source-date-migration.js";
import { startupStep } from "./startup.js";

export const schemaDir = path.join(projectRoot, "schema");

/** Splits a Cypher file into statements: `//` comment lines dropped, statements end with `;`. */
export function cypherStatements(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n")
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

/**
 * Applies every `schema/*.cypher` file in name order, then waits for the indexes to come online, at most
 * `indexWaitSeconds` (60 by default; an import populates its indexes here, which takes minutes at 1M relations),
 * then brings the records' search fields up to date (src/db/search.ts refreshSearchFields) and the sources'
 * stored dates to their current form (src/db/source-date-migration.ts migrateSourceDates). It is the start-up
 * step "schema" (startupStep): its transactions have STARTUP_TIMEOUT_MS, or longer for the index wait, and a
 * transient failure is tried again.
 */
export async function applySchema(
  db: Database,
  log: Logger,
  { indexWaitSeconds = 60 }: { indexWaitSeconds?: number } = {},
): Promise<number> {
  const files = (await readdir(schemaDir)).filter((file) => file.endsWith(".cypher")).sort();
  const texts = await Promise.all(files.map((file) => readFile(path.join(schemaDir, file), "utf8")));
  const applied = await startupStep("schema", db, log, async (startup) => {
    const transactionConfig = { timeout: startup.queryTimeoutMs };
    let statements = 0;
    for (const [i, file] of files.entries()) {
      for (const statement of cypherStatements(texts[i] as string)) {
        try {
          await startup.driver.executeQuery(statement, {}, { database: startup.name, transactionConfig });
        } catch (error) {
          throw new Error(`schema/${file}: ${(error as Error).message}\n  in: ${statement}`, {
            cause: error,
          });
        }
        statements += 1;
      }
    }
    await startup.driver.executeQuery(
      "CALL db.awaitIndexes($seconds)",
      { seconds: neo4j.int(indexWaitSeconds) },
      // The wait's own bound decides, not the transaction's.
      {
        database: startup.name,
        transactionConfig: { timeout: Math.max(startup.queryTimeoutMs, (indexWaitSeconds + 60) * 1000) },
      },
    );
    // Records written before the search analysis changed get its fields anew.
    await refreshSearchFields(startup, log);
    // Sources stored before their dates took the relations' form get it, once.
    await migrateSourceDates(startup, log);
    // Actors stored before mentions were found through their mention keys get them, once.
    await migrateMentionKeys(startup, log);
    // Changes recorded before the history was numbered get their place in it, once.
    await migrateChangeSequence(startup, log);
    return statements;
  });
  log.info({ statements: applied, files }, "Schema applied");
  return applied;
}
