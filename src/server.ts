import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import { createYoga, useReadinessCheck, type YogaServerInstance } from "graphql-yoga";
import { Authenticator } from "./api-keys.js";
import {
  type AuthConfig,
  type HttpConfig,
  type LimitsConfig,
  type MetricsConfig,
  type SubscriptionsConfig,
  subscriptionDefaults,
} from "./config.js";
import type { Database } from "./db/database.js";
import { BytesInFlight } from "./graphql/budget.js";
import { ChangeFeed } from "./graphql/change-feed.js";
import type { GraphQLContext } from "./graphql/context.js";
import { createContext } from "./graphql/create-context.js";
import { useProjection } from "./graphql/projection.js";
import { schema } from "./graphql/schema.js";
import { capConnections, useFailedAuthLimit } from "./http/brakes.js";
import { boundedParserCaches } from "./http/caches.js";
import { yogaLogger } from "./http/error-log.js";
import { maskError, useCodedValidationErrors } from "./http/errors.js";
import { useExplorer } from "./http/explorer.js";
import { useExports } from "./http/exports.js";
import { graphiqlTabs, renderGraphiQL } from "./http/graphiql.js";
import { limitPlugins } from "./http/limits.js";
import { metricsPlugins } from "./http/metrics.js";
import {
  json,
  useBodyLimit,
  useCsrfPrevention,
  useHeadAsGet,
  useHealth,
  useIdentityEncoding,
  useRequestLog,
  useSecurityHeaders,
  useStrictUtf8,
} from "./http/plugins.js";
import { serveWebSocket, subscriberClient, useSubscriptionBudgets } from "./http/subscriptions.js";
import type { ServiceTracing } from "./http/tracing.js";
import type { Logger } from "./logger.js";
import type { NlpService } from "./nlp/service.js";

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
  /** Article intake's French NLP; absent: intake proposes from the gazetteer alone and says so. */
  nlp?: NlpService | null;
  /** Prometheus metrics (src/http/metrics.ts); off when absent. */
  metrics?: MetricsConfig;
  /** Tracing, once started (src/http/tracing.ts); off when absent. */
  tracing?: ServiceTracing;
  /** The subscriptions' limits (src/graphql/change-feed.ts); the configuration's defaults when absent. */
  subscriptions?: SubscriptionsConfig;
}

/**
 * The GraphQL handler with /health and /ready: a fetch-style handler that tests can call without a socket.
 * `feed` is the handler's feed of changes for subscriptions (one is made when absent); createHttpServer shares it
 * with the WebSocket server.
 */
