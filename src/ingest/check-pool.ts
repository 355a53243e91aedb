import { Worker } from "node:worker_threads";
import type { BulkBatch, ImportBatchOutcome } from "./bulk-check.js";
import type { CheckWorkerData } from "./check-worker.js";

/** A worker's code that imports the TypeScript module `entry` through tsx's API. */
function throughTsx(entry: string): string {
  const tsx = import.meta.resolve("tsx/esm/api");
  return `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
}

/**
 * Worker threads that check an import's batches (./check-worker.ts) while the main thread reads the input and
 * writes the importer's files: the checks are most of an import's CPU time in Node (docs/decisions/013).
 * Batches go round-robin; each call's promise settles with that batch's outcome.
 */
export class CheckPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (outcome: ImportBatchOutcome) => void; reject: (error: Error) => void }
  >();
  private next = 0;

  /**
   * Starts `threads` workers running the check worker the way this module runs: its build (dist/, `npm run
   * build`) directly, or its TypeScript source through tsx's API as the main thread does (`--import tsx` in a
   * worker's options does not reach its entry module under every runner).
   */
  constructor(threads: number, data: CheckWorkerData) {
    const compiled = import.meta.url.endsWith(".js");
    const entry = new URL(compiled ? "./check-worker.js" : "./check-worker.ts", import.meta.url);
    for (let n = 0; n < threads; n += 1) {
      const worker = compiled
        ? new Worker(entry, { workerData: data })
        : new Worker(throughTsx(entry.href), { eval: true, workerData: data });
      worker.on("message", (message: { number: number; outcome?: ImportBatchOutcome; error?: string }) => {
        const waiting = this.pending.get(message.number);
        this.pending.delete(message.number);
        if (message.outcome) waiting?.resolve(message.outcome);
        else waiting?.reject(new Error(`check worker: ${message.error}`));
      });
      worker.on("error", (error) => this.failAll(error));
      worker.on("exit", (code) => {
        if (code !== 0) this.failAll(new Error(`check worker exited with code ${code}`));
      });
      this.workers.push(worker);
    }
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  /**
   * Checks batch `number` on the next worker; undefined when the batch cannot be sent (a value that is not
   * plain data), for the caller to check it itself. Rejects if the worker fails.
   */
  check(number: number, batch: BulkBatch): Promise<ImportBatchOutcome> | undefined {
    const worker = this.workers[this.next % this.workers.length] as Worker;
    this.next += 1;
    try {
      worker.postMessage({ number, batch });
    } catch {
      return undefined;
    }
    return new Promise((resolve, reject) => this.pending.set(number, { resolve, reject }));
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
