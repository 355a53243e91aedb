import { type GraphQLResolveInfo, responsePathAsArray } from "graphql";
import { limitExceeded, overloaded, queryTimeout } from "../domain/errors.js";
import { telemetry } from "../telemetry.js";

/** The runtime ceilings of one GraphQL request: what the cost estimate may miss stops here. */
export interface BudgetLimits {
  /** Most list items (relations, citations, actors, ...) one request may resolve. */
  maxItems: number;
  /** Most bytes of text one response may carry, estimated as execution goes (see RequestBudget). */
  maxResponseBytes: number;
  /** Longest a request may execute, in milliseconds, database waits included. */
  requestTimeoutMs: number;
}

/**
 * The response bytes every request executing now has charged, in all (the same estimate as each request's
 * `maxResponseBytes`): one per service, shared by the requests' budgets. Admission bounds the work in flight by
 * its estimated cost, which does not see how long texts are; this bounds the texts themselves, so that the
 * process's memory has a ceiling whatever the corpus.
 */
export class BytesInFlight {
  total = 0;

  /** @param max most bytes at once; a request whose charge crosses it stops with OVERLOADED. */
  constructor(readonly max: number) {}
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

  private released = false;

  /** @param inFlight the service's shared count of response bytes; a budget of its own when absent (scripts). */
  constructor(
    readonly limits: BudgetLimits,
    private readonly inFlight = new BytesInFlight(limits.maxResponseBytes),
  ) {}

  /** Aborted when a ceiling is hit or the time is up; its reason is the coded error to answer. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts the clock: the request has `requestTimeoutMs` from now. */
  start(): void {
    this.timer ??= setTimeout(() => {
      if (this.controller.signal.aborted) return;
      telemetry.measurements?.refusal("request_timeout");
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

  /** Stops the clock and gives the request's bytes back to the shared count; called when execution ends. */
  finish(): void {
    clearTimeout(this.timer);
    if (this.released) return;
    this.released = true;
    this.inFlight.total -= this.bytes;
  }

  /** Charges `count` list items (and their estimated bytes). */
  chargeItems(count: number): void {
    this.items += count;
    this.addBytes(count * bytesPerItem);
    if (this.items > this.limits.maxItems) {
      this.abort(
        limitExceeded(
          `The query resolves more than ${this.limits.maxItems} list items; ask for smaller pages or limits.`,
          { resolvedItems: this.items, maxItems: this.limits.maxItems },
        ),
        "items",
      );
    }
    this.checkBytes();
  }

  /** Charges a text field's length (code units: close to bytes for the mostly Latin texts served). */
  chargeText(text: string): string {
    this.addBytes(text.length);
    this.checkBytes();
    return text;
  }

  recordTruncation(info: GraphQLResolveInfo, limit: number): void {
    this.truncations += 1;
    if (this.truncated.length < maxTruncationsListed) {
      this.truncated.push({ path: responsePathAsArray(info.path), limit });
    }
  }

  private addBytes(bytes: number): void {
    this.bytes += bytes;
    if (!this.released) this.inFlight.total += bytes;
  }

  /** Its own ceiling first (the request itself is too big), then the service's (too much at once). */
  private checkBytes(): void {
    if (this.bytes > this.limits.maxResponseBytes) {
      this.abort(
        limitExceeded(
          `The response would exceed ${this.limits.maxResponseBytes} bytes; select fewer texts or smaller lists.`,
          { estimatedBytes: this.bytes, maxResponseBytes: this.limits.maxResponseBytes },
        ),
        "response_bytes",
      );
    }
    if (this.inFlight.total > this.inFlight.max && !this.released) {
      this.abort(
        overloaded(
          `The requests executing now hold more than ${this.inFlight.max} bytes of answers; try again in a moment.`,
          { bytesInFlight: this.inFlight.total, maxBytesInFlight: this.inFlight.max },
        ),
        "bytes_in_flight",
      );
    }
  }

  /** Stops the request with `reason`; `limit` names the ceiling for the refusal count (src/telemetry.ts). */
  private abort(reason: Error, limit: string): void {
    if (!this.controller.signal.aborted) {
      telemetry.measurements?.refusal(limit);
      this.controller.abort(reason);
    }
    // Every later resolver that charges the budget stops too, rather than running on.
    throw this.controller.signal.reason;
  }
}
