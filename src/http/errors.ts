import { PothosValidationError } from "@pothos/core";
import { GraphQLError } from "graphql";
import { type MaskError, maskError as yogaMaskError } from "graphql-yoga";
import { Neo4jError } from "neo4j-driver";
import { DatabaseNotAnswering } from "../db/database.js";

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
 * Turns what clients can act on into coded errors and hides everything else: a database that is unreachable
 * or does not answer in time becomes SERVICE_UNAVAILABLE (HTTP 503 with retry-after), a query over Neo4j's
 * time limit QUERY_TIMEOUT (HTTP 503, no retry-after: the same query may well time out again), a query over
 * the transaction memory ceiling LIMIT_EXCEEDED (HTTP 400: it fails again until narrowed). Anything
 * unexpected is masked by Yoga as "Unexpected error." with no stack trace or Cypher (the log keeps the detail).
 */
export const maskError: MaskError = (error, message, isDev) => {
  const cause = causeOf(error, Neo4jError);
  if (cause && overTransactionMemory(cause)) {
    return new GraphQLError(
      "The query needs more database memory than one query may use; ask for less (smaller pages, fewer hops, narrower filters).",
      { extensions: { code: "LIMIT_EXCEEDED", http: { status: 400 } } },
    );
  }
  if (
    causeOf(error, DatabaseNotAnswering) ||
    (cause && (unavailableCodes.has(cause.code) || cause.retriable))
  ) {
    return new GraphQLError("The database is unavailable; try again shortly.", {
      extensions: { code: "SERVICE_UNAVAILABLE", http: { status: 503, headers: { "retry-after": "5" } } },
    });
  }
  if (cause?.code.includes("TransactionTimedOut")) {
    return new GraphQLError("The query took longer than the server allows; narrow it down.", {
      extensions: { code: "QUERY_TIMEOUT", http: { status: 503 } },
    });
  }
  const masked = yogaMaskError(error, message, isDev);
  // What is left without a code is the client's doing: an input Pothos refused (a global id or a cursor that
  // is not one), or a request graphql-js refused before execution, which has no path (a variable of the wrong
  // type or missing, an operation the schema does not support).
  if (
    masked instanceof GraphQLError &&
    masked.extensions.code === undefined &&
    (causeOf(error, PothosValidationError) || masked.path === undefined)
  ) {
    return new GraphQLError(masked.message, {
      nodes: masked.nodes,
      source: masked.source,
      positions: masked.positions,
      path: masked.path,
      originalError: masked.originalError,
      extensions: { ...masked.extensions, code: "BAD_USER_INPUT" },
    });
  }
  return masked;
};
