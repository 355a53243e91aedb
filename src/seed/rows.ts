import type { ActorRow, CitationRow, MentionRow, RelationRow, SourceRow } from "../db/seed-store.js";
import { indexedTerms, nameForms } from "../domain/analysis.js";
import { dateProperties, lastDay } from "../domain/dates.js";
import { type Mention, mentionKeys } from "../domain/mentions.js";
import type { SeedActorEntry, SeedSourceEntry } from "../domain/model.js";
import { foldedNamesOf } from "../domain/text.js";
import type { CheckedRelation } from "../domain/validate.js";

/**
 * How a checked record becomes graph properties: one place for the seed loader, `npm run ingest` and the
 * mutations, so a relation looks the same in the graph whoever wrote it.
 */

export function sourceRow(source: SeedSourceEntry & { text: string; length: number }): SourceRow {
  return {
    id: source.id,
    props: {
      file: source.file,
      title: source.title,
      publisher: source.publisher,
      author: source.author,
      language: source.language,
      url: source.url,
      retrievedOn: source.retrievedOn,
      text: source.text,
      length: source.length,
      searchText: indexedTerms(source.text),
      ...dateProperties("published", source.published, "first"),
    },
  };
}

export function actorRow(actor: SeedActorEntry): ActorRow {
  return {
    id: actor.id,
    props: {
      name: actor.name,
      kind: actor.kind,
      aliases: actor.aliases,
      description: actor.description,
      // For lookups by any name form: exact (foldedNames) and search (searchNames, src/domain/analysis.ts).
      foldedNames: foldedNamesOf([actor.name, ...actor.aliases]),
      searchNames: nameForms([actor.name, ...actor.aliases]),
      // For finding the actors a text may mention (src/db/mentions.ts actorsNamedWith).
      mentionKeys: mentionKeys([actor.name, ...actor.aliases]),
    },
  };
}

export function relationRow(relation: CheckedRelation): RelationRow {
  return {
    id: relation.id,
    from: relation.from,
    to: relation.to,
    props: {
      type: relation.type,
      role: relation.role,
      note: relation.note,
      contested: relation.contested,
      ...dateProperties("at", relation.at, "first"),
      // An event dated to a month or year may fall on any day of it: a date window compares its last day too.
      ...(relation.at ? { atEndDate: lastDay(relation.at) } : {}),
      ...dateProperties("start", relation.start, "first"),
      ...dateProperties("end", relation.end, "last"),
      // Lists only when there is something in them: the answeredBy lookup seeks relations that have addresses.
      ...(relation.addresses.length > 0 ? { addresses: relation.addresses } : {}),
      // Neo4j lists hold no null: a place that is no actor has "" beside its name.
      ...(relation.places.length > 0
        ? {
            placeNames: relation.places.map((p) => p.name),
            placeActorIds: relation.places.map((p) => p.actor ?? ""),
          }
        : {}),
    },
  };
}

export function citationRows(relation: CheckedRelation): CitationRow[] {
  return relation.citations.map((c) => ({
    id: c.id,
    sourceId: c.source,
    speakerId: c.speaker,
    props: {
      relationId: relation.id,
      sourceId: c.source,
      speakerId: c.speaker,
      quote: c.quote,
      searchText: indexedTerms(c.quote),
      start: c.start,
      end: c.end,
      stance: c.stance,
    },
  }));
}

/** One row per actor a source mentions, with the offsets of every mention. */
export function mentionRows(sourceId: string, mentions: readonly Mention[]): MentionRow[] {
  const byActor = new Map<string, { starts: number[]; ends: number[] }>();
  for (const m of mentions) {
    const entry = byActor.get(m.actorId) ?? { starts: [], ends: [] };
    entry.starts.push(m.start);
    entry.ends.push(m.end);
    byActor.set(m.actorId, entry);
  }
  return [...byActor].map(([actorId, offsets]) => ({ sourceId, actorId, ...offsets }));
}
