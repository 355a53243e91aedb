import type { SubscriptionsConfig } from "../config.js";
import { changesAfter, type LoggedChange, lastChangeSequence } from "../db/change-log.js";
import type { Database } from "../db/database.js";
import { type ProposalRecord, proposalsByKey } from "../db/proposals.js";
import { type DomainError, limitExceeded, overloaded, slowConsumer } from "../domain/errors.js";
import type { Logger } from "../logger.js";
import { telemetry } from "../telemetry.js";

/**
 * The graph's changes, live (docs/decisions/039-subscriptions.md). One feed per handler (one per process in the
 * service) follows the ordered history in Neo4j (src/db/change-log.ts) with one polling loop shared by all its
 * subscribers: every `pollMs` while anyone listens, one read of the changes after the last it saw, bounded by
 * `readTimeoutMs`, so a change committed through any replica reaches every replica's subscribers. Each subscriber
 * has its own queue of at most `queue` events; one that reads more slowly than changes come is dropped with a
 * final SLOW_CONSUMER event, and writes never wait for anyone: they commit, the loop reads them later.
 */

/** Where a subscriber is: its client address and the connection (socket) it came on, both counted by the limits. */
export interface SubscriberClient {
  address: string;
  /** The connection's identity: the Node socket, or a fresh object when there is none (a script's call). */
  connection: object;
  /** sse, ws or none: the label of the open subscriptions' metric. */
  transport: string;
  /** Closes the connection at once: for a dropped subscriber that does not read its final event. */
  abandon?: () => void;
}

/** What a subscription yields: a change, or its last event, the reason it was dropped. */
export type FeedEvent = LoggedChange | { dropped: DomainError };

/** Changes read per round trip, by the loop and by a replay. */
const pageSize = 500;

/** The feed: the loop, the subscribers and the counts their limits read. */
export class ChangeFeed {
  /** The last sequence number read and handed out; undefined until the first read. */
  private head: number | undefined;
  private readonly subscribers = new Set<FeedSubscription>();
  private readonly perAddress = new Map<string, number>();
  private readonly perConnection = new WeakMap<object, number>();
  /** The loop's reads and the openings of subscriptions, one after another. */
  private turns: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly stopping = new AbortController();
  private failing = false;
  /** The proposals of each change delivered, read once for all the subscribers that ask. */
  private readonly proposals = new WeakMap<LoggedChange, Promise<ProposalRecord[]>>();

  constructor(
    readonly db: Database,
    readonly limits: SubscriptionsConfig,
    private readonly log: Logger,
  ) {}

  /** Subscriptions open now. */
  get open(): number {
    return this.subscribers.size;
  }

  /**
   * Opens a subscription for `client` to the changes `accept` keeps: those after sequence `after` when given
   * (replayed from the history, then live), else those committed from now on.
   * @throws LIMIT_EXCEEDED past the subscriptions of one connection or one address, or for a cursor more than
   *   `maxReplay` changes behind; OVERLOADED past the process's; SERVICE_UNAVAILABLE when the history cannot be read.
   */
  async subscribe(
    client: SubscriberClient,
    after: number | null,
    accept: (change: LoggedChange) => boolean,
  ): Promise<AsyncIterableIterator<FeedEvent>> {
    this.admit(client);
    this.timer ??= setTimeout(() => void this.poll(), this.limits.pollMs).unref();
    // In turn with the loop: the head cannot move between the moment it is read and the moment the subscriber
    // is counted, so every later change reaches its queue and every earlier one its replay.
    return this.inTurn(async () => {
      this.admit(client);
      // Idle, the loop reads nothing: the head is brought to the present before anyone listens again.
      if (this.head === undefined || this.subscribers.size === 0) {
        this.head = await lastChangeSequence(this.reader());
      }
      const head = this.head;
      if (after !== null && head - after > this.limits.maxReplay) {
        telemetry.measurements?.refusal("subscription_replay");
        throw limitExceeded(
          `The cursor is ${head - after} changes behind, more than the ${this.limits.maxReplay} a subscription ` +
            "replays: read the history with queries, then subscribe without a cursor.",
          { behind: head - after, maxReplay: this.limits.maxReplay },
        );
      }
      const subscription = new FeedSubscription(this, client, after ?? head, head, accept);
      this.subscribers.add(subscription);
      this.perAddress.set(client.address, (this.perAddress.get(client.address) ?? 0) + 1);
      this.perConnection.set(client.connection, (this.perConnection.get(client.connection) ?? 0) + 1);
      telemetry.measurements?.subscription(client.transport, 1);
      return subscription;
    });
  }

