import neo4j, {
  type Driver,
  type ManagedTransaction,
  Neo4jError,
  type QueryResult,
  type RecordShape,
} from "neo4j-driver";
import type { Neo4jConnectionConfig } from "../config.js";
import { DomainError } from "../domain/errors.js";
import type { Logger } from "../logger.js";
import type { StorageGuard } from "./storage.js";

/**
 * How long past a query's transaction timeout the service still waits for the database's own answer, in
 * milliseconds. Neo4j looks for timed-out transactions every 2 s (db.transaction.monitor.check.interval), so
 * its TransactionTimedOut can arrive that late; silence beyond this means the database is not answering at
 * all (a frozen JVM, a cut network), which never sends the server-side timeout.
 */
export const answerGraceMs = 3000;

/** The database did not answer within the wait bound (SERVICE_UNAVAILABLE to clients). */
export class DatabaseNotAnswering extends Error {
  override name = "DatabaseNotAnswering";
  readonly code = "SERVICE_UNAVAILABLE";

  constructor(readonly waitedMs: number) {
    super(`Neo4j did not answer within ${waitedMs} ms`);
  }
}

/** What a request view adds: the request's signal and its deadline (epoch milliseconds). */
interface RequestScope {
  signal: AbortSignal;
  deadline: number;
}

/**
 * Every Cypher statement goes through here: one place for the driver, the database name, the time bounds and
 * the count. Each call ends within its transaction timeout plus `answerGraceMs`: with its result, with
 * Neo4j's own error, or with DatabaseNotAnswering.
 */
export class Database {
  constructor(
    readonly driver: Driver,
    readonly name: string,
    /** Every transaction's timeout, in milliseconds: Neo4j aborts a query that runs longer. */
    readonly queryTimeoutMs: number,
    /** How long a read retries a transient failure (an unreachable database, a leader election), in ms. */
    readonly maxRetryMs: number,
    /** The transaction timeout of the start-up steps (schema, seed load), in milliseconds: see `forStartup`. */
    readonly startupTimeoutMs: number,
    /** The free space of the database's disk, when this process knows it (the embedded Neo4j): see `writeTransaction`. */
    readonly storage?: StorageGuard,
    /** Shared by the views `withSignal` makes, so that the original counts their reads too. */
    private readonly counter = { roundTrips: 0 },
    private readonly scope?: RequestScope,
  ) {}

  /** Read queries sent so far, through this object and its views; tests read it to prove that batching holds. */
  get roundTrips(): number {
    return this.counter.roundTrips;
  }

  /**
   * A view of this database for one request: same driver, timeouts and round-trip count, but its reads reject
   * as soon as `signal` aborts, with `signal.reason` as the error (and the driver stops the query on the
   * server). With a `deadline` (epoch milliseconds), each read's transaction timeout is cut to what is left.
   * Writes are not cut by the signal: a write abandoned half-way would leave its outcome unknown.
   */
  withSignal(signal: AbortSignal, deadline = Number.POSITIVE_INFINITY): Database {
    return new Database(
      this.driver,
      this.name,
      this.queryTimeoutMs,
      this.maxRetryMs,
      this.startupTimeoutMs,
      this.storage,
      this.counter,
      { signal, deadline },
    );
  }

  /**
   * A view of this database for the start-up steps (schema, index population, seed load): same driver and
   * round-trip count, with `startupTimeoutMs` (STARTUP_TIMEOUT_MS) instead of `queryTimeoutMs` as every
   * transaction's timeout. A first seed load on a busy machine takes longer than one request should.
   */
  forStartup(): Database {
    return new Database(
      this.driver,
      this.name,
      this.startupTimeoutMs,
      this.maxRetryMs,
      this.startupTimeoutMs,
      this.storage,
      this.counter,
    );
  }

  /**
   * Runs one read query, routed to readers in a cluster, retrying transient errors for up to `maxRetryMs`.
   * It runs as an auto-commit transaction: one exchange with the database (RUN and PULL together), where the
   * driver's managed transaction (`executeQuery`) adds BEGIN and COMMIT, which cost about as much again on both
   * sides for the one-statement reads the API makes (decision record 015). A read changes nothing, so a retry is
   * always safe.
   */
  async read<T extends RecordShape = RecordShape>(
    cypher: string,
    params: Record<string, unknown> = {},
  ): Promise<QueryResult<T>> {
    this.scope?.signal.throwIfAborted();
    const left = (this.scope?.deadline ?? Number.POSITIVE_INFINITY) - Date.now();
    // At least 1 ms: Neo4j reads a timeout of 0 as "none".
    const timeoutMs = Math.max(1, Math.min(this.queryTimeoutMs, left));
    this.counter.roundTrips += 1;
    return bounded(timeoutMs + answerGraceMs, this.scope?.signal, (signal) =>
      retryTransient(this.maxRetryMs, signal, () => this.autoCommit<T>(cypher, params, timeoutMs, signal)),
    ).catch((error: unknown) => this.throwStorageFault(error));
  }

