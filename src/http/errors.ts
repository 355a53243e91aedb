import { PothosValidationError } from "@pothos/core";
import { GraphQLError } from "graphql";
import { type MaskError, type Plugin, maskError as yogaMaskError } from "graphql-yoga";
import { Neo4jError } from "neo4j-driver";
import { DatabaseNotAnswering } from "../db/database.js";
import {
  badInput,
  DomainError,
  type ErrorCode,
  limitExceeded,
  queryTimeout,
  serviceUnavailable,
} from "../domain/errors.js";

/**
 * The one place where the service's errors (src/domain/errors.ts) become GraphQL errors and HTTP statuses, following
 * the GraphQL-over-HTTP spec:
 * - a refusal of the request as a whole by the service's policy (a limit, a missing key or role, a timeout, the
 *   database gone) has its own status whatever media type the client accepts: the spec lets a server use a
 *   4xx or 5xx when it cannot process a request;
 * - a GraphQL request error (an argument or variable that cannot be coerced, an unknown operation: no path, no
 *   data) is 400 for `application/graphql-response+json` and 200 for `application/json` (yoga's `spec`
 *   flag), as for documents that do not parse or validate;
 * - a field error (an argument out of range, an unknown key, a write in conflict) is 200 with the data that
 *   could be computed.
 */

/** The `http` extension of a GraphQL error, which yoga turns into the status and headers of the response. */
interface HttpExtension {
  status?: number;
  spec?: boolean;
  headers?: Record<string, string>;
}

/** How each code answers over HTTP when it refuses the whole request; absent: it is a field or request error. */
const refusals: Partial<Record<ErrorCode, { status: number; headers?: Record<string, string> }>> = {
  UNAUTHENTICATED: { status: 401 },
  FORBIDDEN: { status: 403 },
  LIMIT_EXCEEDED: { status: 400 },
  QUERY_TIMEOUT: { status: 503 },
  // The database may be back shortly, unlike a timed-out query that will likely time out again.
  SERVICE_UNAVAILABLE: { status: 503, headers: { "retry-after": "5" } },
  // Room comes back as soon as a request in flight ends.
  OVERLOADED: { status: 503, headers: { "retry-after": "1" } },
  // Its retry-after depends on the client's window: src/http/brakes.ts sets it.
  RATE_LIMITED: { status: 429 },
  // Space comes back when an operator frees it: minutes rather than seconds.
  STORAGE_FULL: { status: 503, headers: { "retry-after": "30" } },
};

/** A GraphQL request error: 400 for graphql-response+json, 200 for application/json (yoga reads `spec`). */
const requestError: HttpExtension = { status: 400, spec: true };

/** The `http` extension yoga turns into the status: a policy refusal's, or a request error's when `located` is false. */
function httpOf(code: ErrorCode, located: boolean): HttpExtension | undefined {
  const refusal = refusals[code];
  // spec: false, so that yoga applies the status for application/json too.
  if (refusal) return { ...refusal, spec: false };
  return located ? undefined : requestError;
}

/**
 * `error` as GraphQL answers it: its message, `extensions.code` and details, and the `http` extension (which
 * yoga turns into the status and leaves out of the response). `at`, the GraphQL error that carried it, gives
 * the message as graphql-js worded it, the location and the path.
 */
export function toGraphQLError(error: DomainError, at?: GraphQLError): GraphQLError {
  const http = httpOf(error.code, at?.path !== undefined);
  // graphql-js words the message of an error it wraps to say where (`Variable "$d" got invalid value ...; <the
  // message>`); a GraphQL error around another cause (the database's) keeps that cause's words, never shown.
  return new GraphQLError(at?.originalError === error ? at.message : error.message, {
    nodes: at?.nodes,
    source: at?.source,
    positions: at?.positions,
    path: at?.path,
    originalError: error,
    extensions: { code: error.code, ...error.details, ...(http ? { http } : {}) },
  });
}

/** Neo4j error codes that mean "the database cannot be reached now", not "this request is wrong". */
const unavailableCodes = new Set(["ServiceUnavailable", "SessionExpired"]);

/** The first error of `type` in the chain of GraphQL's originalError and Error's cause. */
function causeOf<T>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  for (
    let cause = error;
    cause;
    cause =
      (cause as { originalError?: unknown; cause?: unknown }).originalError ??
      (cause as { cause?: unknown }).cause
  ) {
    if (cause instanceof type) return cause;
  }
  return undefined;
}