  /** Runs `work` after every earlier turn (the loop's reads, subscriptions opening) has ended. */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turns.then(work);
    this.turns = result.catch(() => {});
    return result;
  }

  /** Refuses a subscription over one of the limits, the client's own first. */
  private admit(client: SubscriberClient): void {
    const { perConnection, perAddress, max } = this.limits;
    const onConnection = this.perConnection.get(client.connection) ?? 0;
    if (onConnection >= perConnection) {
      telemetry.measurements?.refusal("subscriptions_per_connection");
      throw limitExceeded(
        `This connection has ${onConnection} subscriptions open, the most one connection may hold; end one first.`,
        { open: onConnection, maxPerConnection: perConnection },
      );
    }
    const fromAddress = this.perAddress.get(client.address) ?? 0;
    if (fromAddress >= perAddress) {
      telemetry.measurements?.refusal("subscriptions_per_address");
      throw limitExceeded(
        `Your address has ${fromAddress} subscriptions open, the most one client address may hold; end one first.`,
        { open: fromAddress, maxPerAddress: perAddress },
      );
    }
    if (this.subscribers.size >= max) {
      telemetry.measurements?.refusal("subscriptions");
      throw overloaded(
        `The service has ${this.subscribers.size} subscriptions open, its most; try again later.`,
        {
          open: this.subscribers.size,
          maxSubscriptions: max,
        },
      );
    }
  }

  /** Forgets a subscription that ended. */
  release(subscription: FeedSubscription): void {
    if (!this.subscribers.delete(subscription)) return;
    const { address, connection, transport } = subscription.client;
    const fromAddress = (this.perAddress.get(address) ?? 1) - 1;
    if (fromAddress === 0) this.perAddress.delete(address);
    else this.perAddress.set(address, fromAddress);
    this.perConnection.set(connection, (this.perConnection.get(connection) ?? 1) - 1);
    telemetry.measurements?.subscription(transport, -1);
  }

  /**
   * The proposals a change made (an intake: its details list them) or decided, as they stand now, in key order:
   * one read per change, whatever the number of subscribers that ask, bounded by the loop's read timeout.
   */
  proposalsOf(change: LoggedChange): Promise<ProposalRecord[]> {
    let read = this.proposals.get(change);
    if (!read) {
      const made: unknown =
        change.operation === "intake" ? JSON.parse(change.details)?.result?.proposals : undefined;
      const keys = [...(Array.isArray(made) ? made : []), ...change.decided];
      const db = this.reader();
      read = keys.length === 0 ? Promise.resolve([]) : proposalsByKey((c, p) => db.read(c, p), keys);
      this.proposals.set(change, read);
    }
    return read;
  }

  /** The changes after `after`, one page, for a replay; bounded by the loop's read timeout. */
  page(after: number): Promise<{ last: number; changes: LoggedChange[] }> {
    return changesAfter(this.reader(), after, pageSize);
  }

  /** The feed's database view: each read cut off after `readTimeoutMs`, and at once when the feed stops. */
  private reader(): Database {
    return this.db.withSignal(this.stopping.signal, Date.now() + this.limits.readTimeoutMs);
  }

  /** One turn of the loop, then the next in `pollMs`. */
  private async poll(): Promise<void> {
    await this.inTurn(() => this.readNew());
    if (!this.stopping.signal.aborted)
      this.timer = setTimeout(() => void this.poll(), this.limits.pollMs).unref();
  }

  /** Every change after the head, page by page, handed to each subscriber in order; nothing while nobody listens. */
  private async readNew(): Promise<void> {
    if (this.subscribers.size === 0 || this.head === undefined || this.stopping.signal.aborted) return;
    try {
      for (;;) {
        const head: number = this.head;
        const { last, changes } = await changesAfter(this.reader(), head, pageSize);
        if (last < head) {
          // The history was emptied (a test's reset, a restored backup): follow it from where it now ends.
          this.log.warn(
            { head, last },
            "The history is shorter than the subscriptions had read; following it anew",
          );
          this.head = last;
          break;
        }
        for (const subscription of this.subscribers) subscription.push(changes);
        this.head = changes.at(-1)?.sequence ?? head;
        if (changes.length < pageSize) break;
      }
      if (this.failing) this.log.info("Subscriptions read the history again");
      this.failing = false;
    } catch (error) {
      // Tried again at the next turn: nobody misses anything, changes only come later.
      if (!this.failing) this.log.warn({ err: error }, "Subscriptions could not read the history; retrying");
      this.failing = true;
    }
  }

  /** Stops the loop and ends every subscription (the service is stopping). */
  async stop(): Promise<void> {
    this.stopping.abort(new Error("The service is stopping"));
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([...this.subscribers].map((s) => s.return()));
  }
}

