import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { generateApiKey } from "../src/auth.js";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/open.js";
import { applySchema } from "../src/db/schema.js";
import { projectRoot } from "../src/domain/project.js";
import { createLogger } from "../src/logger.js";
import { loadSeed } from "../src/seed/load.js";
import { sseBlocks } from "./sse.js";

/**
 * `npm run bench:subscriptions`: SUBSCRIBERS (500) open SSE subscriptions to the graph's changes while WRITES_PER_S
 * (50) writes a second come for SECONDS (30). The service runs as `npm start` runs it (built, Node with a 256 MiB
 * heap ceiling), in a process of its own over the bench's Neo4j, so that its RSS is its own. Printed beside the
 * targets: the p50, p99 and worst delivery latency (from the change's time in Neo4j to its arrival at a
 * subscriber), events lost or doubled, the service's peak RSS, and the machine's load average.
 * Ports: BENCH_PORT (default 4320) for the service, BENCH_PORT+3 for Neo4j's Bolt.
 */

const subscribers = Number(process.env.SUBSCRIBERS ?? 500);
const writesPerSecond = Number(process.env.WRITES_PER_S ?? 50);
const seconds = Number(process.env.SECONDS ?? 30);
const basePort = Number(process.env.BENCH_PORT ?? 4320);

const subscription = "subscription { graphChanges { change { id at } } }";
const updateActor = `mutation ($input: UpdateActorInput!) { updateActor(input: $input) { changeId } }`;

/** One subscriber: the ids it received in order, and each one's delivery latency in ms. */
interface Received {
  ids: string[];
  latencies: number[];
  errors: number;
}

/** The change's time in Neo4j (nanoseconds cut to milliseconds) as epoch milliseconds. */
const epochOf = (at: string) => Date.parse(at.replace(/(\.\d{3})\d*/, "$1"));

async function subscribe(base: string, received: Received, signal: AbortSignal): Promise<void> {
  let response: Response | undefined;
  // A 503 (the history's first read cut off on a loaded machine, the database's breaker) is tried again.
  for (let tries = 0; tries < 10 && response?.status !== 200; tries += 1) {
    if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 1000));
    response = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: subscription }),
      signal,
    });
  }
  if (response?.status !== 200) throw new Error(`subscription answered ${response?.status}`);
  void (async () => {
    try {
      for await (const { event: name, data } of sseBlocks(response.body as ReadableStream<Uint8Array>)) {
        if (name !== "next" || !data) continue;
        const event = JSON.parse(data);
        const change = event.data?.graphChanges?.change;
        if (!change) {
          received.errors += 1;
          continue;
        }
        received.ids.push(change.id);
        received.latencies.push(Date.now() - epochOf(change.at));
      }
    } catch {
      // Aborted at the end.
    }
  })();
}

