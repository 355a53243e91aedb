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
import { observed, statementName, telemetry, traced } from "../telemetry.js";
import type { StorageGuard } from "./storage.js";

/**
 * How long past a query's transaction timeout the service still waits for the database's own answer, in
 * milliseconds. Neo4j looks for timed-out transactions every 2 s (db.transaction.monitor.check.interval), so
 * its TransactionTimedOut can arrive that late; silence beyond this means the database is not answering at
 * all (a frozen JVM, a cut network), which never sends the server-side timeout.
 */
export const answerGraceMs = 3000;

/**
 * The database's circuit breaker, in milliseconds: once a call has waited `suspectAfterMs` for its answer, the
 * service asks whether Neo4j answers at all (a connectivity check on a connection of its own, waiting
 * `probeTimeoutMs`); silence opens the breaker, and while it is open a probe goes out every `probeIntervalMs`.
 * A live Neo4j answers the check in milliseconds, even while it runs long queries, so a frozen one is known
 * within about `suspectAfterMs` + `watchIntervalMs` + `probeTimeoutMs` (1.2 s) of the call. The check has
 * 0.8 s rather than 0.7: a live Neo4j on a machine loaded many times over its cores may once have taken longer.
 */
export const suspectAfterMs = 300;
export const probeTimeoutMs = 800;
export const probeIntervalMs = 500;
const watchIntervalMs = 100;

/**
 * The database did not answer within the wait bound, or the breaker is open because it did not answer a
 * connectivity check (SERVICE_UNAVAILABLE to clients).
 */
export class DatabaseNotAnswering extends Error {
  override name = "DatabaseNotAnswering";
  readonly code = "SERVICE_UNAVAILABLE";

  constructor(
    readonly waitedMs: number,
    message = `Neo4j did not answer within ${waitedMs} ms`,
  ) {
    super(message);
  }
}

/** What a connectivity check found: "unreachable" when Neo4j refuses, "not answering" when it says nothing. */
export type Connectivity = "reachable" | "unreachable" | "not answering";

/**
 * The circuit breaker in front of the database, shared by a Database and its request views. Closed while Neo4j
 * answers. Every connectivity check goes through `check`: silence opens the breaker, an answer closes it. While
 * open, `reason` is set: calls fail at once with it instead of waiting out their bound, the calls already
 * waiting are given up with it, and a probe goes out every `probeIntervalMs` until one is answered. A refusal
 * (Neo4j stopped or restarting) changes nothing: such calls fail fast on their own.
 */
class Breaker {
  /** Why calls are refused while the breaker is open; undefined while it is closed. */
  reason: DatabaseNotAnswering | undefined;
  /** The calls waiting for an answer, oldest first (a Map keeps insertion order), with when each began. */
  private readonly waiting = new Map<AbortController, number>();
  private watching: NodeJS.Timeout | undefined;
  private probing: NodeJS.Timeout | undefined;
  private pending: Promise<Connectivity> | undefined;
  /** When a check last found Neo4j reachable (performance.now(), ms). */
  private answeredAt = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(private readonly connectivity: (waitMs: number) => Promise<Connectivity>) {}

