import { createHash } from "node:crypto";
import os from "node:os";
import cliProgress from "cli-progress";
import { vocabulary } from "../domain/vocabulary.js";
import { readIngestFiles } from "../ingest/files.js";
import { applyBatch } from "../ingest/service.js";
import { CommandError, runCommand, withDatabase } from "./run.js";

/**
 * `npm run ingest -- FILE...`: sources, actors and relations in the seed's YAML formats (each file may hold
 * any of the three sections; a source's `file` is read relative to its YAML file). Everything is checked
 * like the seed and written in one transaction, or nothing is; the history records the CLI user.
 */
await runCommand(async (context) => {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new CommandError("usage: npm run ingest -- FILE.yaml [FILE.yaml ...]");
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    { format: "{bar} {value}/{total} {step}", hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(files.length + 2, 0, { step: "reading" });
  try {
    const { batch, locate } = await readIngestFiles(files, (file) =>
      bar.increment({ step: `reading ${file}` }),
    );
    bar.increment({ step: "checking and writing in one transaction" });
    const writer = { name: `cli:${os.userInfo().username}`, role: "admin" as const };
    // The same files ingested again are recognised by their content and change nothing.
    const clientKey = `ingest:${createHash("sha256").update(JSON.stringify(batch)).digest("hex")}`;
    const { result, replayed } = await withDatabase(context, (db) =>
      applyBatch(db, vocabulary, writer, batch, { operation: "ingest", clientKey, locate }),
    );
    bar.increment({ step: "done" });
    bar.stop();
    if (replayed || result.changeId === null) {
      console.log(
        result.changeId === null
          ? "Every source was already stored; nothing changed."
          : `Already ingested (change ${result.changeId}); nothing changed.`,
      );
      return;
    }
    const created = result.sources.filter((s) => s.created).length;
    const citations = batch.relations.reduce((n, r) => n + r.citations.length, 0);
    console.log(
      `Ingested in ${Date.now() - started} ms (one transaction, change ${result.changeId}): ` +
        `${created} new source(s)${result.sources.length > created ? ` and ${result.sources.length - created} already stored` : ""}, ` +
        `${result.actors.length} actor(s), ${result.relations.length} relation(s), ${citations} citation(s); ` +
        `mentions of the new names recomputed in ${result.mentionTextsRead} stored text(s).`,
    );
    for (const source of result.sources) {
      const actors = [...new Set(source.mentions.map((m) => m.actorId))];
      console.log(
        `  ${source.key}: names ${actors.length} known actor(s)${actors.length ? `: ${actors.join(", ")}` : ""}`,
      );
    }
  } finally {
    bar.stop();
  }
});
