import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { openDatabase } from "../src/db/open.js";
import { projectRoot } from "../src/domain/project.js";
import { createLogger } from "../src/logger.js";
import { freePort } from "../src/net.js";
import { buildService, serviceCommand } from "./load-lib.js";
import { benchQueries, paramsFor, targets } from "./queries.js";
import { type Size, sizes, syntheticConfig } from "./synthetic.js";

/**
 * `npm run bench -- --size S|M|L [--concurrency 8 --seconds 5]`: on the synthetic graph of that size (made by
 * `npm run bench:generate`), each query of bench/queries.ts against (a) the floor, hand-written Cypher behind a
 * bare Node endpoint, (b) this service and (c) @neo4j/graphql over the same labels behind the same HTTP stack;
 * p50, p99 and throughput under fixed concurrency, the ratios b/a (p50) and b/c (throughput), and the service's
 * memory. Results go to bench/results/bench-SIZE.json; `--only "search,quote search"` measures those queries alone.
 */
const { values } = parseArgs({
  options: {
    size: { type: "string", default: "S" },
    concurrency: { type: "string", default: "8" },
    seconds: { type: "string", default: "5" },
    only: { type: "string" },
  },
});
const size = values.size as Size;
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);
/** `--only "search,quote search"`: measure these queries alone; the saved results keep the others' figures. */
const only = values.only?.split(",").map((name) => name.trim());
const queries = benchQueries
  .map((query, index) => ({ query, index }))
  .filter(({ query }) => !only || only.includes(query.name));

