import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { limits, textProblem } from "../domain/grammar.js";
import { findMentions, type Mention } from "../domain/mentions.js";
import {
  actorsFile,
  relationsFile,
  type SeedActorEntry,
  type SeedSourceEntry,
  sourcesFile,
  unrelatedSentencesFile,
  type Vocabulary,
  vocabularyFile,
} from "../domain/model.js";
import { repeatedRelations, sameRelationMessage } from "../domain/same-relation.js";
import { codePoints, findAllCodePoints, foldName } from "../domain/text.js";
import { type CheckedRelation, checkActor, checkRelation, type Knowledge } from "../domain/validate.js";

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
export type SeedRelation = CheckedRelation;

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

export interface ParsedFile<T> {
  data: T | undefined;
  lineAt(path: Path): number;
}

/** Parses one YAML file and checks its shape; problems carry the line of the offending value. */
export function parseYaml<S extends z.ZodType>(
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
      // The grammar's own messages (custom issues) already show the value.
      const shown =
        issue.code === "custom" || value === undefined || typeof value === "object"
          ? ""
          : ` (got ${JSON.stringify(value)})`;
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
  // One source per web address (normalised by the grammar).
  const urlOwners = new Map<string, string>();
  for (const [index, entry] of sourceEntries.entries()) {
    const at = ["sources", index];
    claimId(files.sources, parsed.sources.lineAt, [...at, "id"], entry.id);
    const owner = entry.url === null ? undefined : urlOwners.get(entry.url);
    if (owner !== undefined) {
      problem(
        files.sources,
        parsed.sources.lineAt,
        [...at, "url"],
        `${entry.url} is already the address of "${owner}"`,
      );
    } else if (entry.url !== null) urlOwners.set(entry.url, entry.id);
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
    const unfit = textProblem(text, limits.sourceText);
    if (unfit) {
      problem(files.sources, parsed.sources.lineAt, [...at, "file"], `${entry.file}: ${unfit}`);
    }
    sources.push({ ...entry, text, length: codePoints(text).length });
  }

  // The seed is checked against itself: its own actors, sources and names.
  const actorIds = new Set(actorEntries.map((a) => a.id));
  const relationIds = new Set(relationEntries.map((r) => r.id));
  const sourcesById = new Map(sources.map((s) => [s.id, { source: s, points: codePoints(s.text) }]));
  const nameOwners = new Map<string, string>();
  const knowledge: Knowledge = {
    vocabulary,
    hasActor: (key) => actorIds.has(key),
    hasRelation: (key) => relationIds.has(key),
    sourcePoints: (key) => sourcesById.get(key)?.points,
    nameOwner: (name) => nameOwners.get(name),
  };
  for (const [index, actor] of actorEntries.entries()) {
    const at = ["actors", index];
    claimId(files.actors, parsed.actors.lineAt, [...at, "id"], actor.id);
    checkActor(actor, knowledge, (field, message) =>
      problem(files.actors, parsed.actors.lineAt, [...at, ...field], message),
    );
    for (const name of [actor.name, ...actor.aliases].map(foldName)) nameOwners.set(name, actor.id);
  }

  const relations: SeedRelation[] = relationEntries.map((relation, index) => {
    const at = ["relations", index];
    claimId(files.relations, parsed.relations.lineAt, [...at, "id"], relation.id);
    return checkRelation(relation, knowledge, (field, message) =>
      problem(files.relations, parsed.relations.lineAt, [...at, ...field], message),
    );
  });

  // One fact, one relation: evidence for a fact the seed already states is cited on it (./same-relation.ts).
  for (const [index, earlier] of repeatedRelations(vocabulary, relationEntries)) {
    problem(
      files.relations,
      parsed.relations.lineAt,
      ["relations", index, "type"],
      sameRelationMessage(relationEntries[earlier]?.id ?? "", "seed"),
    );
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
