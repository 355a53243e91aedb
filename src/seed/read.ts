import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { findMentions, type Mention } from "./mentions.js";
import {
  actorsFile,
  relationsFile,
  type SeedActorEntry,
  type SeedCitationEntry,
  type SeedRelationEntry,
  type SeedSourceEntry,
  sourcesFile,
  unrelatedSentencesFile,
  type Vocabulary,
  vocabularyFile,
} from "./model.js";
import { codePoints, findAllCodePoints, foldName, sliceCodePoints } from "./text.js";

export interface Problem {
  file: string;
  line: number;
  message: string;
}

/** A rejected seed: every problem found, each naming its file, line and offending value. */
export class SeedError extends Error {
  override name = "SeedError";
  constructor(readonly problems: Problem[]) {
    const shown = problems.slice(0, 50).map((p) => `  ${p.file}:${p.line}: ${p.message}`);
    const more = problems.length > 50 ? [`  ... and ${problems.length - 50} more`] : [];
    super(
      `Seed rejected, nothing was loaded (${problems.length} problem(s)):\n${[...shown, ...more].join("\n")}`,
    );
  }
}

export type SeedSource = SeedSourceEntry & { text: string; length: number };
export type SeedCitation = SeedCitationEntry & { id: string };
export type SeedRelation = Omit<SeedRelationEntry, "citations"> & {
  citations: SeedCitation[];
  contested: boolean;
};

/** The whole seed, validated: every reference resolves and every quote is its source's exact slice. */
export interface SeedCorpus {
  vocabulary: Vocabulary;
  sources: SeedSource[];
  actors: SeedActorEntry[];
  relations: SeedRelation[];
  mentions: Map<string, Mention[]>;
  /** Sentences that name actors but state no relation, with the reason: the coverage report's known exceptions. */
  unrelatedSentences: { source: string; quote: string; reason: string; start: number; end: number }[];
  /** Hash of every seed file, to skip a load that would change nothing. */
  hash: string;
}

type Path = readonly (string | number)[];

interface ParsedFile<T> {
  data: T | undefined;
  lineAt(path: Path): number;
}

/** Parses one YAML file and checks its shape; problems carry the line of the offending value. */
function parseYaml<S extends z.ZodType>(
  name: string,
  text: string,
  schema: S,
  problems: Problem[],
): ParsedFile<z.infer<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const lineAt = (at: Path): number => {
    for (let depth = at.length; depth >= 0; depth -= 1) {
      const node = doc.getIn(at.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return 1;
  };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      problems.push({
        file: name,
        line: error.linePos?.[0]?.line ?? 1,
        message: `invalid YAML: ${error.message}`,
      });
    }
    return { data: undefined, lineAt };
  }
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = issue.path.filter((key): key is string | number => typeof key !== "symbol");
      const value = doc.getIn(at);
      const shown = value === undefined || typeof value === "object" ? "" : ` (got ${JSON.stringify(value)})`;
      problems.push({
        file: name,
        line: lineAt(at),
        message: `${at.join(".") || "file"}: ${issue.message}${shown}`,
      });
    }
    return { data: undefined, lineAt };
  }
  return { data: parsed.data, lineAt };
}

