import { vocabulary } from "../domain/vocabulary.js";
import { importIntoNewDatabase } from "../ingest/bulk.js";
import type { BulkActor, BulkBatch } from "../ingest/bulk-check.js";
import { readIngestFiles } from "../ingest/files.js";
import { bulkProgressBar } from "./progress.js";
import { CommandError, runCommand } from "./run.js";

/**
 * `npm run import -- FILE...`: a new embedded database from files in the ingest format (`npm run ingest`),
 * written by Neo4j's offline importer, many times faster than transactions (docs/decisions/013-bulk-import.md):
 * for a large corpus, before the service first starts. Each file is one batch: its relations cite its own
 * sources or those of files before it; every file's actors are known to all. Everything is checked first as every
 * write is; the first file with a problem stops the import with nothing written. Refuses a database that holds
 * anything, and NEO4J_URI (the importer writes the embedded database's files; stop the service first).
 */
await runCommand(async ({ config, log }) => {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new CommandError("usage: npm run import -- FILE.yaml [FILE.yaml ...]");
  const actors: BulkActor[] = [];
  const batches: BulkBatch[] = [];
  for (const file of files) {
    const { batch } = await readIngestFiles([file]);
    actors.push(...batch.actors);
    batches.push({ sources: batch.sources, relations: batch.relations });
  }
  const total = batches.reduce((n, batch) => n + batch.relations.length, 0);
  console.log(
    `Read ${files.length} file(s): ${actors.length} actors, ${batches.reduce((n, b) => n + b.sources.length, 0)} sources, ${total} relations`,
  );
  const bar = bulkProgressBar(total);
  const { result, database } = await importIntoNewDatabase(
    config,
    vocabulary,
    { actors, batches, origin: "import" },
    log,
    bar.update,
  ).finally(() => bar.stop());
  await database.close();
  const phases = Object.entries(result.phases)
    .map(([phase, seconds]) => `${phase} ${seconds.toFixed(1)} s`)
    .join(", ");
  console.log(
    `Imported into ${config.embedded.dataDir} in ${result.seconds.toFixed(1)} s (${result.relationsPerSecond} relations/s): ` +
      `${result.actors} actors, ${result.sources} sources, ${result.relations} relations, ${result.citations} citations (${phases})`,
  );
});
