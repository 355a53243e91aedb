import { createServer, type Server } from "node:http";
import {
  createCounter,
  createHistogram,
  type FillLabelsFnParams,
  usePrometheus,
} from "@graphql-yoga/plugin-prometheus";
import type { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Authenticator } from "../api-keys.js";
import { presentedKey, requireRole } from "../auth.js";
import type { MetricsConfig } from "../config.js";
import type { BytesInFlight } from "../graphql/budget.js";
import type { Logger } from "../logger.js";
import { type Measurements, telemetry } from "../telemetry.js";
import { errorResponse } from "./exports.js";

/**
 * The service's metrics in Prometheus' text format (decision 037): the GraphQL requests through
 * @graphql-yoga/plugin-prometheus (latency by operation and outcome code, the parse, validate and execute
 * phases, errors by phase and code), and what the plugin cannot see through src/telemetry.ts (refusals by limit,
 * Cypher round trips, the admission queue, bytes in flight, open subscriptions, process restarts, write lock
 * waits).
 */

/** Most distinct operation names (chosen by clients) kept as label values; the others count as "other". */
export const maxOperationNames = 100;
/** Longest operation name kept in a label, in characters. */
const maxOperationNameChars = 64;
/** Most distinct outcome codes kept; a code past them counts as "OTHER" (codes come from us and graphql-js). */
const maxCodes = 40;

/**
 * Label values from an unbounded set (operation names clients choose), bounded: the first `max` distinct
 * values are kept, later ones are `overflow`; a missing value is `missing`.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    readonly max: number,
    readonly missing: string,
    readonly overflow: string,
    private readonly maxChars = maxOperationNameChars,
  ) {}

  of(value: string | null | undefined): string {
    if (!value) return this.missing;
    const cut = value.slice(0, this.maxChars);
    if (this.seen.has(cut)) return cut;
    if (this.seen.size >= this.max) return this.overflow;
    this.seen.add(cut);
    return cut;
  }
}

/** Seconds buckets for requests and database round trips: 1 ms to 15 s (REQUEST_TIMEOUT_MS's default). */
const secondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];
/** Estimated cost buckets, up to MAX_COST's default and past it (refused requests are observed too). */
const costBuckets = [1, 10, 100, 1000, 10_000, 50_000, 100_000, 1_000_000];

/**
 * The process's metrics: one registry for the process, since the database, the Java processes and the NLP
 * client report to one place (src/telemetry.ts). Made once, on first use.
 */
class ServiceMetrics implements Measurements {
  readonly registry = new Registry();
  readonly operations = new BoundedLabel(maxOperationNames, "anonymous", "other");
  readonly codes = new BoundedLabel(maxCodes, "OK", "OTHER");
  /** The outcome code of each GraphQL request, from its result, for the request histogram's label. */
  readonly outcomes = new WeakMap<Request, string>();
  /** The services' shared counts of answer bytes (one per handler; one handler in a running service). */
  private readonly bytesSources = new Set<BytesInFlight>();

