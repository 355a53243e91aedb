import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { projectRoot } from "../config.js";
import type { Database } from "../db/database.js";
import {
  countGraph,
  type GraphCounts,
  recordSeedState,
  replaceSeedMentions,
  seedStateHash,
  upsertSeedActors,
  upsertSeedCitations,
  upsertSeedRelations,
  upsertSeedSources,
} from "../db/seed-store.js";
import { lockGraph } from "../db/writes.js";
import type { Logger } from "../logger.js";
import { readSeed, type SeedCorpus } from "./read.js";
import { actorRow, citationRows, mentionRows, relationRow, sourceRow } from "./rows.js";

export interface SeedLoadResult {
  loaded: boolean;
  counts: GraphCounts;
  milliseconds: number;
}

/** Turns the validated corpus into the rows the store writes; nothing here can fail on good input. */
function toRows(corpus: SeedCorpus) {
  return {
    sources: corpus.sources.map(sourceRow),
    actors: corpus.actors.map(actorRow),
    relations: corpus.relations.map(relationRow),
    citations: corpus.relations.flatMap(citationRows),
    mentions: [...corpus.mentions].flatMap(([sourceId, mentions]) => mentionRows(sourceId, mentions)),
  };
}

/**
 * The code that decides what a load writes: a change to it must reload an unchanged seed too. Its TypeScript
 * sources are read, whether this runs from them or from their build (dist/).
 */
const loaderFiles = [
  "seed/load.ts",
  "seed/rows.ts",
  "search/analysis.ts",
  "seed/mentions.ts",
  "seed/text.ts",
  "seed/dates.ts",
  "seed/grammar.ts",
  "seed/model.ts",
  "db/seed-store.ts",
].map((file) => path.join(projectRoot, "src", file));

/** Identifies a load: the seed files' hash and the loader code that turns them into the graph. */
async function loadHash(corpus: SeedCorpus): Promise<string> {
  const hash = createHash("sha256").update(corpus.hash);
  for (const file of loaderFiles) hash.update(await readFile(file));
  return hash.digest("hex");
}

/**
 * Validates the seed directory and writes it in one transaction, under the graph's write lock: either all of it
 * lands or none of it.
 * Idempotent: records are merged on their ids, and a seed whose files have not changed since the last
 * load is skipped unless `force` is set.
 */
export async function loadSeed(
  db: Database,
  seedDir: string,
  log: Logger,
  options: { force?: boolean } = {},
): Promise<SeedLoadResult> {
  const started = Date.now();
  const corpus = await readSeed(seedDir);
  const hash = await loadHash(corpus);
  if (!options.force && (await seedStateHash(db)) === hash) {
    const counts = await countGraph(db);
    log.info({ ...counts }, "Seed unchanged since the last load; skipped");
    return { loaded: false, counts, milliseconds: Date.now() - started };
  }
  const rows = toRows(corpus);
  await db.writeTransaction(async (tx) => {
    // After any analyst write in flight, whose checks saw the graph before this load.
    await lockGraph(tx);
    await upsertSeedSources(tx, rows.sources);
    await upsertSeedActors(tx, rows.actors);
    await upsertSeedRelations(tx, rows.relations);
    await upsertSeedCitations(tx, rows.citations);
    await replaceSeedMentions(tx, rows.mentions);
    await recordSeedState(tx, hash);
  });
  const counts = await countGraph(db);
  const milliseconds = Date.now() - started;
  log.info({ ...counts, milliseconds }, "Seed loaded");
  return { loaded: true, counts, milliseconds };
}
