import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { generateApiKey } from "../src/auth.js";
import { projectRoot } from "../src/domain/project.js";
import { freePort } from "../src/net.js";
import { buildService, loadTest } from "./load-lib.js";

/**
 * `npm run load [-- --clients 16 --seconds 10 --rounds 5]`: the bounded load test on loopback. Prints each
 * round's throughput, p50, p99 and the service's memory, then checks a graceful shutdown under load, and saves
 * the figures to bench/results/load.json.
 */
const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "16" },
    seconds: { type: "string", default: "10" },
    rounds: { type: "string", default: "5" },
  },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
console.log(
  `Load test: ${clients} clients, ${rounds} rounds of ${seconds} s, 90% reads / 10% writes, on loopback`,
);
buildService();
const report = await loadTest({
  clients,
  seconds,
  rounds,
  neo4j: { dataDir: path.join(projectRoot, ".data", "load") },
  freePort,
  generateKey: () => generateApiKey("load", "editor"),
  onRound: (round, index) =>
    console.log(
      `round ${index + 1}: ${round.requests} requests, ${round.errors} errors, ${round.throughput} req/s, ` +
        `p50 ${round.p50} ms, p99 ${round.p99} ms, service RSS ${round.rssMb} MB`,
    ),
});
console.log(
  `shutdown under load: ${report.shutdown.acceptedWrites} writes accepted, ${report.shutdown.lostWrites} lost, ` +
    `${report.shutdown.errors} errors, exit code ${report.shutdown.exitCode}`,
);
await mkdir(path.join(projectRoot, "bench", "results"), { recursive: true });
const file = path.join(projectRoot, "bench", "results", "load.json");
await writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), ...report }, null, 2)}\n`);
console.log(`Saved ${path.relative(projectRoot, file)}`);
const failed =
  report.rounds.some((r) => r.errors > 0) || report.shutdown.lostWrites > 0 || report.shutdown.errors > 0;
process.exit(failed ? 1 : 0);
