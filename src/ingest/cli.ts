import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import cliProgress from "cli-progress";
import { runCommand } from "../cli.js";
import { ingestFile } from "../domain/model.js";
import { vocabulary } from "../domain/vocabulary.js";
import { type Problem as FileProblem, type ParsedFile, parseYaml, SeedError } from "../seed/read.js";
import { applyBatch, type Batch } from "./service.js";

/**
 * `npm run ingest -- FILE...`: sources, actors and relations in the seed's YAML formats (each file may hold
 * any of the three sections; a source's `file` is read relative to its YAML file). Everything is checked
 * like the seed and written in one transaction, or nothing is; the history records the CLI user.
 */
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: npm run ingest -- FILE.yaml [FILE.yaml ...]");
  process.exit(2);
}

await runCommand(async ({ db }) => {
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    { format: "{bar} {value}/{total} {step}", hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(files.length + 2, 0, { step: "reading" });

  const batch: Batch = { sources: [], actors: [], relations: [] };
  /** For each item of the batch, the file it came from and its place there, to name lines in errors. */
  const origins: Record<keyof Batch, { file: string; parsed: ParsedFile<unknown>; index: number }[]> = {
    sources: [],
    actors: [],
    relations: [],
  };
  const problems: FileProblem[] = [];
  for (const file of files) {
    bar.increment({ step: `reading ${file}` });
    const text = await readFile(file, "utf8").catch((error: Error) => {
      problems.push({ file, line: 1, message: `cannot read: ${error.message}` });
      return undefined;
    });
    if (text === undefined) continue;
    const parsed = parseYaml(file, text, ingestFile, problems);
    if (!parsed.data) continue;
    for (const [index, source] of parsed.data.sources.entries()) {
      const sourcePath = path.resolve(path.dirname(file), source.file);
      const sourceText = await readFile(sourcePath, "utf8").catch(() => undefined);
      if (sourceText === undefined) {
        problems.push({
          file,
          line: parsed.lineAt(["sources", index, "file"]),
          message: `cannot read ${source.file}`,
        });
        continue;
      }
      batch.sources.push({ ...source, file: path.basename(source.file), text: sourceText });
      origins.sources.push({ file, parsed, index });
    }
    for (const [index, actor] of parsed.data.actors.entries()) {
      batch.actors.push(actor);
      origins.actors.push({ file, parsed, index });
    }
    for (const [index, relation] of parsed.data.relations.entries()) {
      batch.relations.push(relation);
      origins.relations.push({ file, parsed, index });
    }
  }
  if (problems.length > 0) {
    bar.stop();
    throw new SeedError(problems);
  }

  bar.increment({ step: "checking and writing in one transaction" });
  const writer = { name: `cli:${os.userInfo().username}`, role: "admin" as const };
  // The same files ingested again are recognised by their content and change nothing.
  const clientKey = `ingest:${createHash("sha256").update(JSON.stringify(batch)).digest("hex")}`;
  try {
    const { result, replayed } = await applyBatch(db, vocabulary, writer, batch, {
      operation: "ingest",
      clientKey,
      locate: (section, index, at) => {
        const origin = origins[section][index];
        if (!origin) return `${section}[${index}]`;
        return `${origin.file}:${origin.parsed.lineAt([section, origin.index, ...at])}`;
      },
    });
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
        `${result.actors.length} actor(s), ${result.relations.length} relation(s), ${citations} citation(s).`,
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
