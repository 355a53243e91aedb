import { GraphQLError } from "graphql";
import { shortened } from "../domain/text.js";
import type { Logger } from "../logger.js";
import { maskError } from "./errors.js";

/**
 * How failures reach the log: sized, and at the level of whose they are. A client's error (a refusal, an unknown
 * key, a conflict: what the client can act on) is an `info` line without a stack; the service refusing work under
 * load (OVERLOADED, QUERY_TIMEOUT) a `warn` line without one; a failure of the service or the database an `error`
 * line with its stack. Every message is cut to `loggedMessagePoints` code points and a stack to
 * `loggedStackPoints`, so that a line never grows with what a client sent.
 */

/** Most code points of an error's message in a log line. */
export const loggedMessagePoints = 300;
/** Most code points of a stack in a log line. */
export const loggedStackPoints = 4_000;

type Level = "info" | "warn" | "error";

/** Codes of the service's refusals under load: not the client's fault, not a failure either. */
const loadCodes = new Set(["OVERLOADED", "QUERY_TIMEOUT"]);

/** The level of `error` as the client is answered (src/http/errors.ts maskError decides the code). */
export function levelOf(error: unknown): Level {
  const masked = maskError(error, "Unexpected error.", false);
  if (!(masked instanceof GraphQLError)) return "error";
  const code = masked.extensions.code as string | undefined;
  if (code === undefined || code === "INTERNAL_SERVER_ERROR" || code === "SERVICE_UNAVAILABLE")
    return "error";
  if (masked.extensions.unexpected) return "error";
  return loadCodes.has(code) ? "warn" : "info";
}

/** The error that explains `error`: the one a GraphQL error carries, else itself. */
const originalOf = (error: unknown): unknown =>
  error instanceof GraphQLError && error.originalError ? originalOf(error.originalError) : error;

/**
 * Logs `error` at its level (levelOf) as `msg`, with `fields` beside it and, under `error`, its type, code and
 * message cut, and for a failure of the service its stack cut too.
 */
export function logFailure(
  log: Logger,
  error: unknown,
  msg: string,
  fields: Record<string, unknown> = {},
): void {
  const level = levelOf(error);
  const original = originalOf(error);
  const message = original instanceof Error ? original.message : String(original);
  const err: Record<string, unknown> = {
    type: original instanceof Error ? original.name : typeof original,
    message: shortened(message, loggedMessagePoints),
  };
  const code = (original as { code?: unknown } | null)?.code;
  if (typeof code === "string") err.code = shortened(code, loggedMessagePoints);
  if (level === "error" && original instanceof Error && original.stack) {
    // The stack starts with the message: cut there too, so that the frames stay.
    const stack = original.stack.startsWith(`${original.name}: ${message}`)
      ? `${original.name}: ${err.message}${original.stack.slice(original.name.length + 2 + message.length)}`
      : original.stack;
    err.stack = shortened(stack, loggedStackPoints);
  }
  // Under `error`, not pino's `err`, whose serializer would add the stack back.
  log[level]({ ...fields, error: err }, msg);
}

/**
 * The logger graphql-yoga reports to: the errors it masks (every failure of a request) through logFailure, its
 * other lines (debug notes) cut.
 */
export function yogaLogger(log: Logger) {
  const text = (args: unknown[]) => shortened(args.map(String).join(" "), loggedMessagePoints);
  return {
    // Yoga notes each step of every request at debug: nothing is built for a level that is off.
    debug: (...args: unknown[]) => {
      if (log.isLevelEnabled("debug")) log.debug(text(args));
    },
    info: (...args: unknown[]) => log.info(text(args)),
    warn: (...args: unknown[]) => log.warn(text(args)),
    error: (...args: unknown[]) => {
      const [first] = args;
      if (first instanceof Error) logFailure(log, first, "GraphQL request failed");
      else log.error(text(args));
    },
  };
}