  private readonly refusals = new Counter({
    name: "actorgraph_refusals_total",
    help: "Requests and connections refused by one of the service's limits, by limit",
    labelNames: ["limit"],
    registers: [this.registry],
  });
  private readonly cost = new Histogram({
    name: "actorgraph_estimated_cost",
    help: "Estimated cost of each GraphQL operation (MAX_COST's measure), refused ones included",
    buckets: costBuckets,
    registers: [this.registry],
  });
  private readonly roundTrips = new Counter({
    name: "actorgraph_db_round_trips_total",
    help: "Cypher round trips (reads) and write transactions, by statement (the function that sends it) and outcome",
    labelNames: ["kind", "statement", "outcome"],
    registers: [this.registry],
  });
  private readonly dbSeconds = new Histogram({
    name: "actorgraph_db_duration_seconds",
    help: "Time of each Cypher round trip or write transaction, retries included, by statement",
    labelNames: ["kind", "statement"],
    buckets: secondsBuckets,
    registers: [this.registry],
  });
  private readonly queue = new Gauge({
    name: "actorgraph_admission_queue_length",
    help: "Requests waiting for room under MAX_COST_IN_FLIGHT",
    registers: [this.registry],
  });
  private readonly subscriptions = new Gauge({
    name: "actorgraph_subscriptions_open",
    help: "Subscriptions open now (the graph's changes, a source's proposals), by transport: sse or ws",
    labelNames: ["transport"],
    registers: [this.registry],
  });
  private readonly restarts = new Counter({
    name: "actorgraph_process_restarts_total",
    help: "Deaths of a Java process of ours (the embedded Neo4j, CoreNLP) that its supervisor restarts",
    labelNames: ["process"],
    registers: [this.registry],
  });
  private readonly lockWaits = new Histogram({
    name: "actorgraph_write_lock_wait_seconds",
    help: "Time a write waited for the graph's write lock (its round trip included)",
    buckets: secondsBuckets,
    registers: [this.registry],
  });

