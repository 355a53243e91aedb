import { type Config, ConfigError, loadConfig } from "./config.js";
import type { Database } from "./db/database.js";
import { openDatabase } from "./db/open.js";
import { applySchema } from "./db/schema.js";
import { DomainError } from "./domain/errors.js";
import { createLogger, type Logger } from "./logger.js";
import { SeedError } from "./seed/read.js";

/**
 * Runs a one-shot command against the configured Neo4j (starting the embedded one if NEO4J_URI is unset):
 * schema applied first, everything stopped after. Expected failures (bad configuration, a rejected seed)
 * print their message alone and exit 1; anything else shows its stack.
 */
export async function runCommand(
  work: (context: { db: Database; config: Config; log: Logger }) => Promise<void>,
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  const log = createLogger({
    level: config.logLevel === "info" ? "warn" : config.logLevel,
    format: config.logFormat,
  });
  let exitCode = 0;
  const database = await openDatabase(config, log).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
  try {
    await applySchema(database.db, log);
    await work({ db: database.db, config, log });
  } catch (error) {
    // Rejected input is the user's to fix: its message names every problem, after its code (NOT_FOUND, ...);
    // anything else shows its stack.
    if (error instanceof DomainError) console.error(`${error.code}: ${error.message}`);
    else console.error(error instanceof SeedError ? error.message : error);
    exitCode = 1;
  } finally {
    await database.close();
  }
  process.exit(exitCode);
}
