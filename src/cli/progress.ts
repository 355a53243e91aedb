import cliProgress from "cli-progress";
import type { BulkProgress } from "../ingest/bulk.js";

/**
 * A progress bar over a bulk load's `total` relations, with its phase (checking, the importer's stages,
 * indexing) and rate beside it; on a terminal it redraws, elsewhere it prints a line every 5 seconds.
 */
export function bulkProgressBar(total: number) {
  const bar = new cliProgress.SingleBar(
    {
      format: "{bar} {value}/{total} relations | {phase} | {rate} rel/s",
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(total, 0, { phase: "checking", rate: 0 });
  return {
    update: ({ phase, relations, percent }: BulkProgress) =>
      bar.update(relations, {
        phase: percent === undefined ? phase : `${phase} ${percent}%`,
        rate: Math.round(relations / ((performance.now() - started) / 1000)),
      }),
    stop: () => bar.stop(),
  };
}
