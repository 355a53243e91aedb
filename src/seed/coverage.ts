import { codePoints } from "../domain/text.js";
import type { SeedCorpus } from "./read.js";

export interface Sentence {
  sourceId: string;
  start: number;
  end: number;
  text: string;
}

export interface Gap extends Sentence {
  /** The distinct actors the sentence names. */
  actorIds: string[];
  /** Why the sentence backs no relation, when unrelated-sentences.yaml says so. */
  explanation: string | null;
}

/** A relation's two time axes: when it holds, and when it was first reported. */
export interface RelationDates {
  relationId: string;
  /** Its own date as written: `at`, else `start` (with "…end" when it ends); null when its quotes give none. */
  held: string | null;
  /** The earliest publication date of the sources citing it, as written; null when none of them is dated. */
  reported: string | null;
  /** Why `reported` is null: the sources citing it, none of which states its publication date. */
  undatedBecause: string | null;
}

export interface CoverageReport {
  relationsByType: Record<string, number>;
  /** Every relation with its dates, in the seed's order. */
  dates: RelationDates[];
  bySource: Record<string, { relations: number; citations: number; actorsMentioned: number }>;
  byActor: Record<string, { relations: number; mentions: number }>;
  /** Sentences that name two or more known actors and that no citation overlaps, with no explanation. */
  gaps: Gap[];
  /** Such sentences that unrelated-sentences.yaml explains. */
  explained: Gap[];
}

/**
 * Splits a text into sentences with their code point offsets. Intl.Segmenter does the work; a segment
 * that ends on an abbreviation such as "M." is joined to the next one.
 */
export function sentences(sourceId: string, text: string): Sentence[] {
  const segmenter = new Intl.Segmenter("fr", { granularity: "sentence" });
  const result: Sentence[] = [];
  let pending: { start: number; text: string } | undefined;
  let offset = 0;
  for (const { segment } of segmenter.segment(text)) {
    const length = codePoints(segment).length;
    const current = pending
      ? { start: pending.start, text: pending.text + segment }
      : { start: offset, text: segment };
    offset += length;
    if (/(^|\s)[A-Z]\.\s*$/.test(segment)) {
      pending = current;
      continue;
    }
    pending = undefined;
    const trimmed = current.text.trimEnd();
    if (trimmed.trim().length > 0) {
      result.push({
        sourceId,
        start: current.start,
        end: current.start + codePoints(trimmed).length,
        text: trimmed,
      });
    }
  }
  return result;
}

/** Counts per relation type, source and actor, and the sentences that name actors but back no relation. */
export function coverageReport(corpus: SeedCorpus): CoverageReport {
  const relationsByType: Record<string, number> = {};
  const bySource: CoverageReport["bySource"] = {};
  const byActor: CoverageReport["byActor"] = {};
  for (const actor of corpus.actors) byActor[actor.id] = { relations: 0, mentions: 0 };
  for (const source of corpus.sources) {
    const mentions = corpus.mentions.get(source.id) ?? [];
    bySource[source.id] = {
      relations: 0,
      citations: 0,
      actorsMentioned: new Set(mentions.map((m) => m.actorId)).size,
    };
    for (const mention of mentions) (byActor[mention.actorId] as { mentions: number }).mentions += 1;
  }
  for (const relation of corpus.relations) {
    relationsByType[relation.type] = (relationsByType[relation.type] ?? 0) + 1;
    for (const end of new Set([relation.from, relation.to]))
      (byActor[end] as { relations: number }).relations += 1;
    for (const sourceId of new Set(relation.citations.map((c) => c.source))) {
      (bySource[sourceId] as { relations: number }).relations += 1;
    }
    for (const citation of relation.citations)
      (bySource[citation.source] as { citations: number }).citations += 1;
  }

  const published = new Map(corpus.sources.map((source) => [source.id, source.published]));
  const dates = corpus.relations.map((relation): RelationDates => {
    const sourceIds = [...new Set(relation.citations.map((c) => c.source))];
    // Partial dates of one form sort as they fall; the earliest first day wins among mixed precisions.
    const reported =
      sourceIds
        .map((id) => published.get(id) ?? null)
        .filter((date): date is string => date !== null)
        .sort()[0] ?? null;
    const own = relation.at ?? relation.start;
    return {
      relationId: relation.id,
      held: own === null ? null : relation.end ? `${own}…${relation.end}` : own,
      reported,
      undatedBecause: reported === null ? `no publication date in ${sourceIds.join(", ")}` : null,
    };
  });

  const gaps: Gap[] = [];
  const explained: Gap[] = [];
  for (const source of corpus.sources) {
    const mentions = corpus.mentions.get(source.id) ?? [];
    const cited = corpus.relations.flatMap((r) => r.citations.filter((c) => c.source === source.id));
    for (const sentence of sentences(source.id, source.text)) {
      const inside = mentions.filter((m) => m.start >= sentence.start && m.end <= sentence.end);
      const actorIds = [...new Set(inside.map((m) => m.actorId))];
      if (actorIds.length < 2) continue;
      const overlaps = (span: { start: number; end: number }) =>
        span.start < sentence.end && span.end > sentence.start;
      if (cited.some(overlaps)) continue;
      const reason =
        corpus.unrelatedSentences.find((u) => u.source === source.id && overlaps(u))?.reason ?? null;
      (reason ? explained : gaps).push({ ...sentence, actorIds, explanation: reason });
    }
  }
  return { relationsByType, dates, bySource, byActor, gaps, explained };
}
