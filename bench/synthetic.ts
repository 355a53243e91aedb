import path from "node:path";
import { loadConfig } from "../src/config.js";
import type { Database } from "../src/db/database.js";
import { projectRoot } from "../src/domain/project.js";
import { vocabulary } from "../src/domain/vocabulary.js";
import {
  type BulkInput,
  type BulkProgress,
  type BulkResult,
  loadIntoLiveDatabase,
} from "../src/ingest/bulk.js";
import type { BulkActor, BulkBatch } from "../src/ingest/bulk-check.js";

/**
 * A deterministic synthetic actor graph for the benchmark: a few hub states, many officials and units, a skewed
 * degree distribution, and 1 to 3 verbatim citations per relation over generated source texts. It is loaded
 * through the bulk loads of src/ingest/bulk.ts: the grammar and checks of every write, then Neo4j's importer
 * (a new database) or batched transactions (a live one).
 */

export const sizes = { S: 10_000, M: 100_000, L: 1_000_000 } as const;
export type Size = keyof typeof sizes;

/** Where the synthetic graph of `size` lives: its own embedded Neo4j's data directory. */
export const syntheticDataDir = (size: Size) => path.join(projectRoot, ".data", `bench-${size}`);

/**
 * The configuration the benchmark scripts open the synthetic graph of `size` with: its data directory, 2 GB of
 * heap and of page cache unless the environment says otherwise, a free Bolt port, then `overrides`.
 */
export function syntheticConfig(size: Size, overrides: Record<string, string> = {}) {
  return loadConfig({
    ...process.env,
    NEO4J_DATA_DIR: syntheticDataDir(size),
    NEO4J_HEAP_MB: process.env.NEO4J_HEAP_MB ?? "2048",
    NEO4J_PAGECACHE_MB: process.env.NEO4J_PAGECACHE_MB ?? "2048",
    NEO4J_BOLT_PORT: process.env.NEO4J_BOLT_PORT ?? "0",
    ...overrides,
  });
}

/** mulberry32: small, fast and the same on every machine for a given seed. */
export function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const kindMix: [string, number][] = [
  ["STATE", 0.01],
  ["GOVERNMENT_BODY", 0.04],
  ["ARMED_FORCE", 0.15],
  ["MILITARY_OPERATION", 0.05],
  ["ORGANIZATION", 0.1],
  ["GROUP", 0.05],
  ["PERSON", 0.6],
];
const sentencesPerSource = 20;

export const actorKey = (n: number) => `syn-actor-${n}`;

/** The actors: kinds in bands, states first, so that the skewed endpoint choice makes states the hubs. */
export function syntheticActors(relations: number): (BulkActor & { id: string; name: string })[] {
  const count = Math.max(50, Math.floor(relations / 5));
  const actors: (BulkActor & { id: string; name: string })[] = [];
  let n = 0;
  for (const [kind, share] of kindMix) {
    const band = kind === "PERSON" ? count - n : Math.max(5, Math.floor(count * share));
    for (let i = 0; i < band && n < count; i += 1, n += 1) {
      const name = `${kind.charAt(0)}${kind.slice(1).toLowerCase().replace(/_/g, " ")} ${n}`;
      actors.push({ id: actorKey(n), name, kind, aliases: [`Syn ${n}`], description: null });
    }
  }
  return actors;
}

/**
 * The relations, `batchSize` at a time, each batch with the sources its citations quote. Endpoints are drawn
 * with a cubic skew toward the first actors (the states): a few hubs, a long tail. Relation and source keys
 * start with `prefix` ("syn", or another for relations added to a graph already loaded).
 */
export function* syntheticBatches(
  relations: number,
  batchSize: number,
  {
    seed = 20261126,
    prefix = "syn",
    actorCount = relations,
  }: { seed?: number; prefix?: string; actorCount?: number } = {},
): Generator<BulkBatch> {
  const next = random(seed);
  const actors = syntheticActors(actorCount);
  const pick = () => Math.floor(actors.length * next() ** 3);
  const types = vocabulary.relationTypes.map((t) => t.name);
  const stances = ["ASSERTS", "REPORTS", "REPORTS", "ACCUSES", "DENIES"];
  let sourceNumber = 0;
  for (let first = 0; first < relations; first += batchSize) {
    const batch = { sources: [] as BulkBatch["sources"], relations: [] as BulkBatch["relations"] };
    let sentences: string[] = [];
    const flush = () => {
      if (sentences.length === 0) return;
      const text = sentences.join(" ");
      batch.sources.push({
        id: `${prefix}-src-${sourceNumber}`,
        file: `${prefix}-src-${sourceNumber}.txt`,
        text,
        title: null,
        publisher: null,
        author: null,
        published: null,
        language: "fr",
      });
      sourceNumber += 1;
      sentences = [];
    };
    for (let n = first; n < Math.min(relations, first + batchSize); n += 1) {
      let from = pick();
      let to = pick();
      if (to === from) to = (from + 1 + Math.floor(next() * (actors.length - 1))) % actors.length;
      if (next() < 0.5) [from, to] = [to, from];
      const type = types[Math.floor(next() * types.length)] as string;
      const year = 1960 + Math.floor(next() * 66);
      const dated = next() < 0.7;
      const month = String(1 + Math.floor(next() * 12)).padStart(2, "0");
      const citations = [];
      for (let c = 0, total = 1 + Math.floor(next() * 3); c < total; c += 1) {
        if (sentences.length === sentencesPerSource) flush();
        const sentence = `Selon le document ${sourceNumber}, ${actors[from]?.name} et ${actors[to]?.name} sont liés (${type.toLowerCase()}, relation ${n}, passage ${c}).`;
        const start = sentences.reduce((length, s) => length + s.length + 1, 0);
        sentences.push(sentence);
        citations.push({
          source: `${prefix}-src-${sourceNumber}`,
          quote: sentence,
          start,
          end: start + sentence.length,
          speaker: next() < 0.3 ? actorKey(pick()) : null,
          stance: stances[Math.floor(next() * stances.length)] as string,
        });
      }
      batch.relations.push({
        id: `${prefix}-rel-${n}`,
        type,
        from: actorKey(from),
        to: actorKey(to),
        role: null,
        at: dated && next() < 0.5 ? `${year}-${month}` : null,
        start: dated ? `${year}` : null,
        end: null,
        note: null,
        citations,
      });
    }
    flush();
    yield batch;
  }
}

/** The synthetic graph of `relations` relations as a bulk input (origin 'synthetic'). */
export function syntheticInput(relations: number, batchSize = 10_000): BulkInput {
  return {
    actors: syntheticActors(relations),
    batches: syntheticBatches(relations, batchSize),
    origin: "synthetic",
  };
}

/**
 * Loads the synthetic graph into a running database through batched transactions (src/ingest/bulk.ts
 * loadIntoLiveDatabase), `batchSize` relations per transaction. Returns the figures.
 */
export function bulkLoad(
  db: Database,
  relations: number,
  options: { batchSize?: number; onProgress?: (progress: BulkProgress) => void } = {},
): Promise<BulkResult> {
  return loadIntoLiveDatabase(
    db,
    vocabulary,
    syntheticInput(relations, options.batchSize),
    options.onProgress,
  );
}
