import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { bulkProgressBar } from "../src/cli/progress.js";
import { embeddedStoreDir } from "../src/db/embedded.js";
import { type OpenDatabase, openDatabase } from "../src/db/open.js";
import { applySchema } from "../src/db/schema.js";
import { deleteOrigin } from "../src/db/writes.js";
import { DomainError } from "../src/domain/errors.js";
import { projectRoot } from "../src/domain/project.js";
import { vocabulary } from "../src/domain/vocabulary.js";
import { type BulkResult, importIntoNewDatabase, loadIntoLiveDatabase } from "../src/ingest/bulk.js";
import { createLogger } from "../src/logger.js";
import {
  bulkLoad,
  type Size,
  sizes,
  syntheticBatches,
  syntheticConfig,
  syntheticDataDir,
  syntheticInput,
} from "./synthetic.js";

/**
 * `npm run bench:generate -- --size S|M|L [--transactional] [--increment N]`: the synthetic graph of that size
 * in its own embedded Neo4j (.data/bench-SIZE), through the shared grammar and checks, written by Neo4j's
 * offline importer into the new database (or, with --transactional, by batched transactions as before). Then
 * it measures an incremental load into the live database: N more relations (20,000 by default; 0 skips it),
 * one transaction per 10,000, removed again afterwards so that the graph stays the benchmark's. Prints each
 * rate beside its target and saves them in bench/results/load.json under `bulkLoad`.
 */
const { values } = parseArgs({
  options: {
    size: { type: "string", default: "S" },
    transactional: { type: "boolean", default: false },
    increment: { type: "string", default: "20000" },
  },
});
const size = values.size as Size;
const increment = Number(values.increment);
if (!(size in sizes) || !Number.isInteger(increment) || increment < 0) {
  console.error(`--size must be one of ${Object.keys(sizes).join(", ")}; --increment a whole number`);
  process.exit(2);
}
const dataDir = syntheticDataDir(size);
// The invariant checker and the removal of the increment read the whole graph at once.
const config = syntheticConfig(size, { QUERY_TIMEOUT_MS: process.env.QUERY_TIMEOUT_MS ?? "600000" });
const log = createLogger({ level: "warn", format: "pretty" });
const targets = { import: 100_000, importAim: 200_000, incremental: 10_000 };

const describe = (result: BulkResult) =>
  `${result.relations} relations, ${result.citations} citations, ${result.sources} sources and ` +
  `${result.actors} actors in ${result.seconds.toFixed(1)} s (${Object.entries(result.phases)
    .map(([phase, seconds]) => `${phase} ${seconds.toFixed(1)} s`)
    .join(", ")}): ${result.relationsPerSecond} relations/s`;

const verdict = (rate: number, target: number) =>
  `target ${target.toLocaleString("en")}/s ${rate >= target ? "met" : "missed"}`;

/** The machine's 1-minute load average over its cores: on a shared machine it says what a rate is worth. */
const machine = () => ({
  cores: os.availableParallelism(),
  loadAverage: Number(os.loadavg()[0]?.toFixed(1)),
});

/** Records the figures of this run under `bulkLoad.SIZE` in bench/results/load.json, keeping the rest. */
async function saveFigures(figures: Record<string, unknown>) {
  const file = path.join(projectRoot, "bench", "results", "load.json");
  await mkdir(path.dirname(file), { recursive: true });
  const saved = existsSync(file) ? JSON.parse(await readFile(file, "utf8")) : {};
  saved.bulkLoad = { ...saved.bulkLoad, [size]: { ...saved.bulkLoad?.[size], ...figures } };
  await writeFile(file, `${JSON.stringify(saved, null, 2)}\n`);
  console.log(`Saved ${path.relative(projectRoot, file)} (bulkLoad.${size})`);
}

let database: OpenDatabase | undefined;
const figures: Record<string, unknown> = {};
try {
  if (!existsSync(embeddedStoreDir(dataDir)) && !values.transactional) {
    const bar = bulkProgressBar(sizes[size]);
    const imported = await importIntoNewDatabase(
      config,
      vocabulary,
      syntheticInput(sizes[size]),
      log,
      bar.update,
    );
    bar.stop();
    database = imported.database;
    const { result } = imported;
    console.log(
      `bench-${size} imported: ${describe(result)}; ${verdict(result.relationsPerSecond, targets.import)} (aim 200,000/s)`,
    );
    figures.import = {
      date: new Date().toISOString(),
      ...result,
      target: targets.import,
      aim: targets.importAim,
      ...machine(),
    };
  } else {
    database = await openDatabase(config, log);
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
      const bar = bulkProgressBar(sizes[size]);
      const result = await bulkLoad(database.db, sizes[size], { onProgress: bar.update });
      bar.stop();
      console.log(`bench-${size} loaded in transactions: ${describe(result)}`);
      figures.transactional = { date: new Date().toISOString(), ...result, ...machine() };
    }
  }
  if (increment > 0) {
    // New sources and relations between the graph's actors, as analysts' batches add them to a live graph.
    const origin = "synthetic-increment";
    const bar = bulkProgressBar(increment);
    const result = await loadIntoLiveDatabase(
      database.db,
      vocabulary,
      {
        actors: [],
        batches: syntheticBatches(increment, 10_000, { seed: 7, prefix: "inc", actorCount: sizes[size] }),
        origin,
      },
      bar.update,
    );
    bar.stop();
    console.log(
      `bench-${size} incremental load into the live database: ${describe(result)}; ${verdict(result.relationsPerSecond, targets.incremental)}`,
    );
    figures.incremental = {
      date: new Date().toISOString(),
      ...result,
      target: targets.incremental,
      ...machine(),
    };
    await deleteOrigin(database.db, origin);
  }
  console.log(`machine: ${machine().cores} cores, load average ${machine().loadAverage}`);
  await saveFigures(figures);
} catch (error) {
  console.error(error instanceof DomainError ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
} finally {
  await database?.close();
}
