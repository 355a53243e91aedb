import { createWriteStream } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { runCommand } from "../cli.js";
import { exportCounts, openExport } from "../db/export.js";
import { exportFiles, exportText } from "./formats.js";

/**
 * `npm run export -- DIR`: GraphML, Cytoscape.js JSON and three CSV tables of the whole graph, into DIR. Each file
 * is streamed from its own read transaction (EXPORT_TIMEOUT_MS applies; the HTTP size limits do not), written
 * as NAME.part and renamed when complete, so a failed export leaves no file that looks whole.
 */
const [dir] = process.argv.slice(2);
if (!dir) {
  console.error("usage: npm run export -- DIR");
  process.exit(2);
}

await runCommand(async ({ db, config }) => {
  await mkdir(dir, { recursive: true });
  const { actors, relations } = await exportCounts(db);
  for (const [name, format] of Object.entries(exportFiles)) {
    const file = path.join(dir, name);
    const source = await openExport(db, { file: name, timeoutMs: config.http.exports.timeoutMs });
    await pipeline(Readable.from(exportText(format, source)), createWriteStream(`${file}.part`));
    await rename(`${file}.part`, file);
    console.log(`Wrote ${file}`);
  }
  console.log(`${actors} actors, ${relations} relations`);
});