/** Starts a node process with `args` (a TypeScript script through tsx, or the built service) and waits for `marker` on its output. */
async function startProcess(
  args: readonly string[],
  env: Record<string, string>,
  marker: RegExp,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const readers = [child.stdout, child.stderr].map((stream) =>
    readline.createInterface({ input: stream as NodeJS.ReadableStream }),
  );
  await new Promise<void>((resolve, reject) => {
    for (const reader of readers) {
      reader.on("line", (line) => {
        if (marker.test(line)) resolve();
      });
    }
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited (${code})`)));
  });
  // Once ready, its output (a log line per request) is drained unread: parsing it would take the cores the
  // servers are measured on.
  for (const reader of readers) reader.close();
  for (const stream of [child.stdout, child.stderr]) stream?.resume();
  return child;
}

const verdict = (met: boolean) => (met ? "(target met)" : "(target missed)");

/** `concurrency` clients sending the same request for `duration` seconds: each request's latency and outcome. */
async function drive(send: () => Promise<Response>, duration: number) {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + duration * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const at = performance.now();
        const response = await send();
        const text = await response.text();
        latencies.push(performance.now() - at);
        if (response.status !== 200 || text.includes('"errors"')) errors += 1;
      }
    }),
  );
  return { latencies, errors };
}

/** Latency percentiles and throughput of one request under `concurrency` clients for `seconds`. */
async function measure(send: () => Promise<Response>) {
  const started = performance.now();
  const { latencies, errors } = await drive(send, seconds);
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round((latencies[Math.floor((p / 100) * (latencies.length - 1))] ?? 0) * 100) / 100;
  return {
    p50: at(50),
    p99: at(99),
    throughput: Math.round(latencies.length / ((performance.now() - started) / 1000)),
    errors,
  };
}

const config = syntheticConfig(size);
const database = await openDatabase(config, createLogger({ level: "warn", format: "pretty" }));
const children: ChildProcess[] = [];
try {
  const { records } = await database.db.read(
    "MATCH ()-[r:RELATION {origin: 'synthetic'}]->() RETURN count(r) AS n",
  );
  if (records[0]?.get("n") !== sizes[size])
    throw new Error(`run npm run bench:generate -- --size ${size} first`);
  const uri = database.embedded?.uri ?? (config.neo4j.uri as string);
  const env = { NEO4J_URI: uri, NEO4J_PASSWORD: config.neo4j.password };
  const floorPort = await freePort();
  const servicePort = await freePort();
  children.push(
    await startProcess(
      ["--import", "tsx", "bench/floor-server.ts"],
      { ...env, PORT: String(floorPort), BENCH_RELATIONS: String(sizes[size]) },
      /FLOOR_READY/,
    ),
  );
  const peerPort = await freePort();
  children.push(
    await startProcess(
      ["--import", "tsx", "bench/peer-server.ts"],
      { ...env, PORT: String(peerPort) },
      /PEER_READY/,
    ),
  );
  const params = paramsFor(sizes[size]);
  // The service as `npm start` runs it: built from src/ into JavaScript.
  buildService();
  const service = await startProcess(
    serviceCommand.slice(1),
    { ...env, PORT: String(servicePort), SEED_ON_START: "false", LOG_FORMAT: "json", LOG_LEVEL: "info" },
    /GraphQL service ready/,
  );
  children.push(service);
  console.log(
    `bench-${size}: ${sizes[size]} relations, ${concurrency} concurrent clients, ${seconds} s per query and server`,
  );
  const post = (port: number, query: string) => () =>
    fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
  const senders = queries.map(({ query, index }) => ({
    floor: () => fetch(`http://127.0.0.1:${floorPort}/q/${index}`, { method: "POST" }),
    service: post(servicePort, query.graphql(params)),
    peer: "unsupported" in query.peer ? null : post(peerPort, query.peer(params)),
  }));
  // Every query on every server under load first, so that the JIT compilers of Node and of Neo4j's JVM have
  // settled before anything is measured, whichever server and query come first. A run of some queries warms
  // up as long as a whole run does: Neo4j's JVM needs thousands of queries (a `RETURN 1` costs it 3-5 ms of CPU
  // at first, 0.3 ms after ~15,000), and one second per query left a lone query's floor at two to three times
  // its latency in a whole run.
  const warmSeconds = Math.max(1, benchQueries.length / queries.length);
  for (const sender of senders) {
    for (const send of [sender.floor, sender.service, sender.peer]) if (send) await drive(send, warmSeconds);
  }
  const results: ({ query: string } & Record<string, unknown>)[] = [];
  for (const [position, { query }] of queries.entries()) {
    const sender = senders[position] as (typeof senders)[number];
    const floor = await measure(sender.floor);
    const ours = await measure(sender.service);
    const peer = sender.peer
      ? await measure(sender.peer)
      : { unsupported: (query.peer as { unsupported: string }).unsupported };
    const ratio = Math.round((ours.p50 / floor.p50) * 100) / 100;
    const throughputVsPeer =
      "throughput" in peer ? Math.round((ours.throughput / peer.throughput) * 100) / 100 : null;
    results.push({
      query: query.name,
      measuredAt: new Date().toISOString(),
      floor,
      service: ours,
      peer,
      p50Ratio: ratio,
      throughputVsPeer,
    });
    console.log(
      `${query.name.padEnd(24)} floor p50 ${floor.p50} ms ${floor.throughput}/s | ` +
        `service p50 ${ours.p50} ms p99 ${ours.p99} ms ${ours.throughput}/s | ` +
        `${"throughput" in peer ? `peer p50 ${peer.p50} ms ${peer.throughput}/s` : "peer n/a"} | b/a p50 ${ratio} ${verdict(ratio <= targets.p50Ratio)}${ratio <= targets.p50RatioAim ? " (aim met)" : ""}` +
        `${throughputVsPeer === null ? "" : ` | b/c throughput ${throughputVsPeer} ${verdict(throughputVsPeer >= 1)}`}` +
        `${floor.errors + ours.errors + ("errors" in peer ? peer.errors : 0) > 0 ? ` | errors ${floor.errors}/${ours.errors}/${"errors" in peer ? peer.errors : 0}` : ""}`,
    );
  }
  const rss = Math.round(
    Number(
      (await import("node:fs"))
        .readFileSync(`/proc/${service.pid}/status`, "utf8")
        .match(/VmRSS:\s+(\d+)/)?.[1],
    ) / 1024,
  );
  console.log(`service RSS after the run: ${rss} MB ${verdict(rss <= targets.rssMb)}`);
  await mkdir(path.join(projectRoot, "bench", "results"), { recursive: true });
  const file = path.join(projectRoot, "bench", "results", `bench-${size}.json`);
  // A partial run (--only) replaces its queries' figures (each result says when it was measured) and keeps the
  // others and the full run's date, duration and memory, in the query set's order.
  const run = {
    date: new Date().toISOString(),
    size,
    relations: sizes[size],
    concurrency,
    seconds,
    serviceRssMb: rss,
  };
  const earlier = only
    ? (JSON.parse(await readFile(file, "utf8").catch(() => "{}")) as Partial<typeof run> & {
        results?: { query: string }[];
      })
    : {};
  const merged = benchQueries.flatMap(
    (query) =>
      results.find((r) => r.query === query.name) ??
      earlier.results?.find((r) => r.query === query.name) ??
      [],
  );
  await writeFile(file, `${JSON.stringify({ ...run, ...earlier, results: merged }, null, 2)}\n`);
} finally {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => (child.exitCode === null ? child.on("exit", resolve) : resolve(null))),
    ),
  );
  await database.close();
}
