import type { Span } from "@opentelemetry/api";
import type { Plugin } from "graphql-yoga";
import type { TracingConfig } from "../config.js";
import type { GraphQLContext } from "../graphql/context.js";
import type { Logger } from "../logger.js";
import { type SpanAttributes, telemetry } from "../telemetry.js";
import { requestIds } from "./plugins.js";

/**
 * OpenTelemetry tracing (decision 037), on when OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set.
 * The SDK is imported here, when tracing starts, and nowhere else: with tracing off none of it is loaded, and
 * every span of src/telemetry.ts is a plain call. Each HTTP request has a span carrying its `request.id` (the
 * x-request-id of the logs); under it, parse and validate (ours), the execution (@envelop/opentelemetry), the
 * cost estimate, each Cypher round trip named by its statement (src/db/database.ts) and each NLP call.
 * The exporter is the SDK's OTLP over HTTP with JSON bodies; it reads the standard OTEL_* variables itself.
 */
export interface ServiceTracing {
  /** The GraphQL handler's plugins: request spans, parse and validate spans, then the execution's. */
  plugins: Plugin<GraphQLContext>[];
  /** Sends the spans still buffered; tests and shutdown call it. */
  flush(): Promise<void>;
  /** Flushes and stops: spans made after it go nowhere. */
  shutdown(): Promise<void>;
}

/** Loads the SDK and installs the tracer for the whole process (src/telemetry.ts). */
export async function startTracing(config: TracingConfig, log: Logger): Promise<ServiceTracing> {
  const [api, sdk, { OTLPTraceExporter }, envelop] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@envelop/opentelemetry"),
  ]);
  const { resourceFromAttributes } = await import("@opentelemetry/resources");
  const provider = new sdk.NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": config.serviceName }),
    // Batched: a request waits for no exporter (OTEL_BSP_* set the batches).
    spanProcessors: [new sdk.BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // The context manager (AsyncLocalStorage) that carries the active span through awaits and DataLoader batches.
  provider.register();
  const tracer = provider.getTracer("actor-graph");
  const requestSpans = new WeakMap<Request, Span>();

  const failed = (span: Span, error: unknown) => {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: api.SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : undefined,
    });
  };
  const underRequest = (request: Request | undefined) => {
    const parent = request && requestSpans.get(request);
    return parent ? api.trace.setSpan(api.context.active(), parent) : api.context.active();
  };
  telemetry.tracing = {
    span<T>(name: string, attributes: SpanAttributes, work: () => T, request?: Request): T {
      return tracer.startActiveSpan(name, { attributes }, underRequest(request), (span) => {
        try {
          const result = work();
          if (!(result instanceof Promise)) {
            span.end();
            return result;
          }
          return result.then(
            (value: unknown) => {
              span.end();
              return value;
            },
            (error: unknown) => {
              failed(span, error);
              span.end();
              throw error;
            },
          ) as T;
        } catch (error) {
          failed(span, error);
          span.end();
          throw error;
        }
      });
    },
  };

  /** A span over one phase of `request`, ended by the returned function; a phase ending in an error records it. */
  const phase = (name: string, request: Request | undefined) => {
    const span = tracer.startSpan(name, {}, underRequest(request));
    return (error: unknown) => {
      if (error) failed(span, error);
      span.end();
    };
  };
  const requestPlugin: Plugin<GraphQLContext> = {
    onRequest({ request, url }) {
      const span = tracer.startSpan(`${request.method} ${url.pathname}`, {
        kind: api.SpanKind.SERVER,
        attributes: {
          "http.request.method": request.method,
          "url.path": url.pathname,
          "request.id": requestIds.get(request) ?? "",
        },
      });
      requestSpans.set(request, span);
    },
    onParse({ context }) {
      const end = phase("graphql parse", context.request);
      return ({ result }) => end(result instanceof Error ? result : undefined);
    },
    onValidate({ context }) {
      const end = phase("graphql validate", context.request);
      return ({ valid, result }) => end(valid ? undefined : result[0]);
    },
    onExecute({ args }) {
      // The execution span of @envelop/opentelemetry (next plugin) is a child of the request's.
      envelop.setCurrentOtelContext(args.contextValue, underRequest(args.contextValue.request));
    },
    onResponse({ request, response }) {
      const span = requestSpans.get(request);
      if (!span) return;
      span.setAttribute("http.response.status_code", response.status);
      if (response.status >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
      span.end();
    },
  };
  log.info(
    { service: config.serviceName },
    "Tracing on: spans go to the OTLP endpoint of OTEL_EXPORTER_OTLP_*",
  );
  return {
    plugins: [
      requestPlugin,
      envelop.useOpenTelemetry(
        // No documents, variables, results or resolver spans: they may hold what clients keep private, and
        // a span per field would cost more than the request.
        { document: false, variables: false, result: false, resolvers: false },
        provider,
        api.SpanKind.INTERNAL,
        {},
        config.serviceName,
      ) as Plugin<GraphQLContext>,
    ],
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      telemetry.tracing = undefined;
      await provider.shutdown();
    },
  };
}
