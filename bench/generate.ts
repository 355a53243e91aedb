import path from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { loadConfig, projectRoot } from "../src/config.js";
import { openDatabase } from "../src/db/open.js";
import { applySchema } from "../src/db/schema.js";
import { createLogger } from "../src/logger.js";
import { bulkLoad, type Size, sizes } from "./synthetic.js";

/**
 * `npm run bench:generate -- --size S|M|L`: the synthetic graph of that size in its own embedded Neo4j
 * (.data/bench-SIZE), bulk-loaded through the seed's checks; prints relations per second.
 */
const { values } = parseArgs({ options: { size: { type: "string", default: "S" } } });
const size = values.size as Size;
if (!(size in sizes)) {
  console.error(`--size must be one of ${Object.keys(sizes).join(", ")}`);
  process.exit(2);
}
const config = loadConfig({
  ...process.env,
  NEO4J_DATA_DIR: path.join(projectRoot, ".data", `bench-${size}`),
  NEO4J_HEAP_MB: process.env.NEO4J_HEAP_MB ?? "2048",
  NEO4J_PAGECACHE_MB: process.env.NEO4J_PAGECACHE_MB ?? "2048",
  NEO4J_BOLT_PORT: process.env.NEO4J_BOLT_PORT ?? "0",
});
const log = createLogger({ level: "warn", format: "pretty" });
const database = await openDatabase(config, log);
try {
  await applySchema(database.db, log);
  const { records } = await database.db.read(
    "MATCH ()-[r:RELATION {origin: 'synthetic'}]->() RETURN count(r) AS n",
  );
  const existing = records[0]?.get("n") as number;
  if (existing === sizes[size]) {
    console.log(`bench-${size} already holds ${existing} synthetic relations`);
  } else if (existing > 0) {
    throw new Error(
      `bench-${size} holds ${existing} synthetic relations, not ${sizes[size]}: delete .data/bench-${size}`,
    );
  } else {
    const bar = new cliProgress.SingleBar(
      { format: "{bar} {value}/{total} relations | {rate} rel/s", noTTYOutput: true, notTTYSchedule: 5000 },
      cliProgress.Presets.shades_classic,
    );
    const started = performance.now();
    bar.start(sizes[size], 0, { rate: 0 });
    const result = await bulkLoad(database.db, sizes[size], {
      onProgress: (loaded) =>
        bar.update(loaded, { rate: Math.round(loaded / ((performance.now() - started) / 1000)) }),
    });
    bar.stop();
    console.log(
      `bench-${size}: ${result.relations} relations and ${result.citations} citations in ${result.seconds.toFixed(1)} s: ` +
        `${result.relationsPerSecond} relations/s (actors, sources and citations included; target 20,000/s ` +
        `${result.relationsPerSecond >= 20_000 ? "met" : "missed"})`,
    );
  }
} finally {
  await database.close();
}
