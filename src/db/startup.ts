import neo4j, { Neo4jError } from "neo4j-driver";
import type { Logger } from "../logger.js";
import { type Database, DatabaseNotAnswering } from "./database.js";

/** Attempts of a start-up step whose failures are transient. */
const startupAttempts = 3;
/** Wait before the first retry of a start-up step, in milliseconds; it doubles for the next. */
const firstRetryDelayMs = 2000;

/** A start-up step that failed: the message names the step, and the setting to change when there is one. */
export class StartupError extends Error {
  override name = "StartupError";
}

/** The errors of `error`'s cause chain, itself first. */
function* causes(error: unknown): Generator<unknown> {
  for (let cause = error; cause; cause = (cause as { cause?: unknown }).cause) yield cause;
}

/** Whether the database ran out of time for the step: its own transaction timeout, or no answer at all. */
const timedOut = (error: unknown) =>
  [...causes(error)].some(
    (cause) =>
      cause instanceof DatabaseNotAnswering ||
      (cause instanceof Neo4jError && cause.code.includes("TransactionTimedOut")),
  );

/** Whether trying again may succeed: the driver's rule (unreachable, deadlock, leader switch ...). */
const transient = (error: unknown) => [...causes(error)].some((cause) => neo4j.isRetryableError(cause));

/**
 * Runs start-up step `step` ("schema", "seed load") with `work` on `db.forStartup()`, whose transactions may
 * take STARTUP_TIMEOUT_MS rather than the per-request QUERY_TIMEOUT_MS. A transient failure (the database
 * unreachable a moment, a deadlock) is tried again, 3 attempts in all, after 2 s then 4 s, each retry logged.
 * @throws StartupError naming the step and STARTUP_TIMEOUT_MS when the step ran out of time, or naming the step
 *   when its attempts are spent (the database's error as its cause); any other error as `work` threw it (a seed
 *   file's problems, a full disk).
 */
export async function startupStep<T>(
  step: string,
  db: Database,
  log: Logger,
  work: (db: Database) => Promise<T>,
): Promise<T> {
  const startup = db.forStartup();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work(startup);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (timedOut(error)) {
        throw new StartupError(
          `Start-up step "${step}" did not finish within STARTUP_TIMEOUT_MS (${startup.queryTimeoutMs} ms); ` +
            `raise STARTUP_TIMEOUT_MS on a slow or busy machine. The database said: ${reason}`,
          { cause: error },
        );
      }
      if (!transient(error)) throw error;
      if (attempt === startupAttempts) {
        throw new StartupError(
          `Start-up step "${step}" failed ${attempt} times on a transient database error; is Neo4j up ` +
            `(NEO4J_URI, NEO4J_CONNECT_TIMEOUT_S)? The database said: ${reason}`,
          { cause: error },
        );
      }
      const delayMs = firstRetryDelayMs * 2 ** (attempt - 1);
      log.warn(
        { step, attempt, reason },
        `Start-up step "${step}" failed; trying again in ${delayMs / 1000} s`,
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
