import type { ApiKeyEntry } from "../../src/auth.js";
import type { Database } from "../../src/db/database.js";
import type { HandlerOptions } from "../../src/server.js";
import { createGraphQLHandler } from "../../src/server.js";
import { handlerOptions } from "./server.js";

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T;
  errors?: {
    message: string;
    extensions?: { code?: string; problems?: { where: string; message: string }[] };
  }[];
}

/**
 * Sends one GraphQL request through the real handler (the same graphql-yoga instance the HTTP server uses),
 * against the real database, without opening a socket. `apiKey` is sent as a bearer token; `overrides` change the
 * handler's options (limits, the NLP service).
 */
export function graphqlClient(
  db: Database,
  auth: { apiKeys: ApiKeyEntry[]; readAccess: "open" | "key" } = { apiKeys: [], readAccess: "open" },
  overrides: Partial<HandlerOptions> = {},
) {
  const handler = createGraphQLHandler(handlerOptions(db, { auth, ...overrides }));
  return async <T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    apiKey?: string,
  ): Promise<GraphQLResponse<T>> => {
    const body = JSON.stringify({ query, variables });
    const response = await handler.fetch("http://localhost/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
        accept: "application/graphql-response+json",
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body,
    });
    return (await response.json()) as GraphQLResponse<T>;
  };
}
