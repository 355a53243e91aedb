import type { Database } from "../src/db/database.js";
import { createActors, createRelations, createSources } from "../src/db/writes.js";
import type { SeedActorEntry } from "../src/seed/model.js";
import { actorRow, citationRows, relationRow, sourceRow } from "../src/seed/rows.js";
import { checkActor, checkRelation, type Knowledge, type RelationInput } from "../src/seed/validate.js";
import { vocabulary } from "../src/seed/vocabulary.js";

/**
 * A deterministic synthetic actor graph for the benchmark: a few hub states, many officials and units, a skewed
 * degree distribution, and 1 to 3 verbatim citations per relation over generated source texts. It goes through
 * the same checks (checkActor, checkRelation) and the same writes (src/db/writes.ts) as analysts' data.
 */

export const sizes = { S: 10_000, M: 100_000, L: 1_000_000 } as const;
export type Size = keyof typeof sizes;

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
export function syntheticActors(relations: number): SeedActorEntry[] {
  const count = Math.max(50, Math.floor(relations / 5));
  const actors: SeedActorEntry[] = [];
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

export interface SyntheticBatch {
  sources: {
    id: string;
    file: string;
    text: string;
    length: number;
    title: null;
    publisher: null;
    author: null;
    published: null;
    language: string;
  }[];
  relations: RelationInput[];
}

/**
 * The relations, `batchSize` at a time, each batch with the sources its citations quote. Endpoints are drawn
 * with a cubic skew toward the first actors (the states): a few hubs, a long tail.
 */
export function* syntheticBatches(
  relations: number,
  batchSize: number,
  seed = 20261126,
): Generator<SyntheticBatch> {
  const next = random(seed);
  const actors = syntheticActors(relations);
  const pick = () => Math.floor(actors.length * next() ** 3);
  const types = vocabulary.relationTypes.map((t) => t.name);
  const stances = ["ASSERTS", "REPORTS", "REPORTS", "ACCUSES", "DENIES"];
  let sourceNumber = 0;
  for (let first = 0; first < relations; first += batchSize) {
    const batch: SyntheticBatch = { sources: [], relations: [] };
    let sentences: string[] = [];
    const flush = () => {
      if (sentences.length === 0) return;
      const text = sentences.join(" ");
      batch.sources.push({
        id: `syn-src-${sourceNumber}`,
        file: `syn-src-${sourceNumber}.txt`,
        text,
        length: text.length,
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
          source: `syn-src-${sourceNumber}`,
          quote: sentence,
          start,
          end: start + sentence.length,
          speaker: next() < 0.3 ? actorKey(pick()) : null,
          stance: stances[Math.floor(next() * stances.length)] as string,
        });
      }
      batch.relations.push({
        id: `syn-rel-${n}`,
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

/**
 * Checks and writes the synthetic graph: actors first, then relations with their sources, one transaction per
 * batch of `batchSize` relations (batched UNWIND). Reports progress and returns relations per second.
 */
export async function bulkLoad(
  db: Database,
  relations: number,
  options: { batchSize?: number; onProgress?: (loaded: number) => void } = {},
): Promise<{ relations: number; citations: number; seconds: number; relationsPerSecond: number }> {
  const batchSize = options.batchSize ?? 10_000;
  const actors = syntheticActors(relations);
  const actorKeys = new Set(actors.map((a) => a.id));
  const problems: string[] = [];
  const knowledge = (sources: SyntheticBatch["sources"]): Knowledge => {
    const points = new Map(sources.map((s) => [s.id, Array.from(s.text)]));
    return {
      vocabulary,
      hasActor: (key) => actorKeys.has(key),
      // Synthetic relations address none.
      hasRelation: () => false,
      sourcePoints: (key) => points.get(key),
      nameOwner: () => undefined,
    };
  };
  for (const actor of actors)
    checkActor(actor, knowledge([]), (at, message) =>
      problems.push(`${actor.id} ${at.join(".")}: ${message}`),
    );
  if (problems.length > 0) throw new Error(`synthetic actors rejected: ${problems.slice(0, 5).join("; ")}`);
  const started = performance.now();
  for (let i = 0; i < actors.length; i += batchSize) {
    await db.writeTransaction((tx) =>
      createActors(tx, actors.slice(i, i + batchSize).map(actorRow), "synthetic"),
    );
  }
  let loaded = 0;
  let citations = 0;
  // Two batches in flight: while Neo4j writes one, Node checks and sends the next (2 cores, one each).
  const inFlight: Promise<void>[] = [];
  try {
    for (const batch of syntheticBatches(relations, batchSize)) {
      const known = knowledge(batch.sources);
      const checked = batch.relations.map((relation) =>
        checkRelation(relation, known, (at, message) =>
          problems.push(`${relation.id} ${at.join(".")}: ${message}`),
        ),
      );
      if (problems.length > 0)
        throw new Error(`synthetic relations rejected: ${problems.slice(0, 5).join("; ")}`);
      const write = db
        .writeTransaction(async (tx) => {
          await createSources(tx, batch.sources.map(sourceRow), "synthetic");
          await createRelations(tx, checked.map(relationRow), checked.flatMap(citationRows), "synthetic");
        })
        .then(() => {
          loaded += checked.length;
          citations += checked.reduce((n, r) => n + r.citations.length, 0);
          options.onProgress?.(loaded);
        });
      inFlight.push(write);
      if (inFlight.length === 2) await inFlight.shift();
    }
    await Promise.all(inFlight);
  } finally {
    // A failed batch must not leave the other one running unobserved.
    await Promise.allSettled(inFlight);
  }
  const seconds = (performance.now() - started) / 1000;
  return { relations: loaded, citations, seconds, relationsPerSecond: Math.round(loaded / seconds) };
}
