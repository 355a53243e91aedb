import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Database } from "../db/database.js";
import { recomputeContested } from "../db/evidence.js";
import { rewriteMentions } from "../db/mentions.js";
import {
  type ActorRow,
  analystActorChanges,
  countGraph,
  type GraphCounts,
  recordSeedState,
  seedStateHash,
  upsertSeedActors,
  upsertSeedCitations,
  upsertSeedRelations,
  upsertSeedSources,
} from "../db/seed-store.js";
import { startupStep } from "../db/startup.js";
import { allActorNames, lockGraph } from "../db/writes.js";
import { mentionFinder } from "../domain/mentions.js";
import { projectRoot } from "../domain/project.js";
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
  };
}

type SeedRows = ReturnType<typeof toRows>;

/**
 * The rows of a reload made to keep what analysts changed since: an actor they edited, or that absorbed
 * another, stays as they left it; an absorbed actor is not made again, and the records the files give it
 * (relation ends, places, speakers) go to the actor that holds them now, after chains of merges. Mentions are
 * found anew in the seed's texts against every actor the graph holds then (analysts' too), as any text's are.
 * (Retractions are kept by upsertSeedRelations.) Returns the rows and the keys of the actors kept as analysts
 * left them, and of those not made again.
 */
function keepAnalystChanges(
  rows: SeedRows,
  changes: Awaited<ReturnType<typeof analystActorChanges>>,
): { rows: SeedRows; kept: string[]; absorbed: string[] } {
  const heldAgain = new Set(changes.heldAgain);
  const absorbedInto = new Map<string, string>();
  for (const { into, from } of changes.merges) if (!heldAgain.has(from)) absorbedInto.set(from, into);
  // A chain of merges is at most as long as the merges; the bound also ends a cycle.
  const holder = (key: string) => {
    let current = key;
    for (let step = 0; step < absorbedInto.size && absorbedInto.has(current); step += 1) {
      current = absorbedInto.get(current) as string;
    }
    return current;
  };
  // Edited, absorbing another, or added again after it was absorbed: the analysts' actor now.
  const owned = new Set([...changes.edited, ...changes.merges.map((m) => m.into), ...heldAgain]);
  const keptAsLeft = (actor: ActorRow) => owned.has(actor.id) || absorbedInto.has(actor.id);
  return {
    rows: {
      ...rows,
      actors: rows.actors.filter((actor) => !keptAsLeft(actor)),
      relations: rows.relations.map((row) => {
        const placeActorIds = row.props.placeActorIds as string[] | undefined;
        return {
          ...row,
          from: holder(row.from),
          to: holder(row.to),
          props: placeActorIds
            ? { ...row.props, placeActorIds: placeActorIds.map((k) => (k === "" ? k : holder(k))) }
            : row.props,
        };
      }),
      citations: rows.citations.map((row) => {
        const speakerId = row.speakerId === null ? null : holder(row.speakerId);
        return { ...row, speakerId, props: { ...row.props, speakerId } };
      }),
    },
    kept: rows.actors
      .filter((actor) => owned.has(actor.id) && !absorbedInto.has(actor.id))
      .map((actor) => actor.id),
    absorbed: rows.actors.filter((actor) => absorbedInto.has(actor.id)).map((actor) => actor.id),
  };
}

/**
 * The code that decides what a load writes: a change to it must reload an unchanged seed too. Its TypeScript
 * sources are read, whether this runs from them or from their build (dist/).
 */
const loaderFiles = [
  "seed/load.ts",
  "seed/rows.ts",
  "domain/analysis.ts",
  "domain/mentions.ts",
  "domain/text.ts",
  "domain/dates.ts",
  "domain/grammar.ts",
  "domain/model.ts",
  "db/seed-store.ts",
  "db/evidence.ts",
  "db/mentions.ts",
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
 * load is skipped unless `force` is set. A reload never undoes an analyst's change: retractions, edits and
 * merges of the seed's records stay (keepAnalystChanges), and the log names the actors kept as analysts left
 * them. It is the start-up step "seed load" (startupStep): its transaction has STARTUP_TIMEOUT_MS, not
 * QUERY_TIMEOUT_MS, and a transient failure is tried again.
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
  const fileRows = toRows(corpus);
  return startupStep("seed load", db, log, (startup) =>
    writeSeed(startup, fileRows, hash, log, started, options),
  );
}

/** The database part of loadSeed, on the start-up view `db`: skips an unchanged seed, else writes it. */
async function writeSeed(
  db: Database,
  fileRows: SeedRows,
  hash: string,
  log: Logger,
  started: number,
  options: { force?: boolean },
): Promise<SeedLoadResult> {
  if (!options.force && (await seedStateHash(db)) === hash) {
    const counts = await countGraph(db);
    log.info({ ...counts }, "Seed unchanged since the last load; skipped");
    return { loaded: false, counts, milliseconds: Date.now() - started };
  }
  const { kept, absorbed } = await db.writeTransaction(async (tx) => {
    // After any analyst write in flight, whose checks saw the graph before this load.
    await lockGraph(tx);
    const { rows, ...left } = keepAnalystChanges(fileRows, await analystActorChanges(tx));
    await upsertSeedSources(tx, rows.sources);
    await upsertSeedActors(
      tx,
      rows.actors,
      fileRows.actors.map((actor) => actor.id),
    );
    await upsertSeedRelations(tx, rows.relations);
    await upsertSeedCitations(tx, rows.citations);
    // The files' `contested` counts the files' citations; analysts may have cited or withdrawn since.
    await recomputeContested(
      tx,
      rows.relations.map((r) => r.id),
    );
    const finder = mentionFinder(await allActorNames(tx));
    await rewriteMentions(
      tx,
      rows.sources.map((source) => ({ key: source.id, length: source.props.length as number })),
      async (page) => page.map(({ key, text }) => mentionRows(key, finder.find(text))),
    );
    await recordSeedState(tx, hash);
    return left;
  });
  const counts = await countGraph(db);
  const milliseconds = Date.now() - started;
  if (kept.length + absorbed.length > 0) {
    log.info({ kept, absorbed }, "Seed actors that analysts edited or merged are left as they are");
  }
  log.info({ ...counts, milliseconds }, "Seed loaded");
  return { loaded: true, counts, milliseconds };
}
