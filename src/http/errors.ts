import { GraphQLError } from "graphql";
import { type MaskError, maskError as yogaMaskError } from "graphql-yoga";
import { Neo4jError } from "neo4j-driver";

/** Neo4j error codes that mean "the database cannot be reached now", not "this request is wrong". */
const unavailableCodes = new Set(["ServiceUnavailable", "SessionExpired"]);

function neo4jCause(error: unknown): Neo4jError | undefined {
  for (
    let cause = error;
    cause;
    cause =
      (cause as { originalError?: unknown; cause?: unknown }).originalError ??
      (cause as { cause?: unknown }).cause
  ) {
    if (cause instanceof Neo4jError) return cause;
  }
  return undefined;
}

/**
 * Turns what clients can act on into coded errors and hides everything else: an unreachable database becomes
 * SERVICE_UNAVAILABLE (HTTP 503), a query over its time limit QUERY_TIMEOUT; anything unexpected is masked by
 * Yoga as "Unexpected error." with no stack trace or Cypher (the log keeps the detail).
 */
export const maskError: MaskError = (error, message, isDev) => {
  const cause = neo4jCause(error);
  if (cause && (unavailableCodes.has(cause.code) || cause.retriable)) {
    return new GraphQLError("The database is unavailable; try again shortly.", {
      extensions: { code: "SERVICE_UNAVAILABLE", http: { status: 503, headers: { "retry-after": "5" } } },
    });
  }
  if (
    cause?.code?.includes("TransactionTimedOut") ||
    cause?.code?.includes("TransactionTimedOutClientConfiguration")
  ) {
    return new GraphQLError("The query took longer than the server allows; narrow it down.", {
      extensions: { code: "QUERY_TIMEOUT", http: { status: 503 } },
    });
  }
  return yogaMaskError(error, message, isDev);
};
