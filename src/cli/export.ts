import { createWriteStream } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { exportCounts, openExport } from "../db/export.js";
import { exportFilterParameters, exportSelection, parseExportFilter } from "../export/filter.js";
import { exportFiles, exportText, isCsv, withByteOrderMark } from "../export/formats.js";
import { CommandError, runCommand, withDatabase } from "./run.js";

/**
 * `npm run export -- DIR [--actor KEY ... --depth N --kinds K,.. --types T,.. --asOf DAY --from DATE --to DATE]
 * [--bom]`: GraphML, Cytoscape.js JSON and four CSV tables of the graph, or of the part the options name (the
 * filter of `GET /export/FILE`, src/export/filter.ts), into DIR. Each file is streamed from its own read
 * transaction (EXPORT_TIMEOUT_MS applies; the HTTP size limits do not), written as NAME.part and renamed when
 * complete, so a failed export leaves no file that looks whole. `--bom` starts the CSVs with a byte-order mark.
 */
const usage =
  "usage: npm run export -- DIR [--actor KEY]... [--depth 1-3] [--kinds K,...] [--types T,...] [--asOf YYYY-MM-DD] [--from DATE] [--to DATE] [--bom]";
const options = {
  ...Object.fromEntries(
    exportFilterParameters.map((name) => [name, { type: "string", multiple: true } as const]),
  ),
  bom: { type: "boolean" },
} as const;

/** The command line's directory and options. */
function commandLine() {
  let parsed: ReturnType<typeof parseArgs<{ allowPositionals: true; options: typeof options }>>;
  try {
    parsed = parseArgs({ allowPositionals: true, options });
  } catch (error) {
    throw new CommandError(`${(error as Error).message}\n${usage}`);
  }
  const [dir] = parsed.positionals;
  if (!dir || parsed.positionals.length > 1) throw new CommandError(usage);
  return { dir, values: parsed.values as Record<string, string[] | boolean | undefined> };
}

await runCommand(async (context) => {
  const { dir, values } = commandLine();
  await withDatabase(context, (db) => exportInto(db, context.config, dir, values));
});

/** Writes every export file of the filter `values` name into `dir`. */
async function exportInto(
  db: Database,
  config: Config,
  dir: string,
  values: Record<string, string[] | boolean | undefined>,
) {
  const filter = parseExportFilter((name) => (values[name] as string[] | undefined) ?? []);
  // A neighbourhood is found in memory before streaming, so it keeps the HTTP bound; the whole graph has none.
  const selection = await exportSelection(db, filter, config.http.exports.maxRelations);
  await mkdir(dir, { recursive: true });
  const { relations } = await exportCounts(db, selection);
  for (const [name, known] of Object.entries(exportFiles)) {
    const format = values.bom && isCsv(known) ? withByteOrderMark(known) : known;
    const file = path.join(dir, name);
    const source = await openExport(db, { file: name, selection, timeoutMs: config.http.exports.timeoutMs });
    await pipeline(Readable.from(exportText(format, source)), createWriteStream(`${file}.part`));
    await rename(`${file}.part`, file);
    console.log(`Wrote ${file}`);
  }
  console.log(`${relations} relations`);
}
