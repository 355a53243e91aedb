import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createYoga, type Plugin, useReadinessCheck } from "graphql-yoga";
import type { AuthConfig } from "./config.js";
import type { Database } from "./db/database.js";
import { createContext, type GraphQLContext } from "./graphql/context.js";
import { schema } from "./graphql/schema.js";
import type { Logger } from "./logger.js";

/** What /ready reports: each step of start-up that must have happened before the service is useful. */
export interface Readiness {
  schemaApplied: boolean;
  seedLoaded: boolean;
}

export interface HandlerOptions {
  db: Database;
  readiness: Readiness;
  log: Logger;
  auth: AuthConfig;
}

const json = (body: unknown, status: number) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });

/** Gives each request an id (the caller's X-Request-Id, or a new one), echoes it and logs the request's outcome. */
function useRequestLog(log: Logger): Plugin {
  const started = new WeakMap<Request, { id: string; at: number }>();
  return {
    onRequest({ request }) {
      const given = request.headers.get("x-request-id");
      const id = given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
      started.set(request, { id, at: performance.now() });
    },
    onResponse({ request, response }) {
      const entry = started.get(request);
      if (!entry) return;
      response.headers.set("x-request-id", entry.id);
      const url = new URL(request.url);
      log.info(
        {
          reqId: entry.id,
          method: request.method,
          path: url.pathname,
          status: response.status,
          ms: Math.round((performance.now() - entry.at) * 10) / 10,
        },
        "request",
      );
    },
  };
}

/** /health: the process is alive and serving HTTP; it says nothing about the database. */
function useHealth(): Plugin {
  return {
    onRequest({ url, endResponse }) {
      if (url.pathname === "/health") endResponse(json({ status: "ok" }, 200));
    },
  };
}

/** The GraphQL handler with /health and /ready: a fetch-style handler that tests can call without a socket. */
export function createGraphQLHandler(options: HandlerOptions) {
  const { db, readiness, log, auth } = options;
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: "/graphql",
    // Yoga's built-in liveness probe (empty 200); /health below answers the same question in JSON.
    healthCheckEndpoint: "/live",
    landingPage: false,
    logging: log.child({ component: "yoga" }),
    context: ({ request }) => createContext(db, auth, request.headers),
    plugins: [
      useRequestLog(log),
      useHealth(),
      useReadinessCheck({
        endpoint: "/ready",
        check: async () => {
          let database: "reachable" | "unreachable" = "reachable";
          try {
            await db.driver.verifyConnectivity({ database: db.name });
          } catch {
            database = "unreachable";
          }
          const ready = database === "reachable" && readiness.schemaApplied && readiness.seedLoaded;
          return json({ status: ready ? "ready" : "not ready", database, ...readiness }, ready ? 200 : 503);
        },
      }),
    ],
  });
}

/** The HTTP surface: /graphql (POST, GET, GraphiQL in a browser), /health and /ready. */
export function createHttpServer(options: HandlerOptions): Server {
  return createServer(createGraphQLHandler(options));
}

/** Listens, turning "port in use" into one clear sentence. Resolves with the bound address. */
export async function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(new Error(`Port ${port} on ${host} is already in use; set PORT to a free port.`));
      } else if (error.code === "EACCES") {
        reject(new Error(`Not allowed to listen on ${host}:${port}; set PORT or HOST.`));
      } else reject(error);
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

/** Stops accepting, lets in-flight requests finish (up to `timeoutMs`), then closes what is left. */
export async function drain(server: Server, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
  await closed;
  clearTimeout(timer);
}
