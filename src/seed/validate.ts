import type { SeedActorEntry, SeedCitationEntry, SeedRelationEntry, Vocabulary } from "./model.js";
import { codePoints, findAllCodePoints, foldName, sliceCodePoints } from "./text.js";

/**
 * The checks every write goes through, whether it comes from the seed files, `npm run ingest` or a GraphQL
 * mutation: known vocabulary, no dangling reference, no name claimed twice, and every quote the exact text of
 * its source at its offsets. Each caller says where a problem is (a file and line, or an input path).
 */

export type Path = readonly (string | number)[];
export type Report = (at: Path, message: string) => void;

/** What a batch is checked against: the batch itself for the seed, the database plus the batch otherwise. */
export interface Knowledge {
  vocabulary: Vocabulary;
  hasActor(key: string): boolean;
  /** The source's text as code points, if the source exists. */
  sourcePoints(key: string): readonly string[] | undefined;
  /** The actor that already answers to this folded name, if any. */
  nameOwner(foldedName: string): string | undefined;
}

/** A citation as a caller may give it: offsets are optional where the quote occurs once in its source. */
export type CitationInput = Omit<SeedCitationEntry, "start" | "end"> & {
  start?: number | null;
  end?: number | null;
};
export type RelationInput = Omit<SeedRelationEntry, "citations"> & { citations: CitationInput[] };
export type CheckedCitation = SeedCitationEntry & { id: string };
export type CheckedRelation = Omit<SeedRelationEntry, "citations"> & {
  citations: CheckedCitation[];
  contested: boolean;
};

/** Whether a partial date ("2021", "2021-06", "2021-06-01") names a real calendar period. */
export function isCalendarDate(value: string): boolean {
  const [year, month = 1, day = 1] = value.split("-").map(Number) as [number, number?, number?];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function checkKind(kind: string, vocabulary: Vocabulary, report: Report): void {
  if (!vocabulary.actorKinds.some((k) => k.name === kind)) report(["kind"], `unknown actor kind "${kind}"`);
}

/** Each name may belong to one actor only: mention finding and lookups by name depend on it. */
export function checkNames(
  actorKey: string,
  names: readonly string[],
  knowledge: Knowledge,
  report: Report,
): void {
  for (const name of new Set(names.map(foldName))) {
    const owner = knowledge.nameOwner(name);
    if (owner && owner !== actorKey) report(["name"], `name "${name}" is already a name of actor "${owner}"`);
  }
}

export function checkActor(actor: SeedActorEntry, knowledge: Knowledge, report: Report): void {
  checkKind(actor.kind, knowledge.vocabulary, report);
  checkNames(actor.id, [actor.name, ...actor.aliases], knowledge, report);
}

/** Checks a relation and returns it with its citations' ids and offsets settled and `contested` derived. */
export function checkRelation(
  relation: RelationInput,
  knowledge: Knowledge,
  report: Report,
): CheckedRelation {
  const { vocabulary } = knowledge;
  if (!vocabulary.relationTypes.some((t) => t.name === relation.type)) {
    report(["type"], `unknown relation type "${relation.type}"`);
  }
  for (const end of ["from", "to"] as const) {
    if (!knowledge.hasActor(relation[end])) report([end], `unknown actor "${relation[end]}"`);
  }
  for (const field of ["at", "start", "end"] as const) {
    const value = relation[field];
    if (value && !isCalendarDate(value)) report([field], `no such date "${value}"`);
  }
  if (relation.start && relation.end && relation.end < relation.start.slice(0, relation.end.length)) {
    report(["end"], `end "${relation.end}" is before start "${relation.start}"`);
  }
  if (relation.citations.length === 0) report(["citations"], "every relation needs at least one citation");
  const citations = relation.citations.map((citation, n) => {
    const cite = (field: string, message: string) => report(["citations", n, field], message);
    if (!vocabulary.stances.some((s) => s.name === citation.stance)) {
      cite("stance", `unknown stance "${citation.stance}"`);
    }
    if (citation.speaker != null && !knowledge.hasActor(citation.speaker)) {
      cite("speaker", `unknown actor "${citation.speaker}"`);
    }
    const length = codePoints(citation.quote).length;
    let start = citation.start ?? null;
    const points = knowledge.sourcePoints(citation.source);
    if (!points) cite("source", `unknown source "${citation.source}"`);
    else if (start === null) {
      const found = findAllCodePoints(points, citation.quote);
      if (found.length === 0) cite("quote", `the quote is not found verbatim in ${citation.source}`);
      else if (found.length > 1) {
        cite(
          "start",
          `the quote occurs ${found.length} times in ${citation.source} (at ${found.join(", ")}): give start`,
        );
      } else start = found[0] as number;
    } else {
      const end = citation.end ?? start + length;
      if (sliceCodePoints(points, start, end) !== citation.quote) {
        const found = findAllCodePoints(points, citation.quote);
        if (found.length === 0) cite("quote", `the quote is not found verbatim in ${citation.source}`);
        else {
          const spans = found.map((s) => `${s}-${s + length}`).join(", ");
          cite("start", `offsets ${start}-${end} do not match the quote: the quote is at ${spans}`);
        }
      }
    }
    return {
      ...citation,
      speaker: citation.speaker ?? null,
      start: start ?? 0,
      end: (start ?? 0) + length,
      id: `${relation.id}#${n + 1}`,
    };
  });
  return { ...relation, citations, contested: citations.some((c) => c.stance === "DENIES") };
}
