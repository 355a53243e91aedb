import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import type { Database } from "../src/db/database.js";
import { type ServiceTracing, startTracing } from "../src/http/tracing.js";
import { annotateFrench } from "../src/nlp/client.js";
import { drain, listen } from "../src/server.js";
import { telemetry } from "../src/telemetry.js";
import { quietLog } from "./support/db.js";
import { testNlpReady } from "./support/nlp.js";
import { seededDatabase, serveOnLoopback } from "./support/server.js";

/** A span as the OTLP/HTTP JSON body carries it, its attributes flattened. */
interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

/** The spans of OTLP/HTTP JSON export bodies (resourceSpans → scopeSpans → spans). */
function spansOf(bodies: unknown[]): ReceivedSpan[] {
  type Raw = {
    name: string;
    traceId: string;
    spanId: string;
    parentSpanId?: string;
    attributes?: { key: string; value: Record<string, unknown> }[];
  };
  type Body = { resourceSpans?: { scopeSpans?: { spans?: Raw[] }[] }[] };
  return (bodies as Body[]).flatMap((body) =>
    (body.resourceSpans ?? []).flatMap((resource) =>
      (resource.scopeSpans ?? []).flatMap((scope) =>
        (scope.spans ?? []).map((span) => ({
          name: span.name,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          attributes: Object.fromEntries(
            (span.attributes ?? []).map(({ key, value }) => [key, Object.values(value)[0]]),
          ),
        })),
      ),
    ),
  );
}

/**
 * Tracing through the real service, the real Neo4j and the real CoreNLP, exported by the real OTLP exporter to a
 * small OTLP/HTTP receiver on 127.0.0.1: one request's spans arrive, joined to its x-request-id.
 */
describe("tracing", () => {
  let db: Database;
  let receiver: Server;
  let tracing: ServiceTracing;
  const bodies: unknown[] = [];
  const paths: string[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    db = await seededDatabase();
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        paths.push(`${request.method} ${request.url} ${request.headers["content-type"]}`);
        bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    const { port } = (await listen(receiver, "127.0.0.1", 0)) as AddressInfo;
    // The standard variables, read by the SDK's exporter itself.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = "http/json";
    const config = loadConfig(process.env).tracing;
    expect(config.enabled).toBe(true);
    tracing = await startTracing({ ...config, serviceName: "actor-graph-test" }, quietLog);
  });
  afterAll(async () => {
    await tracing?.shutdown();
    process.env = saved;
    await drain(receiver, 1000);
    await db.close();
  });

  it("sends one request's spans: parse, validate, cost, execution and each Cypher statement, with its request id", async () => {
    const server = await serveOnLoopback(db, { tracing });
    const response = await fetch(`${server.base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "trace-me-1" },
      body: JSON.stringify({
        query:
          'query Neighbours { stats { actorsByKind { key } } actor(key: "mali") { name relations(limit: 3) { to { name } } } }',
      }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).errors).toBeUndefined();
    await server.close();
    await tracing.flush();

    expect(paths[0]).toBe("POST /v1/traces application/json");
    const spans = spansOf(bodies);
    const root = spans.find((span) => span.attributes["request.id"] === "trace-me-1");
    expect(root?.name).toBe("POST /graphql");
    const trace = spans.filter((span) => span.traceId === root?.traceId);
    const named = (name: string) => trace.filter((span) => span.name === name);
    for (const phase of ["graphql parse", "graphql validate", "graphql cost"]) {
      expect(named(phase).map((span) => span.parentSpanId)).toEqual([root?.spanId]);
    }
    const [execution] = named("query.Neighbours");
    expect(execution?.parentSpanId).toBe(root?.spanId);
    const cypher = trace.filter((span) => span.name.startsWith("cypher "));
    expect(cypher.length).toBeGreaterThanOrEqual(2);
    for (const span of cypher) {
      expect(span.attributes["db.system"]).toBe("neo4j");
      expect(span.attributes["db.operation.name"]).toBe(span.name.slice("cypher ".length));
      expect(span.name).toMatch(/^cypher [a-zA-Z]\w*$/);
      // Under the execution: the active span reaches the database through awaits and DataLoader batches.
      expect(span.parentSpanId).toBe(execution?.spanId);
      // The statement's name, never its text or parameters.
      expect(JSON.stringify(span.attributes)).not.toMatch(/MATCH|mali/);
    }
    expect(cypher.map((span) => span.name)).toContain("cypher countsByKind");
  });

  it("sends a span for each NLP call", async () => {
    const url = await testNlpReady();
    // testNlpReady's own calls, sent before counting.
    await tracing.flush();
    const before = bodies.length;
    const text = "Le Mali a reçu l’ambassadeur de Russie à Bamako.";
    const annotation = await annotateFrench(url, text, { timeoutMs: 60_000 });
    expect(annotation.sentences.length).toBe(1);
    await tracing.flush();
    const spans = spansOf(bodies.slice(before)).filter((span) => span.name === "nlp annotate");
    expect(spans).toHaveLength(1);
    expect(spans[0]?.attributes["nlp.chars"]).toBe(text.length);
  });

  it("is off, with nothing installed, once shut down", async () => {
    await tracing.shutdown();
    expect(telemetry.tracing).toBeUndefined();
  });
});