const done: IteratorResult<FeedEvent> = { done: true, value: undefined };

/**
 * One subscriber: first the changes of the history between its cursor and the head at subscription (read page by
 * page, as it reads them), then those the loop hands it. Each change is delivered once, in sequence order: the
 * loop's are all past the head, and anything at or before the last delivered is skipped. An iterator written by
 * hand rather than an async generator: a generator waiting for the next change could not be ended by its
 * consumer until one came, and a closed connection would hold its place in the limits.
 */
class FeedSubscription implements AsyncIterableIterator<FeedEvent> {
  private readonly queue: LoggedChange[] = [];
  private backlog: LoggedChange[] = [];
  private wake: (() => void) | undefined;
  private dropped: DomainError | undefined;
  private closed = false;

  constructor(
    private readonly feed: ChangeFeed,
    readonly client: SubscriberClient,
    /** The last sequence number delivered or passed over (not accepted). */
    private last: number,
    /** The replay reads the history up to here; the loop hands over what comes after. */
    private readonly replayUntil: number,
    private readonly accept: (change: LoggedChange) => boolean,
  ) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<FeedEvent> {
    return this;
  }

  /** Called by the loop with each page of changes, in order; a subscriber that falls `queue` behind is dropped. */
  push(changes: readonly LoggedChange[]): void {
    if (this.closed || this.dropped) return;
    for (const change of changes) {
      if (!this.accept(change)) continue;
      if (this.queue.length >= this.feed.limits.queue) {
        this.drop();
        return;
      }
      this.queue.push(change);
    }
    this.wakeUp();
  }

  private drop(): void {
    const unread = this.queue.length;
    this.queue.length = 0;
    this.backlog = [];
    telemetry.measurements?.refusal("slow_consumer");
    this.dropped = slowConsumer(
      `Dropped: ${unread} events were waiting for this subscriber, the most one may leave unread; subscribe ` +
        "again with the cursor of the last event received to get what followed.",
      { unread, maxQueued: this.feed.limits.queue },
    );
    // A client that does not even read its last event loses its connection after one heartbeat's time.
    setTimeout(() => {
      if (!this.closed) this.client.abandon?.();
    }, this.feed.limits.heartbeatMs).unref();
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async next(): Promise<IteratorResult<FeedEvent>> {
    for (;;) {
      if (this.closed) return done;
      if (this.dropped) {
        const dropped = this.dropped;
        await this.return();
        return { done: false, value: { dropped } };
      }
      const change = this.backlog.shift() ?? (this.last < this.replayUntil ? undefined : this.queue.shift());
      if (change) {
        if (change.sequence <= this.last) continue;
        this.last = change.sequence;
        if (this.accept(change)) return { done: false, value: change };
        continue;
      }
      if (this.last < this.replayUntil) {
        const { changes } = await this.feed.page(this.last);
        const replayed = changes.filter((c) => c.sequence <= this.replayUntil);
        // Nothing left before the head (removed since): the replay is over.
        if (replayed.length === 0) this.last = this.replayUntil;
        this.backlog = replayed;
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  async return(): Promise<IteratorResult<FeedEvent>> {
    if (!this.closed) {
      this.closed = true;
      this.queue.length = 0;
      this.backlog = [];
      this.feed.release(this);
      this.wakeUp();
    }
    return done;
  }

  async throw(error: unknown): Promise<IteratorResult<FeedEvent>> {
    await this.return();
    throw error;
  }
}
