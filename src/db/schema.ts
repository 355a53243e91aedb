import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import neo4j from "neo4j-driver";
import { projectRoot } from "../domain/project.js";
import type { Logger } from "../logger.js";
import type { Database } from "./database.js";
import { refreshSearchFields } from "./search.js";

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
 * `indexWaitSeconds` (60 by default; an import populates its indexes here, which takes minutes at 1M relations), then brings the records' search
 * fields up to date (src/db/search.ts refreshSearchFields).
 */
export async function applySchema(
  db: Database,
  log: Logger,
  { indexWaitSeconds = 60 }: { indexWaitSeconds?: number } = {},
): Promise<number> {
  const files = (await readdir(schemaDir)).filter((file) => file.endsWith(".cypher")).sort();
  let applied = 0;
  for (const file of files) {
    for (const statement of cypherStatements(await readFile(path.join(schemaDir, file), "utf8"))) {
      try {
        await db.driver.executeQuery(statement, {}, { database: db.name });
      } catch (error) {
        throw new Error(`schema/${file}: ${(error as Error).message}\n  in: ${statement}`);
      }
      applied += 1;
    }
  }
  await db.driver.executeQuery(
    "CALL db.awaitIndexes($seconds)",
    { seconds: neo4j.int(indexWaitSeconds) },
    { database: db.name },
  );
  // Records written before the search analysis changed get its fields anew.
  await refreshSearchFields(db, log);
  log.info({ statements: applied, files }, "Schema applied");
  return applied;
}
