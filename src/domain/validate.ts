import { show } from "./grammar.js";
import type { SeedActorEntry, SeedCitationEntry, SeedRelationEntry, Vocabulary } from "./model.js";
import {
  codePointName,
  codePoints,
  findAllCodePoints,
  foldName,
  isCharacterBoundary,
  sliceCodePoints,
} from "./text.js";

export { isCalendarDate } from "./grammar.js";

/**
 * The checks every write goes through after its input has parsed with the grammar (./grammar.ts, ./model.ts),
 * whether it comes from the seed files, `npm run ingest` or a GraphQL mutation: known vocabulary, no dangling
 * reference, no name claimed twice, no citation given twice, and every quote the exact text of its source at
 * its code point offsets. Each caller says where a problem is (a file and line, or an input path).
 */

export type Path = readonly (string | number)[];
export type Report = (at: Path, message: string) => void;

/** What a batch is checked against: the batch itself for the seed, the database plus the batch otherwise. */
export interface Knowledge {
  vocabulary: Vocabulary;
  hasActor(key: string): boolean;
  /** Whether a relation has this key (stored, or earlier in the batch). */
  hasRelation(key: string): boolean;
  /** The source's text as code points, if the source exists. */
  sourcePoints(key: string): readonly string[] | undefined;
  /** The actor that already answers to this folded name, if any. */
  nameOwner(foldedName: string): string | undefined;
  /** Existing keys close to an unknown actor key, offered as "did you mean" (none when absent). */
  actorSuggestions?(key: string): readonly string[];
}

/** The problem of an actor key that names no actor, with the keys it may have meant. */
function unknownActor(key: string, knowledge: Knowledge): string {
  const suggestions = knowledge.actorSuggestions?.(key) ?? [];
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?` : "";
  return `unknown actor ${show(key)}${hint}`;
}

/** A citation as a caller may give it: offsets are optional where the quote occurs once in its source. */
export type CitationInput = Omit<SeedCitationEntry, "start" | "end"> & {
  start?: number | null;
  end?: number | null;
};
export type RelationInput = Omit<SeedRelationEntry, "citations" | "addresses" | "places" | "distinct"> & {
  citations: CitationInput[];
  /** Its writer's word that it is a fact of its own (./same-relation.ts); false when left out. */
  distinct?: boolean | undefined;
  addresses?: readonly string[] | undefined;
  places?: readonly { name: string; actor: string | null }[] | undefined;
};
export type CheckedCitation = SeedCitationEntry & { id: string };
export type CheckedRelation = Omit<SeedRelationEntry, "citations"> & {
  citations: CheckedCitation[];
  contested: boolean;
};

export function checkKind(kind: string, vocabulary: Vocabulary, report: Report): void {
  if (!vocabulary.actorKinds.some((k) => k.name === kind)) report(["kind"], `unknown actor kind "${kind}"`);
}

/**
 * Each name may belong to one actor only: mention finding and lookups by name depend on it. Names are
 * compared folded (accents, case and spacing ignored); a problem points at the name or alias that clashes.
 */
export function checkNames(
  actorKey: string,
  names: { name?: string | undefined; aliases?: readonly string[] | undefined },
  knowledge: Knowledge,
  report: Report,
): void {
  const paths: [Path, string][] = [
    ...(names.name === undefined ? [] : [[["name"], names.name] as [Path, string]]),
    ...(names.aliases ?? []).map((alias, index) => [["aliases", index], alias] as [Path, string]),
  ];
  for (const [at, name] of paths) {
    const owner = knowledge.nameOwner(foldName(name));
    if (owner && owner !== actorKey) {
      report(at, `name "${foldName(name)}" is already a name of actor "${owner}"`);
    }
  }
}

export function checkActor(actor: SeedActorEntry, knowledge: Knowledge, report: Report): void {
  checkKind(actor.kind, knowledge.vocabulary, report);
  checkNames(actor.id, actor, knowledge, report);
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
    if (!knowledge.hasActor(relation[end])) report([end], unknownActor(relation[end], knowledge));
  }
  // Partial dates compare at the precision of the shorter: "2019" is not before "2019-05".
  const before = (a: string, b: string) => a.slice(0, b.length) < b.slice(0, a.length);
  const { at, start, end } = relation;
  if (start && end && before(end, start)) report(["end"], `end "${end}" is before start "${start}"`);
  // A dated event of a span happens within it: timelines and asOf read the date first.
  if (at && start && before(at, start)) report(["at"], `at "${at}" is before start "${start}"`);
  if (at && end && before(end, at)) report(["at"], `at "${at}" is after end "${end}"`);
  const spans = new Map<string, number>();
  const citations = relation.citations.map((citation, n) => {
    const cite = (field: string, message: string) => report(["citations", n, field], message);
    if (!vocabulary.stances.some((s) => s.name === citation.stance)) {
      cite("stance", `unknown stance "${citation.stance}"`);
    }
    if (citation.speaker != null && !knowledge.hasActor(citation.speaker)) {
      cite("speaker", unknownActor(citation.speaker, knowledge));
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
    }
    if (points && start !== null) {
      const end = citation.end ?? start + length;
      if (end > points.length) {
        cite("end", `end ${end} is past the end of ${citation.source} (${points.length} code points)`);
      } else if (sliceCodePoints(points, start, end) !== citation.quote) {
        const found = findAllCodePoints(points, citation.quote);
        if (found.length === 0) cite("quote", `the quote is not found verbatim in ${citation.source}`);
        else {
          const at = found.map((s) => `${s}-${s + length}`).join(", ");
          cite("start", `offsets ${start}-${end} do not match the quote: the quote is at ${at}`);
        }
      } else if (!isCharacterBoundary(points, start) || !isCharacterBoundary(points, end)) {
        const [field, at] = isCharacterBoundary(points, start) ? ["end", end] : ["start", start];
        cite(
          field,
          `${field} ${at} falls inside a character of ${citation.source} (${codePointName(points[at] ?? "")} ` +
            "there joins the code point before it): a quote may not cut a letter from its accents, an emoji or a flag",
        );
      } else {
        const span = `${citation.source}@${start}-${end}`;
        const earlier = spans.get(span);
        if (earlier !== undefined) {
          cite("quote", `cites the same passage as citation ${earlier} (${span}): give each passage once`);
        } else spans.set(span, n);
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
  const addresses = [...(relation.addresses ?? [])];
  addresses.forEach((key, n) => {
    const at = ["addresses", n];
    if (key === relation.id) report(at, `a relation cannot address itself (${show(key)})`);
    else if (addresses.indexOf(key) < n) report(at, `addresses ${show(key)} twice`);
    else if (!knowledge.hasRelation(key)) report(at, `unknown relation ${show(key)}`);
  });
  const places = (relation.places ?? []).map((place) => ({ name: place.name, actor: place.actor ?? null }));
  places.forEach((place, n) => {
    // Only what the articles say: a place is written in one of the relation's own quotes.
    if (!citations.some((c) => c.quote.includes(place.name))) {
      report(["places", n, "name"], `place "${place.name}" is not written in any of the relation's quotes`);
    }
    if (place.actor !== null && !knowledge.hasActor(place.actor)) {
      report(["places", n, "actor"], unknownActor(place.actor, knowledge));
    }
  });
  return {
    ...relation,
    distinct: relation.distinct ?? false,
    addresses,
    places,
    citations,
    contested: citations.some((c) => c.stance === "DENIES"),
  };
}
