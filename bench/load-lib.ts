import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { projectRoot } from "../src/domain/project.js";

/**
 * A bounded load test on loopback: the real service as its own process, N clients over a mixed query set for
 * a fixed time, latency percentiles, throughput and the service's memory. Used by `npm run load` and, briefly,
 * by the test suite.
 */

/**
 * The service as `npm start` runs it: node, with the start script's flags if it has any, on the JavaScript
 * that `npm run build` compiles from src/ (about a second), so that the load test and the benchmarks measure
 * what production runs. Relative paths are from the project root. Call `buildService` first.
 */
export const serviceCommand: readonly string[] = [
  process.execPath,
  ...(JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")).scripts.start as string)
    .split(/\s+/)
    .slice(1),
];

/**
 * Compiles src/ into dist/ (`npm run build`, about a second; given up after 2 minutes); run once before
 * starting `serviceCommand`, never concurrently.
 */
export function buildService(): void {
  execFileSync("npm", ["run", "build", "--silent"], { cwd: projectRoot, stdio: "inherit", timeout: 120_000 });
}

export interface Service {
  child: ChildProcess;
  pid: number;
  base: string;
  exited: Promise<number | null>;
  logs: string[];
}

/** The services startService started that have not exited yet. */
const running = new Set<ChildProcess>();

/**
 * Stops (SIGKILL) every service startService started that is still running and waits for them to exit: for a
 * test that gave up (a timeout) half-way, so that no service, and through it no JVM, outlives it.
 */
export async function stopServices(): Promise<void> {
  await Promise.all(
    [...running].map((child) => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      return exited;
    }),
  );
}

/** Starts the service (`serviceCommand`) as its own node process and waits until it is ready. */
export async function startService(env: Record<string, string>): Promise<Service> {
  const { NEO4J_URI: _unset, ...inherited } = process.env;
  const [node, ...args] = serviceCommand;
  const child = spawn(node as string, args, {
    cwd: projectRoot,
    env: { ...inherited, LOG_FORMAT: "json", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const ready = new Promise<{ pid: number; url: string }>((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream as NodeJS.ReadableStream }).on("line", (line) => {
        logs.push(line);
        const match = line.match(/GraphQL service ready at (http:\/\/[^/]+)\/graphql/);
        if (match) resolve({ pid: JSON.parse(line).pid, url: match[1] as string });
      });
    }
    void exited.then((code) =>
      reject(new Error(`service exited (${code}) before ready:\n${logs.join("\n")}`)),
    );
  });
  const { pid, url } = await ready;
  return { child, pid, base: url, exited, logs };
}

/** Resident memory of a process, in MB, from /proc. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** The read mix: questions analysts ask, weighted toward the cheap ones as real traffic is. */
export const readMix = [
  '{ actor(key: "mali") { name kind aliases } }',
  '{ searchActors(query: "lavrov") { totalCount edges { node { key name } } } }',
  '{ actor(name: "Goita") { key relations { key type } } }',
  '{ neighbourhood(actor: "wagner", depth: 2) { nodes { key } edges { key type } } }',
  '{ paths(from: "wagner", to: "assimi-goita") { paths { length steps { relation { key citations { quote } } } } } }',
  "{ relations(first: 20, filter: { types: [VISIT, ARMS_SUPPLY] }) { totalCount edges { node { key from { key } to { key } } } } }",
  '{ source(key: "src-004-dw-mali-dit-oui-russie") { title citations { quote context(chars: 40) { before after } } } }',
  '{ timeline(actor: "mali") { relations { key at { value } start { value } } } }',
  "{ claims { relation { key } supporting { quote } denying { quote } } }",
  '{ subgraph(actors: ["mali", "russia"], asOf: "2021-06-01") { nodes { key } edges { key } } }',
];

export interface RoundResult {
  requests: number;
  errors: number;
  errorSamples: string[];
  throughput: number;
  p50: number;
  p99: number;
  /** Keys of the writes the service confirmed, for a check that none was lost. */
  acceptedWrites: string[];
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);

/**
 * `clients` concurrent loops for `seconds`, each picking queries from the mix; with `writes`, every tenth request
 * of a client is an assertRelation citing `writes.source`. A request sent before `stopping` must be answered,
 * even while the service drains; one sent after it may be refused.
 */
