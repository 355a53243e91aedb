import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { projectRoot } from "../src/domain/project.js";
import { targets } from "./queries.js";

/**
 * `npm run bench:table`: the benchmark table of docs/performance.md, from the saved results of every size run, then which of
 * the targets (bench/queries.ts) hold.
 */
const dir = path.join(projectRoot, "bench", "results");
const files = (await readdir(dir))
  .filter((file) => /^bench-[SML]\.json$/.test(file))
  .sort((a, b) => "SML".indexOf(a[6] as string) - "SML".indexOf(b[6] as string));
const runs = await Promise.all(
  files.map(async (file) => JSON.parse(await readFile(path.join(dir, file), "utf8"))),
);
const mark = (held: boolean) => (held ? "✓" : "✗");
console.log(
  "| size | query | floor p50 / p99 (ms) | floor req/s | service p50 / p99 (ms) | service req/s | @neo4j/graphql p50 (ms), req/s | b/a p50 | b/c req/s |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const run of runs) {
  for (const r of run.results) {
    const peer = r.peer && "throughput" in r.peer;
    console.log(
      `| ${run.size} | ${r.query} | ${r.floor.p50} / ${r.floor.p99} | ${r.floor.throughput} | ${r.service.p50} / ${r.service.p99} | ${r.service.throughput}${r.service.errors ? ` (${r.service.errors} errors)` : ""} | ${peer ? `${r.peer.p50}, ${r.peer.throughput}` : "n/a"} | ${r.p50Ratio} ${mark(r.p50Ratio <= targets.p50Ratio)} | ${r.throughputVsPeer === null ? "n/a" : `${r.throughputVsPeer} ${mark(r.throughputVsPeer >= 1)}`} |`,
    );
  }
}
console.log("\nTargets (✓ held, ✗ missed):\n");
for (const run of runs) {
  const ratios = run.results.map((r: { p50Ratio: number }) => r.p50Ratio);
  const slowest = Math.max(...ratios);
  const behind = run.results.filter(
    (r: { throughputVsPeer: number | null }) => (r.throughputVsPeer ?? 1) < 1,
  );
  console.log(
    `- ${run.size}: b/a p50 ≤ ${targets.p50Ratio} on every query ${mark(slowest <= targets.p50Ratio)} (highest ${slowest}; ` +
      `${ratios.filter((r: number) => r <= targets.p50RatioAim).length} of ${ratios.length} within the aim of ${targets.p50RatioAim}); ` +
      `throughput ≥ the peer's ${mark(behind.length === 0)}${behind.length ? ` (behind on ${behind.map((r: { query: string }) => r.query).join(", ")})` : ""}; ` +
      `service RSS ${run.serviceRssMb} MB ≤ ${targets.rssMb} MB ${mark(run.serviceRssMb <= targets.rssMb)} (run of ${run.date.slice(0, 10)})`,
  );
}
const twoHop = (size: string) =>
  runs
    .find((run) => run.size === size)
    ?.results.find((r: { query: string }) => r.query === "two-hop neighbourhood");
const [small, large] = [twoHop("S"), twoHop("L")];
console.log(
  small && large
    ? `- two-hop p50 at L within ${targets.twoHopGrowth}× of S: ${Math.round((large.service.p50 / small.service.p50) * 100) / 100}× ${mark(large.service.p50 <= targets.twoHopGrowth * small.service.p50)} (runs of ${runs.find((run) => run.size === "S").date.slice(0, 10)} and ${runs.find((run) => run.size === "L").date.slice(0, 10)})`
    : "- two-hop p50 at L within 2× of S: not measured (no L run)",
);