export function createGraphQLHandler(
  options: HandlerOptions,
  feed = new ChangeFeed(
    options.db,
    options.subscriptions ?? subscriptionDefaults,
    options.log.child({ component: "subscriptions" }),
  ),
) {
  const { db, readiness, log, auth, http, limits, metrics, tracing } = options;
  const bytesInFlight = new BytesInFlight(limits.maxBytesInFlight);
  const authenticator = new Authenticator(db, auth, log);
  const yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext> = createYoga<
    Record<string, unknown>,
    GraphQLContext
  >({
    schema,
    graphqlEndpoint: "/graphql",
    // Yoga's built-in liveness probe (empty 200); /health below answers the same question in JSON.
    healthCheckEndpoint: "/live",
    landingPage: false,
    // useBodyLimit (below) bounds every POST body by its Content-Length, to which Node's HTTP parser holds the
    // body; yoga's own limit piped each body through a stream transform again: ~0.3 ms of CPU per request, a
    // third of a trivial query's.
    maxRequestBodySize: false,
    // Parsed documents kept by their text, bounded in bytes as well as entries (src/http/caches.ts).
    parserAndValidationCache: boundedParserCaches(),
    // Opens on the example queries of examples/ (docs/examples.md), one tab each, rather than the framework's welcome comment.
    graphiql: http.graphiql ? { defaultTabs: graphiqlTabs, defaultQuery: graphiqlTabs[0]?.query } : false,
    // GraphiQL from the installed package, not from a CDN: it works offline and on closed networks.
    renderGraphiQL,
    maskedErrors: { maskError },
    cors:
      http.corsOrigins.length === 0
        ? false
        : { origin: http.corsOrigins.includes("*") ? "*" : http.corsOrigins, methods: ["GET", "POST"] },
    // Failures logged at their level and cut to size (src/http/error-log.ts).
    logging: yogaLogger(log.child({ component: "yoga" })),
    // `req` is Node's request (yoga's node adapter passes it; the WebSocket server passes the upgrade request).
    context: ({ request, req, transport }) =>
      createContext(db, authenticator, limits, request.headers, bytesInFlight, options.nlp ?? null, {
        feed,
        client: subscriberClient(req as IncomingMessage | undefined, transport === "ws" ? "ws" : "sse"),
      }),
    plugins: [
      useRequestLog(log),
      ...(tracing?.plugins ?? []),
      ...(metrics?.enabled ? metricsPlugins(metrics, bytesInFlight, authenticator, log) : []),
      // Before useHeadAsGet, whose inner GET has no connection: the HEAD itself is counted and refused.
      useFailedAuthLimit(http.authFailures, log),
      useHeadAsGet("/graphql", (request): Promise<Response> | Response => yoga.fetch(request)),
      useSecurityHeaders(),
      useIdentityEncoding(),
      useBodyLimit(http.maxBodyBytes),
      useStrictUtf8(),
      useCsrfPrevention(),
      useHealth(),
      useExports(db, authenticator, http.exports, log),
      useExplorer(),
      useCodedValidationErrors(),
      ...limitPlugins(limits),
      useSubscriptionBudgets(feed, limits, bytesInFlight),
      useProjection(),
      ...(http.introspection ? [] : [useDisableIntrospection()]),
      useReadinessCheck({
        endpoint: "/ready",
        check: async () => {
          // The database has 700 ms to answer, so that /ready answers within 1 s whatever the database does:
          // "unreachable" while it is down or restarting, "not answering" while it is frozen or cut off.
          const database = await db.ping(700);
          const ready = database === "reachable" && readiness.schemaApplied && readiness.seedLoaded;
          return json({ status: ready ? "ready" : "not ready", database, ...readiness }, ready ? 200 : 503);
        },
      }),
    ],
  });
  return yoga;
}

/**
 * Node checks a connection's headers and receive timeouts at this interval, in milliseconds; its default, 30 s,
 * let a slow client keep a connection up to 30 s past its timeout.
 */
const connectionsCheckingIntervalMs = 1000;

/**
 * The HTTP surface: /graphql (POST, GET, GraphiQL in a browser, SSE subscriptions, and graphql-ws on its
 * WebSocket upgrade), /health and /ready, with its connections
 * bounded: a client has `headersTimeoutMs` to send a request's headers and `receiveTimeoutMs` to send all of it
 * (then 408 and the connection is closed), an idle keep-alive connection closes after `keepAliveTimeoutMs`,
 * and the connections open at once are capped in all and per client (src/http/brakes.ts).
 */
export function createHttpServer(options: HandlerOptions): Server {
  const { connections } = options.http;
  const subscriptions = options.subscriptions ?? subscriptionDefaults;
  const feed = new ChangeFeed(options.db, subscriptions, options.log.child({ component: "subscriptions" }));
  const yoga = createGraphQLHandler(options, feed);
  const server = createServer(
    {
      headersTimeout: connections.headersTimeoutMs,
      requestTimeout: connections.receiveTimeoutMs,
      connectionsCheckingInterval: connectionsCheckingIntervalMs,
    },
    yoga,
  );
  server.keepAliveTimeout = connections.keepAliveTimeoutMs;
  capConnections(server, connections);
  const stopWebSocket = serveWebSocket(server, yoga, subscriptions, options.http.maxBodyBytes, options.log);
  subscriptionStops.set(server, async () => {
    await Promise.all([feed.stop(), stopWebSocket()]);
  });
  return server;
}

/** How to end a server's subscriptions, whose streams would otherwise hold their connections open: see drain. */
const subscriptionStops = new WeakMap<Server, () => Promise<void>>();

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

/**
 * Stops accepting, ends the subscriptions (each stream completes), lets in-flight requests finish (up to
 * `timeoutMs`), then closes what is left.
 */
export async function drain(server: Server, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await subscriptionStops.get(server)?.();
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
  await closed;
  clearTimeout(timer);
}