export async function runRound(options: {
  base: string;
  clients: number;
  seconds: number;
  writes?: { apiKey: string; source: string; quote: string; prefix: string };
  /** Resolves when the service is told to stop: requests sent after that may be refused, and the round ends. */
  stopping?: Promise<void>;
}): Promise<RoundResult> {
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  const acceptedWrites: string[] = [];
  let errors = 0;
  let stoppingAt = Number.POSITIVE_INFINITY;
  void options.stopping?.then(() => {
    stoppingAt = performance.now();
  });
  const deadline = performance.now() + options.seconds * 1000;
  const started = performance.now();
  const client = async (id: number) => {
    for (let n = 0; performance.now() < deadline; n += 1) {
      const write = options.writes && n % 10 === 9 ? options.writes : undefined;
      const key = write ? `${write.prefix}-${id}-${n}` : "";
      const body = write
        ? {
            query:
              "mutation ($input: AssertRelationInput!) { assertRelation(input: $input) { relation { key } } }",
            variables: {
              input: {
                key,
                clientKey: key,
                type: "ARMS_SUPPLY",
                from: "russia",
                to: "mali",
                // The seed holds this fact already: each load write says it is a distinct one (decision 026).
                distinct: true,
                citations: [{ source: write.source, quote: write.quote, stance: "REPORTS" }],
              },
            },
          }
        : { query: readMix[(id + n) % readMix.length] };
      const at = performance.now();
      try {
        const response = await fetch(`${options.base}/graphql`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(write ? { authorization: `Bearer ${write.apiKey}` } : {}),
          },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        latencies.push(performance.now() - at);
        if (response.status !== 200 || text.includes('"errors"')) {
          errors += 1;
          if (errorSamples.length < 5) errorSamples.push(`${response.status} ${text.slice(0, 200)}`);
        } else if (write) acceptedWrites.push(key);
      } catch (error) {
        // Sent after the stop signal: the server no longer accepts connections, so it was never accepted.
        if (at >= stoppingAt) return;
        errors += 1;
        if (errorSamples.length < 5) errorSamples.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, id) => client(id)));
  const elapsed = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    errorSamples,
    throughput: Math.round(latencies.length / elapsed),
    p50: Math.round(percentile(sorted, 50) * 10) / 10,
    p99: Math.round(percentile(sorted, 99) * 10) / 10,
    acceptedWrites,
  };
}

export interface LoadReport {
  clients: number;
  secondsPerRound: number;
  rounds: (Omit<RoundResult, "acceptedWrites" | "errorSamples"> & { rssMb: number })[];
  shutdown: { acceptedWrites: number; lostWrites: number; errors: number; exitCode: number | null };
}

/**
 * The whole load test: a service over `neo4j` (a data directory of its own, for an embedded Neo4j it starts, or
 * the URI and password of a running Neo4j), `rounds` timed rounds of mixed reads and writes (memory read after
 * each), then a round cut by SIGTERM half-way, after which every write the service confirmed must be found by a
 * fresh service on the same data.
 */
export async function loadTest(options: {
  clients: number;
  seconds: number;
  rounds: number;
  neo4j: { dataDir: string } | { uri: string; password: string };
  /** Settings of the service's own (time bounds: QUERY_TIMEOUT_MS, REQUEST_TIMEOUT_MS ...); defaults otherwise. */
  settings?: Record<string, string>;
  freePort: () => Promise<number>;
  generateKey: () => { key: string; entry: string };
  onRound?: (round: LoadReport["rounds"][number], index: number) => void;
}): Promise<LoadReport> {
  const editor = options.generateKey();
  const { neo4j } = options;
  const env = async () => ({
    PORT: String(await options.freePort()),
    ...("uri" in neo4j
      ? { NEO4J_URI: neo4j.uri, NEO4J_PASSWORD: neo4j.password }
      : { NEO4J_BOLT_PORT: String(await options.freePort()), NEO4J_DATA_DIR: neo4j.dataDir }),
    API_KEYS: editor.entry,
    ...options.settings,
  });
  const quote = "Moscou a livré des radars à Bamako";
  let service = await startService(await env());
  try {
    const added = await fetch(`${service.base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${editor.key}` },
      body: JSON.stringify({
        query: 'mutation ($t: String!) { addSource(input: { text: $t, language: "fr" }) { source { key } } }',
        variables: { t: `${quote} (load test).` },
      }),
    });
    const source = (await added.json()).data.addSource.source.key as string;
    const run = Date.now().toString(36);
    const rounds: LoadReport["rounds"] = [];
    for (let index = 0; index < options.rounds; index += 1) {
      const {
        acceptedWrites: _writes,
        errorSamples,
        ...result
      } = await runRound({
        base: service.base,
        clients: options.clients,
        seconds: options.seconds,
        writes: { apiKey: editor.key, source, quote, prefix: `rel-load-${run}-r${index}` },
      });
      if (errorSamples.length > 0) console.error(errorSamples.join("\n"));
      const round = { ...result, rssMb: rssMb(service.pid) };
      rounds.push(round);
      options.onRound?.(round, index);
    }

    // Graceful shutdown under load: SIGTERM half-way through a round.
    let signalled: () => void = () => {};
    const stopping = new Promise<void>((resolve) => {
      signalled = resolve;
    });
    const cut = runRound({
      base: service.base,
      clients: options.clients,
      seconds: options.seconds * 2,
      writes: { apiKey: editor.key, source, quote, prefix: `rel-load-${run}-cut` },
      stopping,
    });
    setTimeout(() => {
      signalled();
      service.child.kill("SIGTERM");
    }, options.seconds * 1000);
    const last = await cut;
    const exitCode = await service.exited;
    service = await startService(await env());
    let lost = 0;
    for (const key of last.acceptedWrites) {
      const response = await fetch(`${service.base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: "query ($k: String!) { relation(key: $k) { key } }",
          variables: { k: key },
        }),
      });
      if (!(await response.json()).data?.relation) lost += 1;
    }
    service.child.kill("SIGTERM");
    await service.exited;
    return {
      clients: options.clients,
      secondsPerRound: options.seconds,
      rounds,
      shutdown: {
        acceptedWrites: last.acceptedWrites.length,
        lostWrites: lost,
        errors: last.errors,
        exitCode,
      },
    };
  } finally {
    // A failure half-way (a request that throws, a test's timeout) must not leave the service running.
    await stopServices();
  }
}
