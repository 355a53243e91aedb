import { type ChildProcess, spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import { loadConfig, type MetricsConfig } from "../src/config.js";
import type { Database } from "../src/db/database.js";
import { createMetricsServer, maxOperationNames } from "../src/http/metrics.js";
import { superviseJvm } from "../src/jvm/process.js";
import { loadSeed } from "../src/seed/load.js";
import { drain, type HandlerOptions, listen } from "../src/server.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { defaultLimits } from "./support/defaults.js";
import { parseExposition, type Sample, sampleSum } from "./support/prometheus.js";
import { seedDir } from "./support/seed-copy.js";
import { postGraphQL, serveOnLoopback } from "./support/server.js";
import { subscribeSse } from "./support/sse.js";

const editor = generateApiKey("alice", "editor");
const admin = generateApiKey("bob", "admin");
const auth = { apiKeys: parseApiKeys([editor.entry, admin.entry].join(",")), readAccess: "open" as const };
const metricsOn: MetricsConfig = { enabled: true, port: undefined, host: "127.0.0.1", access: "open" };

/** Five levels of relations below Mali: far over MAX_COST (test/limits.test.ts). */
const costly = `query Costly { actor(key: "mali") { relations { to { relations { to { relations { to {
  relations { to { relations { to { name } } } } } } } } } } } }`;

/**
 * /metrics, through the real service over the real Neo4j: each metric moves after the requests that should move
 * it, with bounded labels; off by configuration, on a port of its own, or behind an admin key.
 */
describe("metrics", () => {
  let db: Database;
  const closers: (() => Promise<void>)[] = [];
  const serve = async (overrides: Partial<HandlerOptions>) => {
    const server = await serveOnLoopback(db, { auth, ...overrides });
    closers.push(server.close);
    return server.base;
  };
  const scrape = async (base: string, key?: string): Promise<Sample[]> => {
    const response = await fetch(`${base}/metrics`, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await response.text());
  };

  beforeAll(async () => {
    // A minute per transaction: a write on this shared, loaded machine has taken over the default 10 s.
    db = await connectTestDatabase({ queryTimeoutMs: 60_000 });
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog);
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await db.close();
  });

  it("counts requests, latencies, refusals, costs, round trips and write lock waits, by operation and code", async () => {
    const base = await serve({ metrics: metricsOn });
    const before = await scrape(base);
    const size = "query GraphSize { stats { actorsByKind { key count } } }";
    expect((await postGraphQL(base, size)).status).toBe(200);
    expect((await postGraphQL(base, size)).status).toBe(200);
    const refused = await postGraphQL(base, costly);
    expect(refused.body.errors[0].extensions.code).toBe("LIMIT_EXCEEDED");
    const bad = await postGraphQL(base, "query Paged { actors(first: 500) { totalCount } }");
    expect(bad.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const added = await postGraphQL(
      base,
      "mutation AddSource($input: AddSourceInput!) { addSource(input: $input) { source { key } } }",
      { input: { text: "Bamako, 3 mars 2026 – Le Mali a reçu l’ambassadeur de Russie.", language: "fr" } },
      editor.key,
    );
    expect(added.body.errors).toBeUndefined();
    const after = await scrape(base);
    const moved = (name: string, labels: Record<string, string> = {}) =>
      sampleSum(after, name, labels) - sampleSum(before, name, labels);

    const requests = "graphql_yoga_http_duration_count";
    expect(
      moved(requests, { operationName: "GraphSize", operationType: "query", code: "OK", statusCode: "200" }),
    ).toBe(2);
    expect(moved(requests, { operationName: "Costly", code: "LIMIT_EXCEEDED", statusCode: "400" })).toBe(1);
    expect(moved(requests, { operationName: "Paged", code: "BAD_USER_INPUT" })).toBe(1);
    expect(moved(requests, { operationName: "AddSource", operationType: "mutation", code: "OK" })).toBe(1);
    expect(moved("graphql_yoga_http_duration_bucket", { operationName: "GraphSize", le: "+Inf" })).toBe(2);
    expect(moved("graphql_envelop_phase_parse_count", { operationName: "GraphSize" })).toBe(2);
    expect(moved("graphql_envelop_phase_validate_count", { operationName: "Paged" })).toBe(1);
    expect(moved("graphql_envelop_phase_execute_count", { operationName: "GraphSize" })).toBe(2);
    expect(moved("graphql_envelop_error_result", { operationName: "Paged", code: "BAD_USER_INPUT" })).toBe(1);

    expect(moved("actorgraph_refusals_total", { limit: "cost" })).toBe(1);
    // GraphSize twice, Costly (refused, its estimate counted), Paged (its argument refused while executing), AddSource.
    expect(moved("actorgraph_estimated_cost_count")).toBe(5);
    expect(moved("actorgraph_estimated_cost_sum")).toBeGreaterThan(defaultLimits.maxCost);
    expect(moved("actorgraph_estimated_cost_bucket", { le: "+Inf" })).toBe(5);

    expect(
      moved("actorgraph_db_round_trips_total", { kind: "read", statement: "countsByKind", outcome: "ok" }),
    ).toBe(2);
    expect(moved("actorgraph_db_duration_seconds_count", { kind: "read", statement: "countsByKind" })).toBe(
      2,
    );
    const writes = after.filter(
      (s) => s.name === "actorgraph_db_round_trips_total" && s.labels.kind === "write",
    );
    expect(writes.map((s) => s.labels.statement)).toContain("addSource");
    expect(moved("actorgraph_write_lock_wait_seconds_count")).toBe(1);
    expect(moved("actorgraph_write_lock_wait_seconds_sum")).toBeGreaterThan(0);

    // Gauges, back at rest once the requests are answered.
    expect(after.find((s) => s.name === "actorgraph_admission_queue_length")?.value).toBe(0);
    expect(after.find((s) => s.name === "actorgraph_bytes_in_flight")?.value).toBe(0);
    // prom-client's process metrics ride along.
    expect(after.some((s) => s.name === "process_resident_memory_bytes")).toBe(true);
    // No statement's text or parameters in any label.
    expect(after.every((s) => Object.values(s.labels).every((value) => !value.includes("MATCH")))).toBe(true);
  });

  it("bounds the operation names clients choose: past the first ones, they count as other", async () => {
    const base = await serve({ metrics: metricsOn });
    for (let i = 0; i < maxOperationNames + 5; i += 1) {
      expect((await postGraphQL(base, `query Name${i} { __typename }`)).status).toBe(200);
    }
    const names = new Set(
      (await scrape(base))
        .filter((s) => s.name === "graphql_yoga_http_duration_count")
        .map((s) => s.labels.operationName),
    );
    expect(names.size).toBeLessThanOrEqual(maxOperationNames + 1);
    expect(names).toContain("other");
  });

  it("counts each limit's refusals by its own name", async () => {
    const base = await serve({ metrics: metricsOn, limits: { ...defaultLimits, maxDepth: 4, maxItems: 5 } });
    const before = await scrape(base);
    const deep = await postGraphQL(base, '{ actor(key: "mali") { relations { to { relations { key } } } } }');
    expect(deep.body.errors[0].extensions.code).toBe("LIMIT_EXCEEDED");
    const many = await postGraphQL(base, "{ actors(first: 50) { edges { node { key } } } }");
    expect(many.body.errors[0].extensions.code).toBe("LIMIT_EXCEEDED");
    const after = await scrape(base);
    const moved = (limit: string) =>
      sampleSum(after, "actorgraph_refusals_total", { limit }) -
      sampleSum(before, "actorgraph_refusals_total", { limit });
    expect(moved("depth")).toBe(1);
    expect(moved("items")).toBe(1);
  });

  it("counts the subscriptions open, by transport, up when one opens and down when its client leaves", async () => {
    const base = await serve({ metrics: metricsOn });
    const open = async () =>
      sampleSum(await scrape(base), "actorgraph_subscriptions_open", { transport: "sse" });
    const before = await open();
    const subscribers = [
      await subscribeSse(base, "subscription { graphChanges { cursor } }"),
      await subscribeSse(base, "subscription { graphChanges { cursor } }"),
    ];
    expect(subscribers.map((s) => s.status)).toEqual([200, 200]);
    expect(await open()).toBe(before + 2);
    for (const subscriber of subscribers) subscriber.close();
    // The server sees the connections close a moment later.
    for (let tries = 0; tries < 50 && (await open()) !== before; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await open()).toBe(before);
  });

  it("answers 404 at /metrics when metrics are off", async () => {
    const base = await serve({});
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });

  it("serves the metrics on a port of their own, and not on the service's", async () => {
    const base = await serve({ metrics: { ...metricsOn, port: 0 } });
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    const server = createMetricsServer();
    const { port } = (await listen(server, "127.0.0.1", 0)) as AddressInfo;
    closers.push(() => drain(server, 1000));
    const side = `http://127.0.0.1:${port}`;
    const count = async () =>
      sampleSum(await scrape(side), "graphql_yoga_http_duration_count", { operationName: "GraphSize" });
    const before = await count();
    await postGraphQL(base, "query GraphSize { stats { actorsByKind { key } } }");
    expect((await count()) - before).toBe(1);
    expect((await fetch(`http://127.0.0.1:${port}/graphql`)).status).toBe(404);
  });

  it("serves the metrics only to an admin key when METRICS_ACCESS=admin", async () => {
    const base = await serve({ metrics: { ...metricsOn, access: "admin" } });
    const none = await fetch(`${base}/metrics`);
    expect(none.status).toBe(401);
    expect((await none.json()).code).toBe("UNAUTHENTICATED");
    const low = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${editor.key}` } });
    expect(low.status).toBe(403);
    expect((await scrape(base, admin.key)).length).toBeGreaterThan(0);
  });

  it("counts a supervised process's restarts", async () => {
    const base = await serve({ metrics: metricsOn });
    const name = "Test process";
    // A real child process under the real supervisor: it says READY, then runs until killed or its stdin closes.
    const spawnReady = () =>
      spawn(
        process.execPath,
        ["-e", "console.log('READY'); process.stdin.resume().on('end', () => process.exit(0))"],
        {
          stdio: ["pipe", "pipe", "ignore"],
        },
      );
    const ready = (child: ChildProcess) =>
      new Promise<void>((resolve, reject) => {
        child.once("exit", () => reject(new Error("exited before READY")));
        if (child.stdout) readline.createInterface({ input: child.stdout }).once("line", () => resolve());
      });
    const first = spawnReady();
    await ready(first);
    const supervised = superviseJvm(first, { name, serves: "nothing", spawn: spawnReady, ready }, quietLog);
    const restarts = async () =>
      sampleSum(await scrape(base), "actorgraph_process_restarts_total", { process: name });
    expect(await restarts()).toBe(0);
    first.kill("SIGKILL");
    await expect.poll(() => supervised.current !== first, { timeout: 10_000 }).toBe(true);
    expect(await restarts()).toBe(1);
    await supervised.stop(quietLog);
  });

  it("reads METRICS, METRICS_PORT, METRICS_HOST and METRICS_ACCESS", () => {
    expect(loadConfig({}).metrics).toEqual({
      enabled: false,
      port: undefined,
      host: "127.0.0.1",
      access: "open",
    });
    expect(
      loadConfig({ METRICS: "on", METRICS_PORT: "4171", METRICS_HOST: "0.0.0.0", METRICS_ACCESS: "admin" })
        .metrics,
    ).toEqual({ enabled: true, port: 4171, host: "0.0.0.0", access: "admin" });
    expect(() => loadConfig({ METRICS: "maybe" })).toThrow(/METRICS/);
  });
});