/** The service's resident set, in MiB, from /proc. */
function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : 0;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function main(): Promise<void> {
  const log = createLogger({ level: "warn", format: "json" });
  const boltPort = basePort + 3;
  const config = loadConfig({
    NEO4J_DATA_DIR: ".data/bench-subscriptions",
    NEO4J_BOLT_PORT: String(boltPort),
    ...process.env,
  });
  const database = await openDatabase(config, log);
  await applySchema(database.db, log);
  await loadSeed(database.db, config.seedDir, log);
  const editor = generateApiKey("bench", "editor");
  execFileSync("npm", ["run", "build"], { cwd: projectRoot, stdio: "inherit" });
  const base = `http://127.0.0.1:${basePort}`;
  const service: ChildProcess = spawn(process.execPath, ["--max-old-space-size=256", "dist/src/main.js"], {
    cwd: projectRoot,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      PORT: String(basePort),
      NEO4J_URI: config.neo4j.uri ?? `bolt://127.0.0.1:${boltPort}`,
      NEO4J_PASSWORD: config.neo4j.password,
      SEED_ON_START: "false",
      NLP: "off",
      LOG_LEVEL: "warn",
      LOG_FORMAT: "json",
      API_KEYS: editor.entry,
      SUBSCRIPTIONS_PER_ADDRESS: String(subscribers + 10),
      MAX_CONNECTIONS_PER_ADDRESS: String(subscribers + 100),
    },
  });
  const stopAll = async () => {
    service.kill("SIGTERM");
    await new Promise((resolve) => service.once("exit", resolve));
    await database.close();
  };
  try {
    for (let tries = 0; ; tries += 1) {
      const ready = await fetch(`${base}/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) break;
      if (tries > 240) throw new Error("The service did not become ready in 2 minutes");
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const { records } = await database.db.read("MATCH (a:Actor) RETURN a.id AS key ORDER BY key LIMIT 200");
    const actors = records.map((r) => r.get("key") as string);

    const stop = new AbortController();
    const all: Received[] = [];
    for (let i = 0; i < subscribers; i += 1) {
      const received: Received = { ids: [], latencies: [], errors: 0 };
      all.push(received);
      await subscribe(base, received, stop.signal);
    }
    console.log(`${subscribers} subscribers open; writing`);
    const idle = rssMiB(service.pid as number);
    let peak = idle;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMiB(service.pid as number));
    }, 250);

    // Writes at a fixed rate, each sent on time whether or not the previous answered (an open loop).
    const written: string[] = [];
    const writeTimes: number[] = [];
    let failed = 0;
    const pending: Promise<void>[] = [];
    const started = performance.now();
    const total = writesPerSecond * seconds;
    const loadBefore = os.loadavg();
    for (let n = 0; n < total; n += 1) {
      const due = started + (n * 1000) / writesPerSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const key = actors[n % actors.length] as string;
      const sent = performance.now();
      pending.push(
        fetch(`${base}/graphql`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/graphql-response+json",
            authorization: `Bearer ${editor.key}`,
          },
          body: JSON.stringify({
            query: updateActor,
            variables: { input: { key, description: `Bench ${n}, ${Date.now()}.` } },
          }),
        })
          .then((r) => r.json())
          .then((body: { data?: { updateActor?: { changeId: string } } }) => {
            const id = body.data?.updateActor?.changeId;
            if (id) {
              written.push(id);
              writeTimes.push(performance.now() - sent);
            } else failed += 1;
          })
          .catch(() => {
            failed += 1;
          }),
      );
    }
    await Promise.all(pending);
    const writing = (performance.now() - started) / 1000;
    // Time for the last changes to arrive.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    clearInterval(sampler);
    const loadAfter = os.loadavg();
    stop.abort();

    // Every change committed: those answered, and those a subscriber saw although their answer was an error
    // (a write whose request ran out of time commits all the same).
    const expected = new Set([...written, ...all.flatMap((received) => received.ids)]);
    let lost = 0;
    let doubled = 0;
    let outOfOrder = 0;
    let errors = 0;
    const latencies: number[] = [];
    for (const received of all) {
      const seen = new Set<string>();
      for (const id of received.ids) {
        if (seen.has(id)) doubled += 1;
        seen.add(id);
      }
      for (const id of expected) if (!seen.has(id)) lost += 1;
      // Every subscriber sees one order, the history's: each must match the first's.
      if (received.ids.join() !== all[0]?.ids.join()) outOfOrder += 1;
      errors += received.errors;
      latencies.push(...received.latencies);
    }
    latencies.sort((x, y) => x - y);
    writeTimes.sort((x, y) => x - y);
    const row = (what: string, value: string, target: string) =>
      console.log(`${what.padEnd(44)} ${value.padStart(14)}   ${target}`);
    console.log(
      `\n${subscribers} SSE subscribers, ${total} writes (updateActor) at ${writesPerSecond}/s, sent over ${writing.toFixed(1)} s`,
    );
    row("what", "measured", "target");
    row("writes answered / failed", `${written.length} / ${failed}`, "");
    row("changes committed (answered or seen)", String(expected.size), "");
    row(
      "write latency p50 / p99 (ms)",
      `${percentile(writeTimes, 50).toFixed(0)} / ${percentile(writeTimes, 99).toFixed(0)}`,
      "",
    );
    row("events delivered", String(latencies.length), `${expected.size * subscribers}`);
    row("delivery latency p50 (ms)", percentile(latencies, 50).toFixed(0), "");
    row("delivery latency p99 (ms)", percentile(latencies, 99).toFixed(0), "≤ 500");
    row("delivery latency max (ms)", (latencies.at(-1) ?? Number.NaN).toFixed(0), "");
    row(
      "events lost / doubled / errors; other orders",
      `${lost} / ${doubled} / ${errors}; ${outOfOrder}`,
      "0 / 0 / 0; 0",
    );
    row(
      "service RSS idle with subscribers / peak (MB)",
      `${idle.toFixed(0)} / ${peak.toFixed(0)}`,
      "peak ≤ 300",
    );
    row(
      "load average before / after (1 min)",
      `${loadBefore[0]?.toFixed(1)} / ${loadAfter[0]?.toFixed(1)}`,
      `${os.cpus().length} cores`,
    );
  } finally {
    await stopAll();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
