import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import {
  actorsFile,
  relationsFile,
  type SeedActorEntry,
  type SeedRelationEntry,
  type Vocabulary,
} from "../domain/model.js";
import { codePoints, sliceCodePoints } from "../domain/text.js";
import { type Problem, parseYaml } from "../seed/read.js";

/**
 * The gold standard of intake's evaluation (docs/decisions/035-intake-evaluation.md): hand-labelled actor
 * mentions of a set of articles (eval/intake/mentions.yaml for the seed's five), read and checked against the
 * articles, the actors and the relations files. Offsets are code points.
 */

const goldSpan = z
  .strictObject({
    start: z.number().int().min(0),
    end: z.number().int().min(1),
    text: z.string().min(1),
    actor: z.string().min(1).optional(),
    new: z.literal(true).optional(),
    kind: z.string().min(1).optional(),
    /** A designation that is not a proper name: a mention, but not a span a recogniser should find. */
    form: z.literal("description").optional(),
  })
  .refine((span) => (span.actor === undefined) !== (span.new === undefined), {
    message: "a span names a seed actor (actor:) or a new entity (new: true), exactly one",
  })
  .refine((span) => span.new === undefined || span.kind !== undefined, {
    message: "a new entity needs its guessed kind (kind:)",
  });

/** The gold file: for each article (a source id and its file, relative to the articles' directory), its spans. */
export const goldFile = z.strictObject({
  articles: z
    .array(
      z.strictObject({
        source: z.string().min(1),
        file: z.string().min(1),
        spans: z.array(goldSpan).max(10_000),
      }),
    )
    .min(2, "leave-one-out needs at least two articles")
    .max(1000),
});
export type GoldSpan = z.infer<typeof goldSpan>;
export type GoldArticle = z.infer<typeof goldFile>["articles"][number] & { text: string };

/** Everything an evaluation reads: the articles with their gold spans, the actors, the relations. */
export interface EvaluationSet {
  articles: GoldArticle[];
  actors: SeedActorEntry[];
  relations: SeedRelationEntry[];
}

/** Where the evaluation's files are. */
export interface EvaluationFiles {
  /** Directory the gold file's `file` entries are relative to. */
  articlesDir: string;
  gold: string;
  actors: string;
  relations: string;
}

/** An evaluation set that cannot be used: every problem, each with its file and line. */
export class EvaluationSetError extends Error {
  override name = "EvaluationSetError";
  constructor(readonly problems: readonly string[]) {
    super(`The evaluation set has ${problems.length} problem(s):\n  ${problems.slice(0, 50).join("\n  ")}`);
  }
}

/**
 * The problems of a gold file against its articles and actors: a span whose text is not the article's at its
 * code-point offsets, an unknown actor key or actor kind, spans that overlap or are not in the text's order, an
 * article listed twice. Empty when the gold is sound.
 */
export function goldProblems(
  articles: readonly GoldArticle[],
  actorKeys: ReadonlySet<string>,
  actorKinds: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const article of articles) {
    if (seen.has(article.source)) problems.push(`${article.source}: listed twice`);
    seen.add(article.source);
    const points = codePoints(article.text);
    let previousEnd = 0;
    for (const span of article.spans) {
      const where = `${article.source} ${span.start}-${span.end} "${span.text}"`;
      const actual = sliceCodePoints(points, span.start, span.end);
      if (span.end <= span.start || span.end > points.length)
        problems.push(`${where}: offsets out of the text`);
      else if (actual !== span.text) problems.push(`${where}: the article has "${actual}" there`);
      if (span.start < previousEnd) problems.push(`${where}: overlaps or precedes the span before it`);
      previousEnd = Math.max(previousEnd, span.end);
      if (span.actor !== undefined && !actorKeys.has(span.actor))
        problems.push(`${where}: unknown actor "${span.actor}"`);
      if (span.kind !== undefined && !actorKinds.has(span.kind))
        problems.push(`${where}: unknown actor kind "${span.kind}"`);
    }
  }
  return problems;
}

/**
 * Reads and checks an evaluation set: the gold file, its articles, the actors and relations files (the seed's
 * formats). Citations of sources outside the gold file are ignored; those of its sources must quote their
 * article exactly. Throws EvaluationSetError listing every problem.
 */
export async function readEvaluationSet(
  files: EvaluationFiles,
  vocabulary: Vocabulary,
): Promise<EvaluationSet> {
  const problems: Problem[] = [];
  const parse = async <S extends z.ZodType>(file: string, schema: S) =>
    parseYaml(file, await readFile(file, "utf8"), schema, problems).data;
  const gold = await parse(files.gold, goldFile);
  const actors = (await parse(files.actors, actorsFile))?.actors;
  const relations = (await parse(files.relations, relationsFile))?.relations;
  if (!gold || !actors || !relations)
    throw new EvaluationSetError(problems.map((p) => `${p.file}:${p.line}: ${p.message}`));
  const articles = await Promise.all(
    gold.articles.map(async (article) => ({
      ...article,
      text: await readFile(path.resolve(files.articlesDir, article.file), "utf8"),
    })),
  );
  const found = goldProblems(
    articles,
    new Set(actors.map((a) => a.id)),
    new Set(vocabulary.actorKinds.map((k) => k.name)),
  );
  const texts = new Map(articles.map((a) => [a.source, codePoints(a.text)]));
  for (const relation of relations) {
    for (const citation of relation.citations) {
      const points = texts.get(citation.source);
      if (points && sliceCodePoints(points, citation.start, citation.end) !== citation.quote)
        found.push(
          `${relation.id}: its quote is not ${citation.source}'s text at ${citation.start}-${citation.end}`,
        );
    }
  }
  if (found.length > 0) throw new EvaluationSetError(found);
  return { articles, actors, relations };
}
