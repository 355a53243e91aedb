import { type Config, ConfigError, loadConfig } from "../config.js";
import type { Database } from "../db/database.js";
import { openDatabase } from "../db/open.js";
import { applySchema } from "../db/schema.js";
import { StartupError } from "../db/startup.js";
import { DomainError } from "../domain/errors.js";
import { createLogger, type Logger } from "../logger.js";
import { SeedError } from "../seed/read.js";

/**
 * A command that cannot run as asked (a command line it cannot use, a database it cannot reach): its message is
 * printed alone and the command exits 2, the status of "could not run" (1 is "ran, and refused or found problems").
 */
export class CommandError extends Error {
  override name = "CommandError";
}

/** What every command gets: the configuration (environment and .env) and a logger. */
export interface CommandContext {
  config: Config;
  log: Logger;
}

/** What a command that works on the graph gets besides: the configured Neo4j, open. */
export interface DatabaseCommandContext extends CommandContext {
  db: Database;
}

/** How a command runs. */
export interface CommandOptions {
  /** The logger's level; by default the configured one, with `info` lowered to `warn` so output stays the command's. */
  logLevel?: string;
}

/** A command's work; a number it returns (or resolves to) is the exit status, 1 for "found problems"; else 0. */
type Work<C> = (context: C) => unknown;

/**
 * Runs a one-shot command: reads the configuration, runs `work`, and exits with its status. Failures end the
 * same way in every command: rejected input (a domain error, printed after its code, or a seed file's problems)
 * prints its message alone and exits 1; a bad configuration, a {@link CommandError} or a start-up step out of time
 * (StartupError) prints its message alone and exits 2; anything else shows its stack and exits 2.
 */
export async function runCommand(work: Work<CommandContext>, options: CommandOptions = {}): Promise<never> {
  let exitCode = 2;
  try {
    const config = loadConfig();
    const log = createLogger({
      level: options.logLevel ?? (config.logLevel === "info" ? "warn" : config.logLevel),
      format: config.logFormat,
    });
    const status = await work({ config, log });
    exitCode = typeof status === "number" ? status : 0;
  } catch (error) {
    if (error instanceof DomainError) console.error(`${error.code}: ${error.message}`);
    else if (
      error instanceof ConfigError ||
      error instanceof CommandError ||
      error instanceof SeedError ||
      error instanceof StartupError
    ) {
      console.error(error.message);
    } else console.error(error);
    if (error instanceof DomainError || error instanceof SeedError) exitCode = 1;
  }
  process.exit(exitCode);
}

/**
 * Runs `work` on the configured Neo4j (starting the embedded one if NEO4J_URI is unset): the schema applied
 * first unless `options.readOnly`, the database closed after, whatever happened.
 * @throws CommandError when the database cannot be opened; whatever `work` throws.
 */
export async function withDatabase<T>(
  { config, log }: CommandContext,
  work: (db: Database) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  const database = await openDatabase(config, log).catch((error: Error) => {
    throw new CommandError(error.message);
  });
  try {
    if (!options.readOnly) await applySchema(database.db, log);
    return await work(database.db);
  } finally {
    await database.close();
  }
}

/** {@link runCommand} of a command whose whole work is on the graph ({@link withDatabase}). */
export function runDatabaseCommand(
  work: Work<DatabaseCommandContext>,
  options: CommandOptions & { readOnly?: boolean } = {},
): Promise<never> {
  return runCommand(
    (context) => withDatabase(context, async (db) => work({ ...context, db }), options),
    options,
  );
}
