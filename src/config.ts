import path from "node:path";
import { bool, cleanEnv, host, makeValidator, port, str, url } from "envalid";
import { type ApiKeyEntry, parseApiKeys } from "./auth.js";

/** Where the repository lives, so that relative defaults work from any working directory. */
export const projectRoot = path.resolve(import.meta.dirname, "..");

/** A configuration error: the message names each bad variable and what it allows. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const apiKeys = makeValidator<ApiKeyEntry[]>((input) => parseApiKeys(input));

const positiveInt = makeValidator<number>((input) => {
  const value = Number(input);
  if (!Number.isInteger(value) || value <= 0) throw new Error("must be a positive whole number");
  return value;
});

/**
 * Reads and validates the environment. envalid names the variable and what is allowed, and stops the
 * process on a bad value, which is what we want at start-up.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const raw = cleanEnv(
    env,
    {
      HOST: host({ default: "127.0.0.1", desc: "Address the HTTP server binds to" }),
      PORT: port({ default: 4000, desc: "HTTP port of the GraphQL service (0 = any free port)" }),
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
      NEO4J_BOLT_PORT: port({
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
    },
    embedded: {
      dataDir: path.resolve(projectRoot, raw.NEO4J_DATA_DIR),
      boltPort: raw.NEO4J_BOLT_PORT,
      heapMb: raw.NEO4J_HEAP_MB,
      pageCacheMb: raw.NEO4J_PAGECACHE_MB,
    },
    auth: { apiKeys: raw.API_KEYS, readAccess: raw.READ_ACCESS as "open" | "key" },
    seedDir: path.resolve(projectRoot, raw.SEED_DIR),
    seedOnStart: raw.SEED_ON_START,
    shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS,
  };
}

export type Config = ReturnType<typeof loadConfig>;
export type Neo4jConnectionConfig = Config["neo4j"];
export type EmbeddedNeo4jConfig = Config["embedded"];
export type AuthConfig = Config["auth"];
