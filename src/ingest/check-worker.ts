import { parentPort, workerData } from "node:worker_threads";
import type { Vocabulary } from "../domain/model.js";
import type { BulkBatch } from "./bulk-check.js";
import { checkImportBatch } from "./bulk-check.js";

/**
 * A worker thread of an import's checks (./check-pool.ts): checks each batch it is sent against the input's
 * actors, answering "no" for relations of earlier batches (the main thread tells whether that held), and sends
 * back the outcome: importer lines, keys and problems, all plain data.
 */

/** What each worker is started with. */
export interface CheckWorkerData {
  vocabulary: Vocabulary;
  origin: string;
  actorKeys: string[];
}

const { vocabulary, origin, actorKeys } = workerData as CheckWorkerData;
const actors = new Set(actorKeys);

parentPort?.on("message", ({ number, batch }: { number: number; batch: BulkBatch }) => {
  try {
    const outcome = checkImportBatch(
      vocabulary,
      origin,
      batch,
      number,
      (key) => actors.has(key),
      () => false,
    );
    parentPort?.postMessage({ number, outcome });
  } catch (error) {
    parentPort?.postMessage({
      number,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});
