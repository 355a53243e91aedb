import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { costLimitPlugin } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { GraphQLError, type ValidationContext } from "graphql";
import { createYoga, type Plugin, useReadinessCheck } from "graphql-yoga";
import { type AuthConfig, type HttpConfig, type LimitsConfig, loadConfig } from "./config.js";
import type { Database } from "./db/database.js";
import { createContext, type GraphQLContext } from "./graphql/context.js";
import { schema } from "./graphql/schema.js";
import { maskError } from "./http/errors.js";
import { useExplorer } from "./http/explorer.js";
import { useExports } from "./http/exports.js";
import {
  json,
  useBodyLimit,
  useHealth,
  useRequestLog,
  useSecurityHeaders,
  useStrictUtf8,
} from "./http/plugins.js";
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
  http: HttpConfig;
  limits: LimitsConfig;
}

/** A development server's HTTP settings and limits: the configuration's defaults, for tests and tools. */
export const { http: defaultHttp, limits: defaultLimits } = loadConfig({});

/**
 * Limits checked on the document alone, before any resolver runs or the database is touched (graphql-armor).
 * A refusal is reported as a validation error (HTTP 400, code LIMIT_EXCEEDED) that says which limit and by
 * how much; thrown instead, it would reach the client as a 200.
 */
function limitPlugins(limits: LimitsConfig): Plugin[] {
  const report = {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(
          new GraphQLError(error.message.replace(/^Syntax Error: /, ""), {
            extensions: { code: "LIMIT_EXCEEDED" },
          }),
        ),
    ],
  };
  return [
    maxTokensPlugin({ n: limits.maxTokens }),
    maxDepthPlugin({ n: limits.maxDepth, flattenFragments: true, ...report }),
    maxAliasesPlugin({ n: limits.maxAliases, ...report }),
    maxDirectivesPlugin({ n: limits.maxDirectives, ...report }),
    costLimitPlugin({ maxCost: limits.maxCost, ...report }),
  ] as Plugin[];
}

/** The GraphQL handler with /health and /ready: a fetch-style handler that tests can call without a socket. */
export function createGraphQLHandler(options: HandlerOptions) {
  const { db, readiness, log, auth, http, limits } = options;
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: "/graphql",
    // Yoga's built-in liveness probe (empty 200); /health below answers the same question in JSON.
    healthCheckEndpoint: "/live",
    landingPage: false,
    graphiql: http.graphiql,
    // GraphiQL from the installed package, not from a CDN: it works offline and on closed networks.
    renderGraphiQL,
    maskedErrors: { maskError },
    cors:
      http.corsOrigins.length === 0
        ? false
        : { origin: http.corsOrigins.includes("*") ? "*" : http.corsOrigins, methods: ["GET", "POST"] },
    logging: log.child({ component: "yoga" }),
    context: ({ request }) => createContext(db, auth, request.headers),
    plugins: [
      useRequestLog(log),
      useSecurityHeaders(),
      useBodyLimit(http.maxBodyBytes),
      useStrictUtf8(),
      useHealth(),
      useExports(db, auth),
      useExplorer(),
      ...limitPlugins(limits),
      ...(http.introspection ? [] : [useDisableIntrospection()]),
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
