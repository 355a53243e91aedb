import { GraphQLError } from "graphql";

/** Errors a client can act on. Each carries a code in `extensions`; anything else is masked by Yoga. */
export function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

export function notFound(what: string, key: string): GraphQLError {
  return new GraphQLError(`No ${what} with key "${key}"`, { extensions: { code: "NOT_FOUND", key } });
}

export function limitExceeded(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "LIMIT_EXCEEDED" } });
}
