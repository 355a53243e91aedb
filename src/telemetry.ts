/**
 * What the service reports about itself, for every layer: the database, the Java processes and the NLP client
 * report here, and the HTTP layer installs what listens (src/http/metrics.ts: Prometheus counters;
 * src/http/tracing.ts: OpenTelemetry spans). Until something is installed every report is a no-op, and no
 * metrics or tracing library is loaded (decision 037).
 */

/** Events the metrics count; each method must be cheap and never throw. */
export interface Measurements {
  /** One Cypher round trip: `kind` read or write, `statement` the named function that sent it (see statementName). */
  roundTrip(kind: "read" | "write", statement: string, seconds: number, failed: boolean): void;
  /** A Java process of ours (`process`: its supervision's name) died and is being restarted. */
  processRestart(process: string): void;
  /** How long a write waited for the graph's write lock, in seconds (round trip included). */
  writeLockWait(seconds: number): void;
  /** A request or connection refused by one of the service's limits (`limit`: a short fixed name). */
  refusal(limit: string): void;
  /** A request began (+1) or ended (-1) its wait in the admission queue (src/http/admission.ts). */
  queued(change: 1 | -1): void;
  /** A subscription opened (+1) or ended (-1), over `transport` (sse, ws, or none for a script's). */
  subscription(transport: string, change: 1 | -1): void;
}

/** Span attributes: flat names to strings and numbers, as OpenTelemetry takes them. */
export type SpanAttributes = Record<string, string | number | boolean>;

/** The tracing of src/http/tracing.ts, seen from the layers below it. */
export interface Tracing {
  /**
   * Runs `work` inside a span called `name`, ended when `work` settles (its error recorded). The span's parent
   * is the span of `request` when given (the HTTP request being served), else the active span.
   */
  span<T>(name: string, attributes: SpanAttributes, work: () => T, request?: Request): T;
}

/** What is installed: nothing until metrics or tracing are turned on. */
export const telemetry: { measurements?: Measurements; tracing?: Tracing } = {};

/** Runs `work` in a span when tracing is on; otherwise just runs it. */
export function traced<T>(name: string, attributes: SpanAttributes, work: () => T, request?: Request): T {
  const { tracing } = telemetry;
  return tracing ? tracing.span(name, attributes, work, request) : work();
}

/** Whether anything listens: callers skip the work of a report (a name, a clock) when nothing does. */
export function observed(): boolean {
  return telemetry.measurements !== undefined || telemetry.tracing !== undefined;
}

/**
 * The name of the function that called `callee`: a Cypher statement is known by the named function that sends
 * it (src/db/ holds each query once, in a function of its own), never by its text or parameters. Read from a
 * one-frame stack trace (about 2 µs), only while metrics or tracing are on; "anonymous" when the caller has no
 * name. Names come from our code, so their number is bounded.
 */
// biome-ignore lint/complexity/noBannedTypes: captureStackTrace takes any function
export function statementName(callee: Function): string {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 1;
  Error.captureStackTrace(holder, callee);
  Error.stackTraceLimit = limit;
  const name = /\n\s+at (?:async )?([\w$.<>]+) \(/.exec(holder.stack ?? "")?.[1];
  return name?.replace(/^(?:Object|Module)\./, "") ?? "anonymous";
}
