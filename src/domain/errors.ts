import { limits, show } from "./grammar.js";
import { shortened } from "./text.js";

/**
 * The service's errors, one vocabulary for every caller: the GraphQL resolvers, the write service, the
 * database layer and the command-line tools throw these, never a GraphQL error. Each has a code a client
 * can act on and the figures that explain it (`details`). The HTTP edge (src/http/errors.ts) maps each code,
 * once, to a GraphQL error's `extensions.code` and an HTTP status; the CLI prints the message.
 */

/** What went wrong, as a client can act on it. */
export type ErrorCode =
  /** An argument or input outside what it may be (its format, its range, another argument). */
  | "BAD_USER_INPUT"
  /** A key that names nothing. */
  | "NOT_FOUND"
  /** A write that contradicts the graph as it stands (a retracted relation, a client key used for another write). */
  | "CONFLICT"
  /** A key whose role is too low for the operation. */
  | "FORBIDDEN"
  /** No key, or a key that is not valid, where one is needed. */
  | "UNAUTHENTICATED"
  /** A request over one of the service's limits; it fails again until narrowed. */
  | "LIMIT_EXCEEDED"
  /** A request that ran out of time; it may well time out again. */
  | "QUERY_TIMEOUT"
  /** The database cannot answer now; the same request may succeed shortly. */
  | "SERVICE_UNAVAILABLE"
  /** The service has as much work in flight as it takes; the same request may succeed in a moment. */
  | "OVERLOADED"
  /** Too many failed attempts from one client (wrong API keys); refused until the time `details` gives. */
  | "RATE_LIMITED"
  /** The database's disk has no room for writes; writes succeed again once space is freed. */
  | "STORAGE_FULL"
  /** A subscriber that read its events more slowly than they came was dropped; resubscribe with its last cursor. */
  | "SLOW_CONSUMER";

/** An error a client caused or can act on: a code, a message that says what to do, and its figures. */
export class DomainError extends Error {
  override name = "DomainError";

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Figures and names that explain the error (a limit, a key, suggestions), shown to clients as they are. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) =>
  new DomainError("BAD_USER_INPUT", message, details);

/**
 * A `what` with key `key` that does not exist. `argument` names the argument or input field that named it;
 * `suggestions` are up to three existing keys close to it, offered as "did you mean". The key is echoed cut as
 * show() cuts values (40 code points) in the message, and to the longest key there can be in `details`.
 */
export function notFound(
  what: string,
  key: string,
  { argument, suggestions = [] }: { argument?: string; suggestions?: readonly string[] } = {},
): DomainError {
  const where = argument === undefined ? "" : ` (${argument})`;
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?` : "";
  return new DomainError("NOT_FOUND", `No ${what} with key ${show(key)}${where}${hint}`, {
    key: shortened(key, limits.key),
    ...(argument === undefined ? {} : { argument }),
    ...(suggestions.length > 0 ? { suggestions: [...suggestions] } : {}),
  });
}

export const conflict = (message: string) => new DomainError("CONFLICT", message);

export const forbidden = (message: string) => new DomainError("FORBIDDEN", message);

export const unauthenticated = (message: string) => new DomainError("UNAUTHENTICATED", message);

/** A request over one of the service's limits: `details` says which, with the figures. */
export const limitExceeded = (message: string, details: Record<string, number> = {}) =>
  new DomainError("LIMIT_EXCEEDED", message, details);

export const queryTimeout = (message: string) => new DomainError("QUERY_TIMEOUT", message);

export const serviceUnavailable = (message: string) => new DomainError("SERVICE_UNAVAILABLE", message);

/** A request the service had no room for: `details` gives the figures of what is in flight. */
export const overloaded = (message: string, details: Record<string, number>) =>
  new DomainError("OVERLOADED", message, details);

/** A client refused for a while after too many failed attempts: `details` gives the figures and the wait. */
export const rateLimited = (message: string, details: Record<string, number>) =>
  new DomainError("RATE_LIMITED", message, details);

/** A write refused because the database's disk is (nearly) full: `details` gives the free and reserved MiB. */
export const storageFull = (message: string, details: Record<string, number>) =>
  new DomainError("STORAGE_FULL", message, details);

/** A subscriber dropped for reading too slowly: `details` gives the events it left unread and the bound. */
export const slowConsumer = (message: string, details: Record<string, number>) =>
  new DomainError("SLOW_CONSUMER", message, details);
