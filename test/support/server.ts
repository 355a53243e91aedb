import type { Database } from "../../src/db/database.js";
import { loadSeed } from "../../src/seed/load.js";
import { createHttpServer, drain, type HandlerOptions, listen } from "../../src/server.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./db.js";
import { defaultHttp, defaultLimits } from "./defaults.js";
import { seedDir } from "./seed-copy.js";

/** The test database, emptied and loaded with the seed corpus. */
export async function seededDatabase(): Promise<Database> {
  const db = await connectTestDatabase();
  await resetDatabase(db);
  await loadSeed(db, seedDir, quietLog);
  return db;
}

/** Handler options of a development server over `db`, with whatever a test changes. */
export function handlerOptions(db: Database, overrides: Partial<HandlerOptions> = {}): HandlerOptions {
  return {
    db,
    readiness: { schemaApplied: true, seedLoaded: true },
    log: quietLog,
    auth: { apiKeys: [], readAccess: "open" },
    http: defaultHttp,
    limits: defaultLimits,
    ...overrides,
  };
}

/** The real HTTP server on a free loopback port. */
export async function serveOnLoopback(db: Database, overrides: Partial<HandlerOptions> = {}) {
  const server = createHttpServer(handlerOptions(db, overrides));
  const address = await listen(server, "127.0.0.1", 0);
  return { server, base: `http://127.0.0.1:${address.port}`, close: () => drain(server, 1000) };
}

/**
 * POSTs a GraphQL request (graphql-response+json) to the server at `base`, with `key` as a bearer API key:
 * the status, the retry-after header, the parsed body and the milliseconds it took.
 */
export async function postGraphQL(
  base: string,
  query: string,
  variables: Record<string, unknown> = {},
  key?: string,
) {
  const started = performance.now();
  const response = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json",
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    // biome-ignore lint/suspicious/noExplicitAny: tests check the body field by field
    body: (await response.json()) as any,
    ms: performance.now() - started,
  };
}
