import { type GraphQLResolveInfo, responsePathAsArray } from "graphql";
import { limitExceeded, queryTimeout } from "../errors.js";

/** The runtime ceilings of one GraphQL request: what the cost estimate may miss stops here. */
export interface BudgetLimits {
  /** Most list items (relations, citations, actors, ...) one request may resolve. */
  maxItems: number;
  /** Most bytes of text one response may carry, estimated as execution goes (see RequestBudget). */
  maxResponseBytes: number;
  /** Longest a request may execute, in milliseconds, database waits included. */
  requestTimeoutMs: number;
}

/** A list cut by its limit, reported in the response's extensions.truncated. */
export interface Truncation {
  path: (string | number)[];
  limit: number;
}

/** At most this many cuts are listed one by one; the count covers them all. */
const maxTruncationsListed = 10;

/** Estimated JSON bytes of one list item beyond its text fields (keys, names, punctuation). */
const bytesPerItem = 64;

/**
 * One request's budget of items, response bytes and time. Resolvers charge it; when a ceiling is hit, it
 * aborts `signal` with a LIMIT_EXCEEDED (or QUERY_TIMEOUT) error. The executor stops at the next field and
 * the database reads of the request give up at once, so the work already done is all the work there is.
 */
export class RequestBudget {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  /** The document's estimated cost with its variables (set by the cost limit before execution; 0 until then). */
  estimatedCost = 0;
  items = 0;
  bytes = 0;
  truncations = 0;
  readonly truncated: Truncation[] = [];

  constructor(readonly limits: BudgetLimits) {}

  /** Aborted when a ceiling is hit or the time is up; its reason is the coded error to answer. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts the clock: the request has `requestTimeoutMs` from now. */
  start(): void {
    this.timer ??= setTimeout(() => {
      if (this.controller.signal.aborted) return;
      this.controller.abort(
        queryTimeout(`The request took longer than ${this.limits.requestTimeoutMs} ms; narrow it down.`),
      );
    }, this.limits.requestTimeoutMs).unref();
  }

  /**
   * Aborts the budget's signal too when `signal` aborts (the client went away), with its reason. A listener on
   * each signal rather than `AbortSignal.any`: Node 20 keeps a composite signal that has listeners alive until
   * it aborts, and with it everything its listeners hold (the executor's listener held each request's pending
   * work: about 140 KB a deep nested request, never freed).
   */
  follow(signal: AbortSignal): void {
    const abort = () => {
      if (!this.controller.signal.aborted) this.controller.abort(signal.reason);
    };
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
  }

  /** Stops the clock; called when execution is done. */
  finish(): void {
    clearTimeout(this.timer);
  }

  /** Charges `count` list items (and their estimated bytes). */
  chargeItems(count: number): void {
    this.items += count;
    this.bytes += count * bytesPerItem;
    if (this.items > this.limits.maxItems) {
      this.abort(
        limitExceeded(
          `The query resolves more than ${this.limits.maxItems} list items; ask for smaller pages or limits.`,
          { resolvedItems: this.items, maxItems: this.limits.maxItems },
        ),
      );
    }
    this.checkBytes();
  }

  /** Charges a text field's length (code units: close to bytes for the mostly Latin texts served). */
  chargeText(text: string): string {
    this.bytes += text.length;
    this.checkBytes();
    return text;
  }

  recordTruncation(info: GraphQLResolveInfo, limit: number): void {
    this.truncations += 1;
    if (this.truncated.length < maxTruncationsListed) {
      this.truncated.push({ path: responsePathAsArray(info.path), limit });
    }
  }

  private checkBytes(): void {
    if (this.bytes > this.limits.maxResponseBytes) {
      this.abort(
        limitExceeded(
          `The response would exceed ${this.limits.maxResponseBytes} bytes; select fewer texts or smaller lists.`,
          { estimatedBytes: this.bytes, maxResponseBytes: this.limits.maxResponseBytes },
        ),
      );
    }
  }

  private abort(reason: Error): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
    // Every later resolver that charges the budget stops too, rather than running on.
    throw this.controller.signal.reason;
  }
}