/**
 * A transaction over db.memory.transaction.max. Neo4j reports it with the same code as a full global pool
 * (dbms.memory.transaction.total.max), which is the server's state rather than the query's, so only the
 * message tells them apart.
 */
function overTransactionMemory(cause: Neo4jError): boolean {
  return (
    cause.code === "Neo.TransientError.General.MemoryPoolOutOfMemoryError" &&
    cause.message.includes("db.memory.transaction.max threshold")
  );
}

/**
 * What a failure means to the client, when it means something: the service's own errors as they are; a
 * database that is unreachable or does not answer in time SERVICE_UNAVAILABLE; a query over Neo4j's time limit
 * QUERY_TIMEOUT (the same query may well time out again); a query over the transaction memory ceiling
 * LIMIT_EXCEEDED (it fails again until narrowed); an input Pothos refused (a global id, a cursor or a base64
 * string that is not one) BAD_USER_INPUT.
 */
function domainErrorOf(error: unknown): DomainError | undefined {
  const domain = causeOf(error, DomainError);
  if (domain) return domain;
  const cause = causeOf(error, Neo4jError);
  if (cause && overTransactionMemory(cause)) {
    return limitExceeded(
      "The query needs more database memory than one query may use; ask for less (smaller pages, fewer hops, narrower filters).",
    );
  }
  if (
    causeOf(error, DatabaseNotAnswering) ||
    (cause && (unavailableCodes.has(cause.code) || cause.retriable))
  ) {
    return serviceUnavailable("The database is unavailable; try again shortly.");
  }
  if (cause?.code.includes("TransactionTimedOut")) {
    return queryTimeout("The query took longer than the server allows; narrow it down.");
  }
  const refused = causeOf(error, PothosValidationError);
  return refused ? badInput(refused.message) : undefined;
}

/** `error` with another code and `http` extension, at the same place. */
function recoded(error: GraphQLError, code: string, http: HttpExtension | undefined): GraphQLError {
  const { http: _, ...extensions } = error.extensions;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...extensions, code, ...(http ? { http } : {}) },
  });
}

/**
 * Yoga's error mask: every error answers with a code, and its status follows the GraphQL-over-HTTP spec.
 * - The service's errors, and what the database's failures mean (see domainErrorOf): toGraphQLError.
 * - A request graphql-js refused before executing it (a variable of the wrong type or missing, which has no
 *   code, or an operation it cannot pick): a GraphQL request error, 400 or 200 by media type as the spec says
 *   (the executor would answer 400 to both); without a code it is a BAD_USER_INPUT.
 * - A refusal of the HTTP request itself (a body that is not JSON, a missing CSRF header 403, a mutation over
 *   GET 405): BAD_REQUEST, with its status for every media type (yoga would answer 200 to application/json for
 *   some, but the spec wants a 4xx for a request that is not well-formed).
 * - Any other error of the framework keeps its code; anything else is masked as "Unexpected error."
 *   (INTERNAL_SERVER_ERROR) with no stack trace or Cypher, and the log keeps the detail.
 */
export const maskError: MaskError = (error, message, isDev) => {
  const domain = domainErrorOf(error);
  if (domain) return toGraphQLError(domain, error instanceof GraphQLError ? error : undefined);
  const masked = yogaMaskError(error, message, isDev);
  if (!(masked instanceof GraphQLError)) return masked;
  const code = masked.extensions.code as string | undefined;
  const http = masked.extensions.http as HttpExtension | undefined;
  if (code === undefined && masked.nodes !== undefined)
    return toGraphQLError(badInput(masked.message), masked);
  if (code === "OPERATION_RESOLUTION_FAILURE") return recoded(masked, code, requestError);
  if ((code === undefined || code === "BAD_REQUEST") && http?.status) {
    return recoded(masked, "BAD_REQUEST", { ...http, spec: false });
  }
  return code === undefined ? toGraphQLError(badInput(masked.message), masked) : masked;
};

/**
 * Codes the validation errors that the service's own checks cause: a literal argument that a scalar refuses
 * (`asOf: "2021-02-30"`) is a BAD_USER_INPUT, not a bare GRAPHQL_VALIDATION_FAILED. Validation errors do not
 * pass through the mask, so this is the mapping's second door.
 */
export function useCodedValidationErrors(): Plugin {
  return {
    onValidate:
      () =>
      ({ result, setResult }) => {
        if (!result.some((error) => causeOf(error, DomainError))) return;
        setResult(
          result.map((error) => {
            const domain = causeOf(error, DomainError);
            return domain ? toGraphQLError(domain, error) : error;
          }),
        );
      },
  };
}
