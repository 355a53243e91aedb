import { createServer } from "node:http";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/open.js";
import { applySchema } from "../src/db/schema.js";
import { startTracing } from "../src/http/tracing.js";
import { createLogger } from "../src/logger.js";
import { loadSeed } from "../src/seed/load.js";
import { createHttpServer, drain, listen } from "../src/server.js";
import { telemetry } from "../src/telemetry.js";
import { type RoundResult, runRound } from "./load-lib.js";

/**
 * `npm run bench:observe`: what metrics and tracing cost a request. One process, one Neo4j (embedded unless
 * NEO4J_URI is set) with the seed corpus, three servers over it: off, metrics on, metrics and tracing on (spans
 * exported to a receiver on 127.0.0.1 that discards them). Rounds of `seconds` at `clients` concurrent clients of
 * the load test's read mix alternate between the three, so that the machine's load drifts over all alike; the
 * p50 and throughput of each, and the ratio to off beside the target (p50 ≤ 1.05× off).
 * Ports: BENCH_PORT (default 4170) to BENCH_PORT+4.
 */
async function main(): Promise<void> {
  const basePort = Number(process.env.BENCH_PORT ?? 4170);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const clients = 8;
  const log = createLogger({ level: "warn", format: "json" });
  const sink = createServer((request, response) => {
    request.resume().on("end", () => response.writeHead(200).end("{}"));
  });
  await listen(sink, "127.0.0.1", basePort + 4);
  const config = loadConfig({
    NEO4J_DATA_DIR: ".data/bench-observe",
    NEO4J_BOLT_PORT: String(basePort + 3),
    ...process.env,
    METRICS: "on",
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${basePort + 4}`,
  });
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${basePort + 4}`;
  const database = await openDatabase(config, log);
  await applySchema(database.db, log);
  await loadSeed(database.db, config.seedDir, log);
  const options = {
    db: database.db,
    readiness: { schemaApplied: true, seedLoaded: true },
    log,
    auth: config.auth,
    http: config.http,
    limits: config.limits,
  };
  const off = createHttpServer(options);
  const metricsOnly = createHttpServer({ ...options, metrics: config.metrics });
  const tracing = await startTracing(config.tracing, log);
  const both = createHttpServer({ ...options, metrics: config.metrics, tracing });
  // What each server's requests report to below the HTTP layer: set before each of its rounds.
  const { measurements } = telemetry;
  const tracer = telemetry.tracing;
  const servers = [
    { name: "off", server: off, measurements: undefined, tracing: undefined },
    { name: "metrics", server: metricsOnly, measurements, tracing: undefined },
    { name: "metrics + tracing", server: both, measurements, tracing: tracer },
  ];
  const bases: string[] = [];
  for (const [index, { server }] of servers.entries()) {
    const address = await listen(server, "127.0.0.1", basePort + index);
    bases.push(`http://127.0.0.1:${address.port}`);
  }
  const results = servers.map(() => [] as RoundResult[]);
  try {
    for (let round = -1; round < rounds; round += 1) {
      for (const [index, setting] of servers.entries()) {
        telemetry.measurements = setting.measurements;
        telemetry.tracing = setting.tracing;
        // Round -1 warms every server (caches, JIT) and is not counted.
        const result = await runRound({
          base: bases[index] as string,
          clients,
          seconds: round < 0 ? 3 : seconds,
        });
        if (round >= 0) results[index]?.push(result);
      }
    }
  } finally {
    for (const { server } of servers) await drain(server, 1000);
    await tracing.shutdown();
    await database.close();
    sink.close();
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const p50s = results.map((list) => median(list.map((r) => r.p50)));
  const rates = results.map((list) => median(list.map((r) => r.throughput)));
  console.log(
    `${rounds} rounds of ${seconds} s per setting, ${clients} clients, the read mix; medians of rounds:`,
  );
  console.log("| setting | p50 (ms) | p99 (ms) | req/s | errors | p50 / off | target |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const [index, { name }] of servers.entries()) {
    const ratio = (p50s[index] ?? 0) / (p50s[0] || 1);
    const p99 = median((results[index] ?? []).map((r) => r.p99));
    const target = index === 0 ? "" : `≤ 1.05 ${ratio <= 1.05 ? "✓" : "✗"}`;
    // Errors (a database too loaded to answer in time) are counted, not hidden: they make a round's figures suspect.
    const errors = (results[index] ?? []).reduce((sum, r) => sum + r.errors, 0);
    console.log(
      `| ${name} | ${p50s[index]} | ${p99} | ${rates[index]} | ${errors} | ${ratio.toFixed(3)} | ${target} |`,
    );
  }
}

await main();
