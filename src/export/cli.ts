import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCommand } from "../cli.js";
import { exportGraph } from "../db/export.js";
import { exportFiles } from "./formats.js";

/** `npm run export -- DIR`: GraphML, Cytoscape.js JSON and three CSV tables of the whole graph, into DIR. */
const [dir] = process.argv.slice(2);
if (!dir) {
  console.error("usage: npm run export -- DIR");
  process.exit(2);
}

await runCommand(async ({ db }) => {
  const graph = await exportGraph(db);
  await mkdir(dir, { recursive: true });
  for (const [name, file] of Object.entries(exportFiles)) {
    await writeFile(path.join(dir, name), file.render(graph));
    console.log(`Wrote ${path.join(dir, name)}`);
  }
  console.log(`${graph.actors.length} actors, ${graph.relations.length} relations`);
});
