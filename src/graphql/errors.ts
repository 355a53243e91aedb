import { GraphQLError } from "graphql";

/** Errors a client can act on. Each carries a code in `extensions`; anything else is masked by Yoga. */
export function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

export function notFound(what: string, key: string): GraphQLError {
  return new GraphQLError(`No ${what} with key "${key}"`, { extensions: { code: "NOT_FOUND", key } });
}

/** A request over one of the service's limits (HTTP 400): `details` says which, with the figures. */
export function limitExceeded(message: string, details: Record<string, number> = {}): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: "LIMIT_EXCEEDED", ...details, http: { status: 400 } },
  });
}

/** A request that ran out of time (HTTP 503, as a database query that times out). */
export function queryTimeout(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "QUERY_TIMEOUT", http: { status: 503 } } });
}