  /** One auto-commit read; `signal` closes its session, which stops the query on the server. */
  private async autoCommit<T extends RecordShape>(
    cypher: string,
    params: Record<string, unknown>,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<QueryResult<T>> {
    const session = this.driver.session({ database: this.name, defaultAccessMode: neo4j.session.READ });
    const close = () => void session.close();
    signal.addEventListener("abort", close, { once: true });
    try {
      return await session.run<T>(cypher, params, { timeout: timeoutMs });
    } finally {
      signal.removeEventListener("abort", close);
      await session.close();
    }
  }

  /**
   * Runs `work` as one write transaction: everything it does commits together or not at all.
   * @throws DomainError STORAGE_FULL, before anything is sent, when the database's disk is below its reserve
   *   (`storage`), and in place of the database's own failure when the disk is found below it afterwards.
   */
  async writeTransaction<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    // Refusing writes while some room is left keeps Neo4j off a full disk, which would panic it and stop reads too.
    await this.storage?.assertRoom();
    const session = this.driver.session({ database: this.name, defaultAccessMode: neo4j.session.WRITE });
    return bounded(this.queryTimeoutMs + answerGraceMs, undefined, () =>
      session.executeWrite(work, { timeout: this.queryTimeoutMs }).finally(() => session.close()),
    ).catch((error: unknown) => this.throwStorageFault(error));
  }

  /**
   * Rethrows `error`, as STORAGE_FULL when it is the database failing (not the query: no ClientError) while its
   * disk is below the reserve: a store file that could not grow panics Neo4j, whose answers never say why.
   */
  private async throwStorageFault(error: unknown): Promise<never> {
    const failing =
      error instanceof DatabaseNotAnswering ||
      (error instanceof Neo4jError && !error.code.startsWith("Neo.ClientError."));
    if (this.storage && failing) {
      // A disk that cannot even be looked at (statfs failing) leaves the database's error as it is.
      const full = await this.storage.assertRoom().then(
        () => undefined,
        (refusal: unknown) => (refusal instanceof DomainError ? refusal : undefined),
      );
      if (full) throw full;
    }
    throw error;
  }

  /**
   * Whether the database answers a connectivity check within `waitMs` milliseconds: "unreachable" when it
   * refuses (down, restarting), "not answering" when it says nothing (frozen, cut off).
   */
  async ping(waitMs: number): Promise<"reachable" | "unreachable" | "not answering"> {
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<"not answering">((resolve) => {
      timer = setTimeout(resolve, waitMs, "not answering");
    });
    try {
      return await Promise.race([
        this.driver.verifyConnectivity({ database: this.name }).then(
          () => "reachable" as const,
          () => "unreachable" as const,
        ),
        silence,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

/**
 * `attempt`, tried again while it fails with an error the driver calls retriable (the database unreachable,
 * a leader election, a transient error) and `maxRetryMs` have not passed since the first try: the driver's own
 * rule for managed transactions (waits of about 1 s, doubling, with 20% jitter). Stops when `signal` aborts.
 */
async function retryTransient<T>(
  maxRetryMs: number,
  signal: AbortSignal,
  attempt: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  for (let delayMs = 1000; ; delayMs *= 2) {
    try {
      return await attempt();
    } catch (error) {
      if (!neo4j.isRetryableError(error) || signal.aborted || Date.now() - started >= maxRetryMs) throw error;
    }
    const jittered = delayMs * (0.8 + Math.random() * 0.4);
    await new Promise((resolve) => setTimeout(resolve, jittered));
    signal.throwIfAborted();
  }
}

/**
 * Settles with `query`, unless `signal` aborts first or `waitMs` milliseconds pass: then it rejects at once
 * with the signal's reason or DatabaseNotAnswering. `query` gets a signal that aborts in both cases, so that
 * neo4j-driver stops the query on a server that still answers; a frozen server gets no such chance (the
 * driver waits on it for ever), so that promise is abandoned, and Promise.race, having subscribed to it,
 * swallows its later rejection.
 */
async function bounded<T>(
  waitMs: number,
  signal: AbortSignal | undefined,
  query: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const giveUp = new AbortController();
  const timer = setTimeout(() => giveUp.abort(new DatabaseNotAnswering(waitMs)), waitMs);
  const onAbort = () => giveUp.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const givenUp = new Promise<never>((_, reject) => {
    giveUp.signal.addEventListener("abort", () => reject(giveUp.signal.reason), { once: true });
  });
  try {
    return await Promise.race([query(giveUp.signal), givenUp]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Connects to Neo4j, retrying until it answers or the time is up. Each failed attempt is logged with
 * its reason, so a wrong address or password shows at once rather than as a silent hang.
 */
export async function connect(
  config: Neo4jConnectionConfig & { uri: string },
  log: Logger,
  storage?: StorageGuard,
): Promise<Database> {
  const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password), {
    maxConnectionPoolSize: 50,
    // Waiting for a pooled connection, or for a new one's handshake, which a frozen server never completes,
    // takes no longer than a query may wait for its answer.
    connectionAcquisitionTimeout: config.queryTimeoutMs + answerGraceMs,
    // The TCP connect alone (a host that drops packets); a refused connection fails at once.
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
      return new Database(
        driver,
        config.database,
        config.queryTimeoutMs,
        config.maxRetryMs,
        config.startupTimeoutMs,
        storage,
      );
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
