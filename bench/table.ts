import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { projectRoot } from "../src/config.js";

/** `npm run bench:table`: the README's benchmark table, from the saved results of every size run. */
const dir = path.join(projectRoot, "bench", "results");
const files = (await readdir(dir))
  .filter((file) => /^bench-[SML]\.json$/.test(file))
  .sort((a, b) => "SML".indexOf(a[6] as string) - "SML".indexOf(b[6] as string));
console.log(
  "| size | query | floor p50 / p99 (ms) | floor req/s | service p50 / p99 (ms) | service req/s | @neo4j/graphql p50 (ms), req/s | b/a p50 | b/c req/s |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const file of files) {
  const run = JSON.parse(await readFile(path.join(dir, file), "utf8"));
  for (const r of run.results) {
    console.log(
      `| ${run.size} | ${r.query} | ${r.floor.p50} / ${r.floor.p99} | ${r.floor.throughput} | ${r.service.p50} / ${r.service.p99} | ${r.service.throughput}${r.service.errors ? ` (${r.service.errors} errors)` : ""} | ${r.peer && "throughput" in r.peer ? `${r.peer.p50}, ${r.peer.throughput}` : "n/a"} | ${r.p50Ratio} | ${r.throughputVsPeer ?? "n/a"} |`,
    );
  }
}
