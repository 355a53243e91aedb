import neo4j, {
  type Driver,
  type ManagedTransaction,
  type QueryResult,
  type RecordShape,
} from "neo4j-driver";
import type { Neo4jConnectionConfig } from "../config.js";
import type { Logger } from "../logger.js";

/** Every Cypher statement goes through here: one place for the driver, the database name and the count. */
export class Database {
  /** Read queries sent so far; tests read it to prove that batching holds. */
  roundTrips = 0;

  constructor(
    readonly driver: Driver,
    readonly name: string,
    /** Every transaction's timeout: Neo4j aborts a query that runs longer. */
    readonly queryTimeoutMs: number,
  ) {}

  /** Runs one read query with automatic retries on transient errors (and routing to readers in a cluster). */
  async read<T extends RecordShape = RecordShape>(cypher: string, params: Record<string, unknown> = {}) {
    this.roundTrips += 1;
    return this.driver.executeQuery<QueryResult<T>>(cypher, params, {
      database: this.name,
      routing: neo4j.routing.READ,
      transactionConfig: { timeout: this.queryTimeoutMs },
    });
  }

  /** Runs `work` as one write transaction: everything it does commits together or not at all. */
  async writeTransaction<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.name, defaultAccessMode: neo4j.session.WRITE });
    try {
      return await session.executeWrite(work, { timeout: this.queryTimeoutMs });
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

/**
 * Connects to Neo4j, retrying until it answers or the time is up. Each failed attempt is logged with
 * its reason, so a wrong address or password shows at once rather than as a silent hang.
 */
export async function connect(
  config: Neo4jConnectionConfig & { uri: string },
  log: Logger,
): Promise<Database> {
  const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password), {
    maxConnectionPoolSize: 50,
    connectionAcquisitionTimeout: 10_000,
    connectionTimeout: 5_000,
    disableLosslessIntegers: true,
    // Retrying a query while the database is unreachable is useful for a moment (a cluster electing a
    // leader), not for long: past this the caller gets SERVICE_UNAVAILABLE instead of a hanging request.
    maxTransactionRetryTime: config.maxRetryMs,
  });
  const deadline = Date.now() + config.connectTimeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await driver.verifyConnectivity({ database: config.database });
      log.info({ uri: config.uri, database: config.database }, "Connected to Neo4j");
      return new Database(driver, config.database, config.queryTimeoutMs);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const code = (error as { code?: string }).code;
      if (code === "Neo.ClientError.Security.Unauthorized" || Date.now() > deadline) {
        await driver.close();
        throw new Error(`Cannot connect to Neo4j at ${config.uri} as ${config.user}: ${reason}`);
      }
      log.warn({ attempt, reason }, `Neo4j at ${config.uri} not reachable yet; retrying`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** attempt)));
    }
  }
}
