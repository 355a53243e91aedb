import { loadConfig } from "../config.js";
import { coverageReport } from "../seed/coverage.js";
import { readSeed, SeedError } from "../seed/read.js";

/**
 * `npm run coverage`: what the seed covers, and every sentence that names two or more actors but backs no
 * relation. Reads the seed files only (no database). Exits 1 when there is a gap, so CI can hold the line.
 */
const config = loadConfig();
try {
  const corpus = await readSeed(config.seedDir);
  const report = coverageReport(corpus);
  const table = (title: string, rows: [string, ...(string | number)[]][], header: string[]) => {
    console.log(`\n${title}`);
    console.log(`  ${header.join("\t")}`);
    for (const row of rows) console.log(`  ${row.join("\t")}`);
  };
  console.log(
    `Seed: ${corpus.sources.length} sources, ${corpus.actors.length} actors, ${corpus.relations.length} relations, ` +
      `${corpus.relations.reduce((n, r) => n + r.citations.length, 0)} citations`,
  );
  table(
    "Relations per type",
    Object.entries(report.relationsByType).sort(([, a], [, b]) => b - a),
    ["type", "relations"],
  );
  const reported = report.dates.filter((d) => d.reported !== null).length;
  table(
    `Dates: ${report.dates.filter((d) => d.held !== null).length} relations dated by their quotes, ` +
      `${reported} with a report date, ${report.dates.length - reported} without (their sources are undated)`,
    report.dates.map((d) => [d.relationId, d.held ?? "-", d.reported ?? "-", d.undatedBecause ?? ""]),
    ["relation", "holds", "first reported", "why no report date"],
  );
  table(
    "Per source",
    Object.entries(report.bySource).map(([id, s]) => [id, s.relations, s.citations, s.actorsMentioned]),
    ["source", "relations", "citations", "actors mentioned"],
  );
  table(
    "Per actor",
    Object.entries(report.byActor)
      .sort(([, a], [, b]) => b.relations - a.relations)
      .map(([id, a]) => [id, a.relations, a.mentions]),
    ["actor", "relations", "mentions"],
  );
  console.log(
    `\nExplained: ${report.explained.length} sentence(s) name actors but state no relation between them`,
  );
  for (const sentence of report.explained)
    console.log(`  ${sentence.sourceId}:${sentence.start}-${sentence.end} ${sentence.explanation}`);
  console.log(
    `\nGaps: ${report.gaps.length} sentence(s) name two or more actors but back no relation, unexplained`,
  );
  for (const gap of report.gaps) {
    console.log(`  ${gap.sourceId}:${gap.start}-${gap.end} [${gap.actorIds.join(", ")}]\n    ${gap.text}`);
  }
  process.exit(report.gaps.length > 0 ? 1 : 0);
} catch (error) {
  console.error(error instanceof SeedError ? error.message : error);
  process.exit(2);
}