/** Parses a seed date (its form is its precision) and checks that it is a real calendar date. */
export function isCalendarDate(value: string): boolean {
  const [year, month = 1, day = 1] = value.split("-").map(Number) as [number, number?, number?];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const files = {
  vocabulary: "vocabulary.yaml",
  sources: "sources.yaml",
  actors: "actors.yaml",
  relations: "relations.yaml",
  unrelatedSentences: "unrelated-sentences.yaml",
} as const;

/** Reads, parses and validates the seed directory. Throws SeedError listing every problem. */
export async function readSeed(seedDir: string): Promise<SeedCorpus> {
  const problems: Problem[] = [];
  const hash = createHash("sha256");
  const read = async (name: string): Promise<string | undefined> => {
    try {
      const bytes = await readFile(path.join(seedDir, name));
      hash.update(name).update(bytes);
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch (error) {
      const reason = error instanceof TypeError ? "is not valid UTF-8" : (error as Error).message;
      problems.push({ file: name, line: 1, message: `cannot read ${name}: ${reason}` });
      return undefined;
    }
  };

  const parsed = {
    vocabulary: parseYaml(files.vocabulary, (await read(files.vocabulary)) ?? "", vocabularyFile, problems),
    sources: parseYaml(files.sources, (await read(files.sources)) ?? "", sourcesFile, problems),
    actors: parseYaml(files.actors, (await read(files.actors)) ?? "", actorsFile, problems),
    relations: parseYaml(files.relations, (await read(files.relations)) ?? "", relationsFile, problems),
    unrelatedSentences: parseYaml(
      files.unrelatedSentences,
      (await read(files.unrelatedSentences)) ?? "",
      unrelatedSentencesFile,
      problems,
    ),
  };
  const vocabulary = parsed.vocabulary.data;
  const sourceEntries = parsed.sources.data?.sources;
  const actorEntries = parsed.actors.data?.actors;
  const relationEntries = parsed.relations.data?.relations;
  const unrelatedEntries = parsed.unrelatedSentences.data?.sentences;
  if (!vocabulary || !sourceEntries || !actorEntries || !relationEntries || !unrelatedEntries) {
    throw new SeedError(problems);
  }

  const problem = (file: string, lineAt: (p: Path) => number, at: Path, message: string) =>
    problems.push({ file, line: lineAt(at), message });

  // Ids are unique across every kind of record: a relation id never collides with an actor id.
  const seenIds = new Map<string, string>();
  const claimId = (file: string, lineAt: (p: Path) => number, at: Path, id: string) => {
    const first = seenIds.get(id);
    if (first) problem(file, lineAt, at, `duplicate id "${id}" (first used at ${first})`);
    else seenIds.set(id, `${file}:${lineAt(at)}`);
  };

  const sources: SeedSource[] = [];
  for (const [index, entry] of sourceEntries.entries()) {
    const at = ["sources", index];
    claimId(files.sources, parsed.sources.lineAt, [...at, "id"], entry.id);
    if (entry.published && !isCalendarDate(entry.published)) {
      problem(
        files.sources,
        parsed.sources.lineAt,
        [...at, "published"],
        `no such date "${entry.published}"`,
      );
    }
    const text = await read(entry.file);
    if (text === undefined) {
      problem(
        files.sources,
        parsed.sources.lineAt,
        [...at, "file"],
        `source file "${entry.file}" cannot be read`,
      );
      continue;
    }
    sources.push({ ...entry, text, length: codePoints(text).length });
  }

  const actorKinds = new Set(vocabulary.actorKinds.map((k) => k.name));
  const nameOwners = new Map<string, string>();
  for (const [index, actor] of actorEntries.entries()) {
    const at = ["actors", index];
    claimId(files.actors, parsed.actors.lineAt, [...at, "id"], actor.id);
    if (!actorKinds.has(actor.kind)) {
      problem(files.actors, parsed.actors.lineAt, [...at, "kind"], `unknown actor kind "${actor.kind}"`);
    }
    for (const name of new Set([actor.name, ...actor.aliases].map(foldName))) {
      const owner = nameOwners.get(name);
      if (owner && owner !== actor.id) {
        problem(
          files.actors,
          parsed.actors.lineAt,
          [...at],
          `name "${name}" is already a name of actor "${owner}"`,
        );
      }
      nameOwners.set(name, actor.id);
    }
  }

  const actorIds = new Set(actorEntries.map((a) => a.id));
  const sourcesById = new Map(sources.map((s) => [s.id, { source: s, points: codePoints(s.text) }]));
  const relationTypes = new Set(vocabulary.relationTypes.map((t) => t.name));
  const stances = new Set(vocabulary.stances.map((s) => s.name));
  const relations: SeedRelation[] = [];
  for (const [index, relation] of relationEntries.entries()) {
    const at = ["relations", index];
    const fail = (field: Path, message: string) =>
      problem(files.relations, parsed.relations.lineAt, [...at, ...field], message);
    claimId(files.relations, parsed.relations.lineAt, [...at, "id"], relation.id);
    if (!relationTypes.has(relation.type)) fail(["type"], `unknown relation type "${relation.type}"`);
    for (const end of ["from", "to"] as const) {
      if (!actorIds.has(relation[end])) fail([end], `unknown actor "${relation[end]}"`);
    }
    for (const field of ["at", "start", "end"] as const) {
      const value = relation[field];
      if (value && !isCalendarDate(value)) fail([field], `no such date "${value}"`);
    }
    if (relation.start && relation.end && relation.end < relation.start.slice(0, relation.end.length)) {
      fail(["end"], `end "${relation.end}" is before start "${relation.start}"`);
    }
    const citations: SeedCitation[] = relation.citations.map((citation, n) => {
      const cite = (field: string, message: string) => fail(["citations", n, field], message);
      if (!stances.has(citation.stance)) cite("stance", `unknown stance "${citation.stance}"`);
      if (citation.speaker !== null && !actorIds.has(citation.speaker)) {
        cite("speaker", `unknown actor "${citation.speaker}"`);
      }
      const known = sourcesById.get(citation.source);
      if (!known) cite("source", `unknown source "${citation.source}"`);
      else {
        const slice = sliceCodePoints(known.points, citation.start, citation.end);
        if (slice !== citation.quote) {
          const found = findAllCodePoints(known.points, citation.quote);
          if (found.length === 0) cite("quote", `the quote is not found verbatim in ${citation.source}`);
          else {
            const spans = found.map((s) => `${s}-${s + codePoints(citation.quote).length}`).join(", ");
            cite(
              "start",
              `offsets ${citation.start}-${citation.end} do not match the quote: the quote is at ${spans}`,
            );
          }
        }
      }
      return { ...citation, id: `${relation.id}#${n + 1}` };
    });
    relations.push({
      ...relation,
      citations,
      contested: citations.some((c) => c.stance === "DENIES"),
    });
  }

  const unrelatedSentences = unrelatedEntries.flatMap((entry, index) => {
    const at = ["sentences", index];
    const known = sourcesById.get(entry.source);
    const fail = (field: string, message: string) =>
      problem(files.unrelatedSentences, parsed.unrelatedSentences.lineAt, [...at, field], message);
    if (!known) {
      fail("source", `unknown source "${entry.source}"`);
      return [];
    }
    const [start] = findAllCodePoints(known.points, entry.quote);
    if (start === undefined) {
      fail("quote", `the quote is not found verbatim in ${entry.source}`);
      return [];
    }
    return [{ ...entry, start, end: start + codePoints(entry.quote).length }];
  });

  if (problems.length > 0) throw new SeedError(problems);
  const mentions = new Map(sources.map((s) => [s.id, findMentions(s.text, actorEntries)]));
  return {
    vocabulary,
    sources,
    actors: actorEntries,
    relations,
    mentions,
    unrelatedSentences,
    hash: hash.digest("hex"),
  };
}