  /**
   * One connectivity check of up to `probeTimeoutMs`, or the one already under way, and what it means for the
   * breaker: "not answering" opens it (unless a call got Neo4j's answer meanwhile), "reachable" closes it.
   */
  check(): Promise<Connectivity> {
    const startedAt = performance.now();
    this.pending ??= this.connectivity(probeTimeoutMs)
      .then((checked): Connectivity => {
        // A call answered while the check waited: Neo4j is alive, only slow to take a new connection (a machine
        // loaded many times over its cores), and opening would refuse calls it is answering.
        const found = checked === "not answering" && this.answeredAt >= startedAt ? "reachable" : checked;
        if (found === "reachable") this.close();
        else if (found === "not answering") this.open(probeTimeoutMs);
        return found;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  /**
   * Watches a call while it waits for Neo4j: `call` is aborted with `reason` if the breaker opens, and a call
   * that waits `suspectAfterMs` has the breaker check that Neo4j answers. `leave` ends the watch.
   */
  enter(call: AbortController): void {
    this.waiting.set(call, performance.now());
    if (this.watching) return;
    this.watching = setInterval(() => this.watch(), watchIntervalMs);
    this.watching.unref();
  }

  /** A call got Neo4j's answer: evidence that it answers, as good as a check's. */
  answered(): void {
    this.answeredAt = performance.now();
  }

  leave(call: AbortController): void {
    this.waiting.delete(call);
    if (this.waiting.size > 0) return;
    clearInterval(this.watching);
    this.watching = undefined;
  }

  /** Stops probing for good (the database is being closed). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.probing);
    clearInterval(this.watching);
  }

  /** Checks that Neo4j answers when the oldest call has waited `suspectAfterMs`, unless a check just said so. */
  private watch(): void {
    const now = performance.now();
    const oldest = this.waiting.values().next().value;
    if (oldest === undefined || now - oldest < suspectAfterMs || now - this.answeredAt < suspectAfterMs)
      return;
    void this.check();
  }

  private open(waitedMs: number): void {
    if (this.reason || this.stopped) return;
    this.reason = new DatabaseNotAnswering(
      waitedMs,
      `Neo4j did not answer a connectivity check within ${waitedMs} ms; its calls are refused until it answers`,
    );
    for (const call of this.waiting.keys()) call.abort(this.reason);
    this.probing = setInterval(() => void this.check(), probeIntervalMs);
    this.probing.unref();
  }

  private close(): void {
    this.answeredAt = performance.now();
    if (!this.reason) return;
    clearInterval(this.probing);
    this.reason = undefined;
  }
}

/** What a Database shares with its request views: the round-trip count and the breaker. */
interface Shared {
  roundTrips: number;
  breaker: Breaker;
}

/** How a Database bounds its calls, and what it watches. */
export interface DatabaseSettings {
  /** Every transaction's timeout, in milliseconds: Neo4j aborts a query that runs longer. */
  queryTimeoutMs: number;
  /** How long a read retries a transient failure (an unreachable database, a leader election), in ms. */
  maxRetryMs: number;
  /** The transaction timeout of the start-up steps (schema, seed load), in milliseconds: see `forStartup`. */
  startupTimeoutMs: number;
  /**
   * The driver of the connectivity checks: one of their own, so that a pool busy with long queries does not
   * look like a silent database. By default the database's driver.
   */
  probeDriver?: Driver;
  /** The free space of the database's disk, when this process knows it (the embedded Neo4j): see `writeTransaction`. */
  storage?: StorageGuard;
}

/** What a request view adds: the request's signal and its deadline (epoch milliseconds). */
interface RequestScope {
  signal: AbortSignal;
  deadline: number;
}

/**
 * Every Cypher statement goes through here: one place for the driver, the database name, the time bounds, the
 * breaker and the count. Each call ends within its transaction timeout plus `answerGraceMs`: with its result,
 * with Neo4j's own error, or with DatabaseNotAnswering, which comes at once while the breaker is open and
 * within about 1.5 s once Neo4j stops answering (see `suspectAfterMs`).
 */
export class Database {
  constructor(
    readonly driver: Driver,
    readonly name: string,
    readonly settings: DatabaseSettings,
    /** Shared by the views `withSignal` and `forStartup` make, so that the original counts their reads too. */
    private readonly shared: Shared = {
      roundTrips: 0,
      breaker: new Breaker((waitMs) => connectivity(settings.probeDriver ?? driver, name, waitMs)),
    },
    private readonly scope?: RequestScope,
  ) {}

  /** Every transaction's timeout, in milliseconds: Neo4j aborts a query that runs longer. */
  get queryTimeoutMs(): number {
    return this.settings.queryTimeoutMs;
  }

  /** Read queries sent so far, through this object and its views; tests read it to prove that batching holds. */
  get roundTrips(): number {
    return this.shared.roundTrips;
  }

  /** Whether the breaker is open: Neo4j did not answer a check, and calls fail at once until it does. */
  get breakerOpen(): boolean {
    return this.shared.breaker.reason !== undefined;
  }

  /**
   * A view of this database for one request: same driver, timeouts and round-trip count, but its reads reject
   * as soon as `signal` aborts, with `signal.reason` as the error (and the driver stops the query on the
   * server). With a `deadline` (epoch milliseconds), each read's transaction timeout is cut to what is left.
   * Writes are not cut by the signal: a write abandoned half-way would leave its outcome unknown.
   */
  withSignal(signal: AbortSignal, deadline = Number.POSITIVE_INFINITY): Database {
    return new Database(this.driver, this.name, this.settings, this.shared, { signal, deadline });
  }

  /**
   * A view of this database for the start-up steps (schema, index population, seed load): same driver, breaker
   * and round-trip count, with `startupTimeoutMs` (STARTUP_TIMEOUT_MS) instead of `queryTimeoutMs` as every
   * transaction's timeout. A first seed load on a busy machine takes longer than one request should.
   */
  forStartup(): Database {
    const { startupTimeoutMs } = this.settings;
    return new Database(
      this.driver,
      this.name,
      { ...this.settings, queryTimeoutMs: startupTimeoutMs },
      this.shared,
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
    this.refuseWhileOpen();
    this.shared.roundTrips += 1;
    const run = () =>
      this.bounded(timeoutMs + answerGraceMs, this.scope?.signal, (signal) =>
        retryTransient(this.settings.maxRetryMs, signal, () =>
          this.autoCommit<T>(cypher, params, timeoutMs, signal),
        ),
      ).catch((error: unknown) => this.throwStorageFault(error));
    return observed() ? measured("read", statementName(Database.prototype.read), run) : run();
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
   * Runs `work` as one write transaction: everything it does commits together or not at all. `statement` names
   * it in metrics and traces (a write behind a shared guard names its operation); left out, the calling
   * function's name.
   * @throws DomainError STORAGE_FULL, before anything is sent, when the database's disk is below its reserve
   *   (`storage`), and in place of the database's own failure when the disk is found below it afterwards.
   */
  async writeTransaction<T>(work: (tx: ManagedTransaction) => Promise<T>, statement?: string): Promise<T> {
    // Named before the first await: after it, the caller is no longer on the stack (statementName).
    const name = observed() ? (statement ?? statementName(Database.prototype.writeTransaction)) : undefined;
    this.refuseWhileOpen();
    // Refusing writes while some room is left keeps Neo4j off a full disk, which would panic it and stop reads too.
    await this.settings.storage?.assertRoom();
    const session = this.driver.session({ database: this.name, defaultAccessMode: neo4j.session.WRITE });
    const run = () =>
      this.bounded(this.queryTimeoutMs + answerGraceMs, undefined, () =>
        session.executeWrite(work, { timeout: this.queryTimeoutMs }).finally(() => session.close()),
      ).catch((error: unknown) => this.throwStorageFault(error));
    return name === undefined ? run() : measured("write", name, run);
  }

  /**
   * Rethrows `error`, as STORAGE_FULL when it is the database failing (not the query: no ClientError) while its
   * disk is below the reserve: a store file that could not grow panics Neo4j, whose answers never say why.
   */
  private async throwStorageFault(error: unknown): Promise<never> {
    const failing =
      error instanceof DatabaseNotAnswering ||
      (error instanceof Neo4jError && !error.code.startsWith("Neo.ClientError."));
    const { storage } = this.settings;
    if (storage && failing) {
      // A disk that cannot even be looked at (statfs failing) leaves the database's error as it is.
      const full = await storage.assertRoom().then(
        () => undefined,
        (refusal: unknown) => (refusal instanceof DomainError ? refusal : undefined),
      );
      if (full) throw full;
    }
    throw error;
  }

  /**
   * Whether the database answers a connectivity check within `waitMs` milliseconds: "unreachable" when it
   * refuses (down, restarting), "not answering" when it says nothing (frozen, cut off). The check is the
   * breaker's (joined if one is under way), which goes on for `probeTimeoutMs` whatever `waitMs`: its silence
   * opens the breaker, an answer closes it.
   */
  ping(waitMs: number): Promise<Connectivity> {
    return within(this.shared.breaker.check(), waitMs, "not answering");
  }

  /** Fails at once, with the breaker's reason, while the breaker is open. */
  private refuseWhileOpen(): void {
    const { reason } = this.shared.breaker;
    if (reason) throw reason;
  }

  /**
   * Settles with `query`, unless `signal` aborts, the breaker opens or `waitMs` milliseconds pass first: then
   * it rejects at once with the signal's reason, the breaker's, or a DatabaseNotAnswering. The breaker watches
   * the call meanwhile (a call left unanswered makes it check Neo4j). `query` gets a signal that aborts in every
   * such case, so that neo4j-driver stops the query on a server that still answers; a frozen server gets no
   * such chance (the driver waits on it for ever), so that promise is abandoned, and Promise.race, having
   * subscribed to it, swallows its later rejection.
   */
  private async bounded<T>(
    waitMs: number,
    signal: AbortSignal | undefined,
    query: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { breaker } = this.shared;
    const giveUp = new AbortController();
    const timer = setTimeout(() => giveUp.abort(new DatabaseNotAnswering(waitMs)), waitMs);
    const onAbort = () => giveUp.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const givenUp = new Promise<never>((_, reject) => {
      giveUp.signal.addEventListener("abort", () => reject(giveUp.signal.reason), { once: true });
    });
    breaker.enter(giveUp);
    try {
      const answer = await Promise.race([query(giveUp.signal), givenUp]);
      breaker.answered();
      return answer;
    } finally {
      breaker.leave(giveUp);
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Stops the breaker's probes and closes the drivers. */
  async close(): Promise<void> {
    this.shared.breaker.stop();
    await this.driver.close();
    const { probeDriver } = this.settings;
    if (probeDriver && probeDriver !== this.driver) await probeDriver.close();
  }
}

/**
 * `run`, one round trip (a read) or one transaction (a write), in a span named after its statement and counted
 * with its time: only while metrics or tracing are on (see src/telemetry.ts).
 */
async function measured<T>(kind: "read" | "write", statement: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let failed = true;
  try {
    const result = await traced(
      `cypher ${statement}`,
      { "db.system": "neo4j", "db.operation.name": statement, "db.access": kind },
      run,
    );
    failed = false;
    return result;
  } finally {
    telemetry.measurements?.roundTrip(kind, statement, (performance.now() - started) / 1000, failed);
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

/** Whether `driver` answers a connectivity check on `database` within `waitMs` milliseconds. */
function connectivity(driver: Driver, database: string, waitMs: number): Promise<Connectivity> {
  const checked = driver.verifyConnectivity({ database }).then(
    () => "reachable" as const,
    () => "unreachable" as const,
  );
  return within(checked, waitMs, "not answering");
}

/** What `promise` resolves to, or `fallback` if it has not settled within `waitMs` milliseconds. */
async function within<T, F>(promise: Promise<T>, waitMs: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => {
    timer = setTimeout(resolve, waitMs, fallback);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
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
  const auth = neo4j.auth.basic(config.user, config.password);
  const driver = neo4j.driver(config.uri, auth, {
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
      // The breaker's connectivity checks, on connections of their own: two, since a check left waiting on a
      // frozen server holds one until the server answers. A liveness check on every acquisition (timeout 0)
      // makes each check a round trip: verifyConnectivity alone reuses a pooled connection whose last message
      // was its LOGON without sending anything, and so finds a frozen server "reachable".
      const probeDriver = neo4j.driver(config.uri, auth, {
        maxConnectionPoolSize: 2,
        connectionLivenessCheckTimeout: 0,
        connectionAcquisitionTimeout: config.queryTimeoutMs + answerGraceMs,
        connectionTimeout: 5_000,
      });
      return new Database(driver, config.database, {
        queryTimeoutMs: config.queryTimeoutMs,
        maxRetryMs: config.maxRetryMs,
        startupTimeoutMs: config.startupTimeoutMs,
        probeDriver,
        storage,
      });
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