  constructor() {
    const sources = this.bytesSources;
    new Gauge({
      name: "actorgraph_bytes_in_flight",
      help: "Answer bytes held by the requests executing now (as MAX_BYTES_IN_FLIGHT counts them)",
      registers: [this.registry],
      collect() {
        let total = 0;
        for (const source of sources) total += source.total;
        this.set(total);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  watchBytesInFlight(source: BytesInFlight): void {
    this.bytesSources.add(source);
  }

  roundTrip(kind: "read" | "write", statement: string, seconds: number, failed: boolean): void {
    this.roundTrips.inc({ kind, statement, outcome: failed ? "error" : "ok" });
    this.dbSeconds.observe({ kind, statement }, seconds);
  }

  processRestart(process: string): void {
    this.restarts.inc({ process });
  }

  writeLockWait(seconds: number): void {
    this.lockWaits.observe(seconds);
  }

  refusal(limit: string): void {
    this.refusals.inc({ limit });
  }

  queued(change: 1 | -1): void {
    this.queue.inc(change);
  }

  subscription(transport: string, change: 1 | -1): void {
    this.subscriptions.inc({ transport }, change);
  }

  estimatedCost(cost: number): void {
    this.cost.observe(cost);
  }
}

let installed: ServiceMetrics | undefined;

/** The process's metrics, installed as src/telemetry.ts's measurements on first use. */
function serviceMetrics(): ServiceMetrics {
  if (!installed) {
    installed = new ServiceMetrics();
    telemetry.measurements = installed;
  }
  return installed;
}

/**
 * The code of an error: its `extensions.code`, or, before the error mask has run (the plugin sees execution's
 * errors unmasked), the code of the error it carries (a DomainError's); INTERNAL_SERVER_ERROR without either.
 */
function codeOf(error: GraphQLError | undefined): string {
  const code = error?.extensions?.code ?? (error?.originalError as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : "INTERNAL_SERVER_ERROR";
}

/** The outcome of a result: OK, or the code of its first error. */
function outcomeOf(
  result: Parameters<NonNullable<Plugin["onResultProcess"]>>[0]["result"],
): string | undefined {
  if (Symbol.asyncIterator in result) return undefined;
  const first = Array.isArray(result) ? result[0] : result;
  const error = first?.errors?.[0];
  return error ? codeOf(error as GraphQLError) : "OK";
}

/**
 * The GraphQL handler's metrics plugins: the Prometheus plugin (serving the metrics at /metrics on this
 * handler's port unless `config.port` serves them apart) and ours beside it. `bytesInFlight` is the handler's
 * shared count of answer bytes; `authenticator` checks the key when `config.access` is "admin".
 */
export function metricsPlugins(
  config: MetricsConfig,
  bytesInFlight: BytesInFlight,
  authenticator: Authenticator,
  log: Logger,
): Plugin[] {
  const metrics = serviceMetrics();
  metrics.watchBytesInFlight(bytesInFlight);
  const { registry, operations, codes, outcomes } = metrics;
  const operation = (params: FillLabelsFnParams) => ({
    operationName: operations.of(params.operationName),
    operationType: params.operationType ?? "unknown",
  });
  const phase = <Phase extends "parse" | "validate" | "execute">(name: Phase, help: string) =>
    createHistogram<Phase, "operationName" | "operationType">({
      registry,
      histogram: {
        name: `graphql_envelop_phase_${name}`,
        help,
        labelNames: ["operationName", "operationType"],
        buckets: secondsBuckets,
      },
      fillLabelsFn: operation,
      phases: [name],
    });
  const served = config.port === undefined;
  return [
    ...(served && config.access === "admin" ? [useMetricsKey(authenticator, log)] : []),
    usePrometheus({
      registry,
      endpoint: served ? "/metrics" : false,
      metrics: {
        graphql_yoga_http_duration: createHistogram({
          registry,
          histogram: {
            name: "graphql_yoga_http_duration",
            help: "Time to answer each GraphQL request over HTTP, by operation and outcome code (OK or the first error's code)",
            labelNames: ["operationName", "operationType", "code", "statusCode"],
            buckets: secondsBuckets,
          },
          fillLabelsFn: (params, context: { request: Request; response: Response }) => ({
            ...operation(params),
            code: codes.of(outcomes.get(context.request)),
            statusCode: context.response.status,
          }),
        }),
        graphql_envelop_phase_parse: phase("parse", "Time to parse each document"),
        graphql_envelop_phase_validate: phase("validate", "Time to validate each document"),
        graphql_envelop_phase_execute: phase("execute", "Time to execute each operation"),
        graphql_envelop_error_result: createCounter({
          registry,
          counter: {
            name: "graphql_envelop_error_result",
            help: "Errors in GraphQL results, by operation, phase and code",
            labelNames: ["operationName", "operationType", "phase", "code"],
          },
          fillLabelsFn: (params) => ({
            ...operation(params),
            phase: params.errorPhase ?? "unknown",
            code: codes.of(codeOf(params.error)),
          }),
        }),
        // Off: the request summary and its duration repeat the histograms above at a cost per request; the
        // others are of no use with a fixed schema.
        graphql_envelop_request: false,
        graphql_envelop_request_duration: false,
        graphql_envelop_request_time_summary: false,
        graphql_envelop_phase_context: false,
        graphql_envelop_phase_subscribe: false,
        graphql_envelop_deprecated_field: false,
        graphql_envelop_schema_change: false,
        graphql_envelop_execute_resolver: false,
      },
    }),
    {
      onExecutionResult({ context }) {
        const { budget } = context as { budget?: { estimatedCost: number } };
        if (budget && budget.estimatedCost > 0) metrics.estimatedCost(budget.estimatedCost);
      },
      onResultProcess({ request, result }) {
        const outcome = outcomeOf(result);
        if (outcome !== undefined) outcomes.set(request, outcome);
      },
    },
  ];
}

/** /metrics on the service's port answers only to an admin key (METRICS_ACCESS=admin). */
function useMetricsKey(authenticator: Authenticator, log: Logger): Plugin {
  return {
    async onRequest({ url, request, endResponse }) {
      if (url.pathname !== "/metrics") return;
      try {
        requireRole(await authenticator.callerOf(presentedKey(request.headers)), "admin");
      } catch (error) {
        endResponse(errorResponse(error, log));
      }
    },
  };
}

/**
 * The metrics on a port of their own (METRICS_PORT), which operators keep off the public network: GET /metrics,
 * 404 elsewhere. Scraping it creates the process's metrics if no handler has yet.
 */
export function createMetricsServer(): Server {
  const { registry } = serviceMetrics();
  return createServer((request, response) => {
    if (new URL(request.url ?? "/", "http://metrics").pathname !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("Not found\n");
      return;
    }
    void registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { "content-type": "text/plain" }).end(`${String(error)}\n`),
    );
  });
}
