import path from "node:path";
import { bool, cleanEnv, host, makeValidator, str, url } from "envalid";
import { type ApiKeyEntry, parseApiKeys } from "./auth.js";
import { projectRoot } from "./domain/project.js";

/** A configuration error: the message names each bad variable and what it allows. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const apiKeys = makeValidator<ApiKeyEntry[]>((input) => parseApiKeys(input));

/** A TCP port, or 0 for any free one. */
const portOrZero = makeValidator<number>((input) => {
  const value = Number(input);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`must be a port from 0 to 65535 (0 = any free port); got "${input}"`);
  return value;
});

const positiveInt = makeValidator<number>((input) => {
  const value = Number(input);
  if (!Number.isInteger(value) || value <= 0) throw new Error("must be a positive whole number");
  return value;
});

/** The subscriptions' limits when the environment says nothing (see the SUBSCRIPTION* variables). */
export const subscriptionDefaults = {
  max: 2000,
  perAddress: 100,
  perConnection: 10,
  pollMs: 200,
  readTimeoutMs: 2000,
  queue: 1000,
  maxReplay: 10_000,
  heartbeatMs: 12_000,
};

/**
 * Reads and validates the environment. envalid names the variable and what is allowed, and stops the
 * process on a bad value, which is what we want at start-up.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const raw = cleanEnv(
    env,
    {
      HOST: host({ default: "127.0.0.1", desc: "Address the HTTP server binds to" }),
      PORT: portOrZero({ default: 4000, desc: "HTTP port of the GraphQL service (0 = any free port)" }),
      LOG_LEVEL: str({
        default: "info",
        choices: ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
        desc: "Log level",
      }),
      LOG_FORMAT: str({
        default: "auto",
        choices: ["auto", "json", "pretty"],
        desc: "json for machines, pretty for a terminal; auto picks pretty when stdout is a terminal",
      }),
      NEO4J_URI: url({
        default: undefined,
        desc: "Bolt or neo4j:// URI of an external Neo4j; unset = start the embedded Neo4j",
      }),
      NEO4J_USER: str({ default: "neo4j", desc: "Neo4j user name" }),
      NEO4J_PASSWORD: str({
        default: "actorgraph-local",
        desc: "Neo4j password (the embedded Neo4j is given this one; at least 8 characters)",
      }),
      NEO4J_DATABASE: str({ default: "neo4j", desc: "Neo4j database name" }),
      NEO4J_CONNECT_TIMEOUT_S: positiveInt({ default: 120, desc: "How long to retry the first connection" }),
      NEO4J_DATA_DIR: str({ default: ".data/neo4j", desc: "Embedded Neo4j: home and data directory" }),
      NEO4J_BOLT_PORT: portOrZero({
        default: 7687,
        desc: "Embedded Neo4j: Bolt port on 127.0.0.1 (0 = any free port)",
      }),
      NEO4J_HEAP_MB: positiveInt({ default: 768, desc: "Embedded Neo4j: JVM heap in MiB" }),
      NEO4J_PAGECACHE_MB: positiveInt({ default: 256, desc: "Embedded Neo4j: page cache in MiB" }),
      SEED_DIR: str({ default: "seed", desc: "Directory of the seed corpus" }),
      SEED_ON_START: bool({
        default: true,
        desc: "Load the seed corpus at start-up (skipped when unchanged)",
      }),
      API_KEYS: apiKeys({
        default: [],
        desc: "Comma-separated name:role:sha256 entries (npm run api-key makes them); roles reader, editor, admin",
      }),
      READ_ACCESS: str({
        default: "open",
        choices: ["open", "key"],
        desc: "open: anyone may query; key: queries need an API key (any role)",
      }),
      SERVER_MODE: str({
        default: "development",
        choices: ["development", "production"],
        desc: "production turns GraphiQL and introspection off unless GRAPHIQL / INTROSPECTION say otherwise",
      }),
      GRAPHIQL: bool({
        default: undefined,
        desc: "Serve GraphiQL at /graphql to browsers (default: on unless SERVER_MODE=production)",
      }),
      INTROSPECTION: bool({
        default: undefined,
        desc: "Answer introspection queries (default: on unless SERVER_MODE=production)",
      }),
      CORS_ORIGINS: str({
        default: "",
        desc: "Comma-separated origins allowed to call the API from a browser, or * for any; empty = same origin only",
      }),
      MAX_QUERY_DEPTH: positiveInt({ default: 12, desc: "Deepest selection a query may nest" }),
      MAX_ALIASES: positiveInt({ default: 20, desc: "Most aliases in one query" }),
      MAX_TOKENS: positiveInt({ default: 3000, desc: "Most tokens in one GraphQL document" }),
      MAX_COST: positiveInt({
        default: 100_000,
        desc: "Highest estimated cost of one query: every field 1, a list's children times the items it may return",
      }),
      MAX_DIRECTIVES: positiveInt({ default: 20, desc: "Most directives in one query" }),
      MAX_RESULT_ITEMS: positiveInt({
        default: 100_000,
        desc: "Most list items (actors, relations, citations, ...) one request may resolve",
      }),
      MAX_RESPONSE_BYTES: positiveInt({
        default: 8_388_608,
        desc: "Most bytes one response may carry (texts counted exactly, other fields estimated)",
      }),
      REQUEST_TIMEOUT_MS: positiveInt({
        default: 15_000,
        desc: "Longest one GraphQL request may execute, database waits included",
      }),
      MAX_BYTES_IN_FLIGHT: positiveInt({
        default: 33_554_432,
        desc: "Most response bytes the requests executing at once may hold (as MAX_RESPONSE_BYTES counts them); past it, 503 OVERLOADED",
      }),
      MAX_COST_IN_FLIGHT: positiveInt({
        default: 200_000,
        desc: "Most estimated cost (see MAX_COST) executing at once; a request beyond it waits its turn",
      }),
      MAX_QUEUED_REQUESTS: positiveInt({
        default: 64,
        desc: "Most requests waiting for room under MAX_COST_IN_FLIGHT; more answer 503 OVERLOADED at once",
      }),
      QUEUE_TIMEOUT_MS: positiveInt({
        default: 5_000,
        desc: "Longest a request waits for room under MAX_COST_IN_FLIGHT before it answers 503 OVERLOADED",
      }),
      MAX_BODY_BYTES: positiveInt({ default: 262_144, desc: "Largest request body, in bytes" }),
      MAX_CONNECTIONS: positiveInt({
        default: 2048,
        desc: "Most HTTP connections open at once; more are closed as they arrive",
      }),
      MAX_CONNECTIONS_PER_ADDRESS: positiveInt({
        default: 128,
        desc: "Most HTTP connections open at once from one client address; more are closed as they arrive",
      }),
      HEADERS_TIMEOUT_MS: positiveInt({
        default: 10_000,
        desc: "Longest a client may take to send a request's headers; then 408 and the connection is closed",
      }),
      RECEIVE_TIMEOUT_MS: positiveInt({
        default: 30_000,
        desc: "Longest a client may take to send a whole request, body included; then 408 and the connection is closed",
      }),
      KEEP_ALIVE_TIMEOUT_MS: positiveInt({
        default: 5_000,
        desc: "How long an idle keep-alive connection stays open",
      }),
      AUTH_MAX_FAILURES: positiveInt({
        default: 10,
        desc: "Wrong API keys one client address may send in AUTH_FAILURE_WINDOW_S; past it, its requests with a key answer 429 until the window ends",
      }),
      AUTH_FAILURE_WINDOW_S: positiveInt({
        default: 60,
        desc: "The window, in seconds from an address's first wrong key, over which AUTH_MAX_FAILURES counts",
      }),
      EXPORT_MAX_RELATIONS: positiveInt({
        default: 250_000,
        desc: "Largest graph, in relations in force, that the HTTP exports serve (npm run export has no limit)",
      }),
      EXPORT_OPEN_MAX_RELATIONS: positiveInt({
        default: 10_000,
        desc: "Largest graph, in relations in force, that the HTTP exports serve without an API key",
      }),
      EXPORT_MAX_CONCURRENT: positiveInt({
        default: 4,
        desc: "Most HTTP exports streaming at once (each holds a database connection); more answer 429",
      }),
      EXPORT_TIMEOUT_MS: positiveInt({
        default: 120_000,
        desc: "Transaction timeout of one export, download included: an export still running is cut off",
      }),
      QUERY_TIMEOUT_MS: positiveInt({ default: 10_000, desc: "Transaction timeout of every Cypher query" }),
      NEO4J_MAX_RETRY_MS: positiveInt({
        default: 2000,
        desc: "How long a query retries while the database is unreachable before failing with SERVICE_UNAVAILABLE",
      }),
      STARTUP_TIMEOUT_MS: positiveInt({
        default: 600_000,
        desc: "Transaction timeout of the start-up steps (schema, index population, seed load), which may take minutes on a busy machine; QUERY_TIMEOUT_MS does not apply to them",
      }),
      NEO4J_MIN_FREE_MB: positiveInt({
        default: 64,
        desc: "Embedded Neo4j: free MiB its data directory's disk must keep; below it, start-up stops and writes answer 503 STORAGE_FULL",
      }),
      NEO4J_TX_MEMORY_MB: positiveInt({
        default: undefined,
        desc: "Embedded Neo4j: most heap one transaction may hold, in MiB (db.memory.transaction.max; default a third of NEO4J_HEAP_MB)",
      }),
      NLP: str({
        default: "on-demand",
        choices: ["off", "on-demand", "start"],
        desc: "Article intake's French NLP (CoreNLP): off; on-demand = started on first use; start = started with the service",
      }),
      CORENLP_URL: url({
        default: undefined,
        desc: "URL of an external CoreNLP server (or a balancer in front of several); unset = start our own on 127.0.0.1",
      }),
      CORENLP_PORT: portOrZero({
        default: 0,
        desc: "Our CoreNLP server's port on 127.0.0.1 (0 = any free port)",
      }),
      CORENLP_HEAP_MB: positiveInt({ default: 2560, desc: "Our CoreNLP server: JVM heap in MiB" }),
      CORENLP_THREADS: positiveInt({ default: 2, desc: "Our CoreNLP server: articles annotated at once" }),
      CORENLP_TIMEOUT_MS: positiveInt({
        default: 30_000,
        desc: "Longest one article's annotation may take, in milliseconds (CoreNLP's server and our client)",
      }),
      CORENLP_MAX_CHARS: positiveInt({
        default: 100_000,
        desc: "Longest text sent to CoreNLP in one request, in characters",
      }),
      METRICS: str({
        default: "off",
        choices: ["off", "on"],
        desc: "on: Prometheus metrics at /metrics (on METRICS_PORT if set, else on PORT)",
      }),
      METRICS_PORT: portOrZero({
        default: undefined,
        desc: "Serve /metrics on this port of METRICS_HOST instead of PORT (0 = any free port)",
      }),
      METRICS_HOST: host({ default: "127.0.0.1", desc: "Address METRICS_PORT binds to" }),
      METRICS_ACCESS: str({
        default: "open",
        choices: ["open", "admin"],
        desc: "/metrics on PORT: open to anyone, or admin = only with an API key of the admin role",
      }),
      OTEL_EXPORTER_OTLP_ENDPOINT: url({
        default: undefined,
        desc: "OpenTelemetry collector (OTLP over HTTP, JSON): set, the service sends its traces there; the other OTEL_* variables apply",
      }),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url({
        default: undefined,
        desc: "The traces' own OTLP URL (…/v1/traces), instead of OTEL_EXPORTER_OTLP_ENDPOINT",
      }),
      OTEL_SERVICE_NAME: str({ default: "actor-graph", desc: "The service's name in its traces" }),
      SUBSCRIPTIONS_MAX: positiveInt({
        default: subscriptionDefaults.max,
        desc: "Most subscriptions (SSE and WebSocket) open at once in one process; more answer OVERLOADED",
      }),
      SUBSCRIPTIONS_PER_ADDRESS: positiveInt({
        default: subscriptionDefaults.perAddress,
        desc: "Most subscriptions open at once from one client address; more answer LIMIT_EXCEEDED",
      }),
      SUBSCRIPTIONS_PER_CONNECTION: positiveInt({
        default: subscriptionDefaults.perConnection,
        desc: "Most subscriptions open at once on one connection (a WebSocket carries several); more answer LIMIT_EXCEEDED",
      }),
      SUBSCRIPTION_POLL_MS: positiveInt({
        default: subscriptionDefaults.pollMs,
        desc: "How often each process reads the history for changes committed since its last read (through any replica), while it has subscribers",
      }),
      SUBSCRIPTION_READ_TIMEOUT_MS: positiveInt({
        default: subscriptionDefaults.readTimeoutMs,
        desc: "Longest one read of the history by the subscriptions' loop may take; a read cut off is tried again at the next poll",
      }),
      SUBSCRIPTION_QUEUE: positiveInt({
        default: subscriptionDefaults.queue,
        desc: "Most events waiting for one subscriber to read them; past it the subscriber is dropped with SLOW_CONSUMER",
      }),
      SUBSCRIPTION_MAX_REPLAY: positiveInt({
        default: subscriptionDefaults.maxReplay,
        desc: "Most changes a subscription given a cursor may replay; an older cursor answers LIMIT_EXCEEDED",
      }),
      SUBSCRIPTION_HEARTBEAT_MS: positiveInt({
        default: subscriptionDefaults.heartbeatMs,
        desc: "WebSocket: a ping this often, and the connection closed when its pong does not come within as long (SSE: yoga's comment line every 12 s)",
      }),
      SHUTDOWN_TIMEOUT_MS: positiveInt({
        default: 10_000,
        desc: "How long shutdown waits for in-flight requests",
      }),
    },
    {
      reporter: ({ errors }) => {
        const problems = Object.entries(errors).map(([name, error]) => `${name}: ${String(error?.message)}`);
        if (problems.length > 0) throw new ConfigError(`Invalid configuration\n  ${problems.join("\n  ")}`);
      },
    },
  );
  if (raw.NEO4J_PASSWORD.length < 8) {
    throw new ConfigError("Invalid configuration\n  NEO4J_PASSWORD: must be at least 8 characters");
  }
  // Node refuses a headers timeout longer than the whole request's.
  if (raw.HEADERS_TIMEOUT_MS > raw.RECEIVE_TIMEOUT_MS) {
    throw new ConfigError(
      `Invalid configuration\n  HEADERS_TIMEOUT_MS: must be at most RECEIVE_TIMEOUT_MS (${raw.RECEIVE_TIMEOUT_MS}); got ${raw.HEADERS_TIMEOUT_MS}`,
    );
  }
  return {
    host: raw.HOST,
    port: raw.PORT,
    logLevel: raw.LOG_LEVEL,
    logFormat: raw.LOG_FORMAT,
    neo4j: {
      uri: raw.NEO4J_URI,
      user: raw.NEO4J_USER,
      password: raw.NEO4J_PASSWORD,
      database: raw.NEO4J_DATABASE,
      connectTimeoutMs: raw.NEO4J_CONNECT_TIMEOUT_S * 1000,
      queryTimeoutMs: raw.QUERY_TIMEOUT_MS,
      startupTimeoutMs: raw.STARTUP_TIMEOUT_MS,
      maxRetryMs: raw.NEO4J_MAX_RETRY_MS,
    },
    embedded: {
      dataDir: path.resolve(projectRoot, raw.NEO4J_DATA_DIR),
      boltPort: raw.NEO4J_BOLT_PORT,
      heapMb: raw.NEO4J_HEAP_MB,
      pageCacheMb: raw.NEO4J_PAGECACHE_MB,
      txMemoryMb: raw.NEO4J_TX_MEMORY_MB,
      minFreeMb: raw.NEO4J_MIN_FREE_MB,
    },
    auth: { apiKeys: raw.API_KEYS, readAccess: raw.READ_ACCESS as "open" | "key" },
    http: {
      graphiql: raw.GRAPHIQL ?? raw.SERVER_MODE !== "production",
      introspection: raw.INTROSPECTION ?? raw.SERVER_MODE !== "production",
      corsOrigins: raw.CORS_ORIGINS.split(",")
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
      maxBodyBytes: raw.MAX_BODY_BYTES,
      connections: {
        max: raw.MAX_CONNECTIONS,
        maxPerAddress: raw.MAX_CONNECTIONS_PER_ADDRESS,
        headersTimeoutMs: raw.HEADERS_TIMEOUT_MS,
        receiveTimeoutMs: raw.RECEIVE_TIMEOUT_MS,
        keepAliveTimeoutMs: raw.KEEP_ALIVE_TIMEOUT_MS,
      },
      authFailures: { max: raw.AUTH_MAX_FAILURES, windowMs: raw.AUTH_FAILURE_WINDOW_S * 1000 },
      exports: {
        maxRelations: raw.EXPORT_MAX_RELATIONS,
        openMaxRelations: raw.EXPORT_OPEN_MAX_RELATIONS,
        timeoutMs: raw.EXPORT_TIMEOUT_MS,
        maxConcurrent: raw.EXPORT_MAX_CONCURRENT,
      },
    },
    limits: {
      maxDepth: raw.MAX_QUERY_DEPTH,
      maxAliases: raw.MAX_ALIASES,
      maxTokens: raw.MAX_TOKENS,
      maxCost: raw.MAX_COST,
      maxDirectives: raw.MAX_DIRECTIVES,
      maxItems: raw.MAX_RESULT_ITEMS,
      maxResponseBytes: raw.MAX_RESPONSE_BYTES,
      requestTimeoutMs: raw.REQUEST_TIMEOUT_MS,
      maxCostInFlight: raw.MAX_COST_IN_FLIGHT,
      maxBytesInFlight: raw.MAX_BYTES_IN_FLIGHT,
      maxQueued: raw.MAX_QUEUED_REQUESTS,
      queueTimeoutMs: raw.QUEUE_TIMEOUT_MS,
    },
    nlp: {
      mode: raw.NLP as "off" | "on-demand" | "start",
      url: raw.CORENLP_URL,
      port: raw.CORENLP_PORT,
      heapMb: raw.CORENLP_HEAP_MB,
      threads: raw.CORENLP_THREADS,
      timeoutMs: raw.CORENLP_TIMEOUT_MS,
      maxChars: raw.CORENLP_MAX_CHARS,
      logFile: path.resolve(projectRoot, ".data", "corenlp.log"),
    },
    metrics: {
      enabled: raw.METRICS === "on",
      port: raw.METRICS_PORT,
      host: raw.METRICS_HOST,
      access: raw.METRICS_ACCESS as "open" | "admin",
    },
    tracing: {
      enabled: (raw.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? raw.OTEL_EXPORTER_OTLP_ENDPOINT) !== undefined,
      serviceName: raw.OTEL_SERVICE_NAME,
    },
    subscriptions: {
      max: raw.SUBSCRIPTIONS_MAX,
      perAddress: raw.SUBSCRIPTIONS_PER_ADDRESS,
      perConnection: raw.SUBSCRIPTIONS_PER_CONNECTION,
      pollMs: raw.SUBSCRIPTION_POLL_MS,
      readTimeoutMs: raw.SUBSCRIPTION_READ_TIMEOUT_MS,
      queue: raw.SUBSCRIPTION_QUEUE,
      maxReplay: raw.SUBSCRIPTION_MAX_REPLAY,
      heartbeatMs: raw.SUBSCRIPTION_HEARTBEAT_MS,
    },
    seedDir: path.resolve(projectRoot, raw.SEED_DIR),
    seedOnStart: raw.SEED_ON_START,
    shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS,
  };
}

export type Config = ReturnType<typeof loadConfig>;
export type Neo4jConnectionConfig = Config["neo4j"];
export type EmbeddedNeo4jConfig = Config["embedded"];
export type AuthConfig = Config["auth"];
export type HttpConfig = Config["http"];
export type LimitsConfig = Config["limits"];
export type NlpConfig = Config["nlp"];
export type MetricsConfig = Config["metrics"];
export type TracingConfig = Config["tracing"];
export type SubscriptionsConfig = Config["subscriptions"];
