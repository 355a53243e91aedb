import { distance } from "fastest-levenshtein";
import { mentionFinder } from "../../domain/mentions.js";
import type { KnownActor, ProposalActorRef } from "../../domain/proposal.js";
import { foldName } from "../../domain/text.js";
import type { EntityClass, NlpAnnotation, NlpEntity } from "../../nlp/annotation.js";

/**
 * Who the text names: the known actors the gazetteer finds (longest match, src/domain/mentions.ts) and the
 * names the entity recogniser finds, each either a known actor under a new name (an alias), or a new actor with a
 * kind guessed from its words and its entity class. The spans found here are what the parse rules take as the
 * ends of relations.
 */

/** A stretch of the text that names one actor, known or proposed. Offsets are code points. */
export interface ActorSpan {
  start: number;
  end: number;
  ref: ProposalActorRef;
  /** The actor's kind: known, or guessed for a proposed one. */
  kind: string;
}

/** A name the recogniser found that the graph does not know, gathered over all its occurrences. */
export interface NewName {
  /** Temporary id; the final ids are given in text order by propose.ts. */
  id: string;
  name: string;
  kind: string;
  kindRule: string;
  sameAs: string[];
  confidence: number;
  /** Its occurrences, the first one first. */
  spans: { start: number; end: number; sentence: number }[];
}

/** A known actor the recogniser found under a name it does not have. */
export interface NewAlias {
  actor: string;
  alias: string;
  rule: string;
  confidence: number;
  start: number;
  end: number;
  sentence: number;
}

/** Known actors' mentions in the whole text, as spans. */
export function knownSpans(text: string, actors: readonly KnownActor[]): ActorSpan[] {
  const byKey = new Map(actors.map((actor) => [actor.key, actor]));
  return mentionFinder(actors.map((actor) => ({ id: actor.key, name: actor.name, aliases: actor.aliases })))
    .find(text)
    .map((mention) => ({
      start: mention.start,
      end: mention.end,
      ref: { actor: mention.actorId },
      kind: byKey.get(mention.actorId)?.kind ?? "ORGANIZATION",
    }));
}

/** Words a name's head may be, and the actor kind each suggests (folded, singular and plural). */
const headKinds: [RegExp, string][] = [
  [
    /^(ministere|ministeres|gouvernement|presidence|parlement|assemblee|senat|primature|cabinet|ambassade|prefecture|mairie|conseil)$/,
    "GOVERNMENT_BODY",
  ],
  [
    /^(agence|radio|journal|television|tele|quotidien|hebdomadaire|magazine|chaine|presse|site|media|medias)$/,
    "MEDIA",
  ],
  [/^(groupe|groupes|front|mouvement|coalition|collectif|jihadistes|rebelles|milice|milices)$/, "GROUP"],
  [/^(operation|operations|mission)$/, "MILITARY_OPERATION"],
  [
    /^(forces|force|armee|armees|brigade|bataillon|regiment|garde|division|gendarmerie|police|escadron|legion|marine|troupes)$/,
    "ARMED_FORCE",
  ],
  [/^(societe|compagnie|entreprise)$/, "PRIVATE_MILITARY_COMPANY"],
  [
    /^(union|organisation|communaute|commission|banque|fonds|alliance|nations|ligue|cour|tribunal|institut|fondation|association|ong|otan|onu)$/,
    "ORGANIZATION",
  ],
];

/** What the recogniser's class suggests when no word of the name does. */
const classKinds: Record<EntityClass, string> = {
  PER: "PERSON",
  LOC: "STATE",
  ORG: "ORGANIZATION",
  MISC: "ORGANIZATION",
};

/**
 * A guess at the kind of a new name: the first word of the name that says what it is ("Ministère de ...",
 * "Radio ...", "Opération ...", "Forces ..."), a company that says it is military ("société militaire privée"),
 * else the recogniser's class (a person, a place taken for a state, an organisation).
 */
export function guessKind(name: string, entity: EntityClass): { kind: string; rule: string } {
  const words = foldName(name)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  for (const word of words.slice(0, 2)) {
    for (const [pattern, kind] of headKinds) {
      if (!pattern.test(word)) continue;
      if (
        kind === "PRIVATE_MILITARY_COMPANY" &&
        !words.some((w) => /^(militaire|securite|paramilitaire)s?$/.test(w))
      )
        break;
      return { kind, rule: `kind-by-word:${word}` };
    }
  }
  if (entity === "ORG" && /^\p{Lu}{2,}$/u.test(name.trim()))
    return { kind: "ORGANIZATION", rule: "kind-acronym" };
  return { kind: classKinds[entity], rule: `kind-by-class:${entity}` };
}

/** Titles that may precede a name: "le président X", "M. X", "le colonel X". */
const titles = new Set(
  "m mr mme mlle monsieur madame president presidente general colonel capitaine commandant lieutenant marechal ministre premier chef dr docteur professeur sergent imam cheikh roi reine prince emir".split(
    " ",
  ),
);

/** Words too common to tie a new name to a known one. */
const genericWords = new Set(
  "de du des la le les et en republique etat etats forces force armee groupe ministere nations union national nationale conseil gouvernement organisation societe mission operation".split(
    " ",
  ),
);

const wordsOf = (folded: string) => folded.split(/[^\p{L}\p{N}]+/u).filter(Boolean);

function stripTitles(folded: string): string {
  const words = wordsOf(folded);
  let i = 0;
  while (i < words.length - 1 && titles.has(words[i] as string)) i += 1;
  return words.slice(i).join(" ");
}

/** How a new name may be a known actor: the rule and a confidence, strongest first. */
function nearMatch(
  name: string,
  actor: KnownActor,
): { rule: string; confidence: number; strong: boolean } | undefined {
  const bare = stripTitles(foldName(name));
  const bareWords = wordsOf(bare);
  let best: { rule: string; confidence: number; strong: boolean } | undefined;
  const offer = (rule: string, confidence: number, strong: boolean) => {
    if (!best || confidence > best.confidence) best = { rule, confidence, strong };
  };
  for (const known of [actor.name, ...actor.aliases]) {
    const folded = wordsOf(foldName(known)).join(" ");
    const knownWords = wordsOf(folded);
    if (folded.length === 0) continue;
    if (bare === folded) offer("alias-title-and-name", 0.85, true);
    else if (
      bareWords.length === 1 &&
      actor.kind === "PERSON" &&
      knownWords.length > 1 &&
      knownWords[knownWords.length - 1] === bare &&
      bare.length >= 3
    )
      offer("alias-surname", 0.75, true);
    else if (
      bareWords.length < knownWords.length &&
      bareWords.every((word) => knownWords.includes(word)) &&
      bareWords.some((word) => word.length >= 4 && !genericWords.has(word))
    )
      offer("alias-part-of-name", 0.65, true);
    else if (
      actor.kind === "PERSON" &&
      knownWords.length < bareWords.length &&
      knownWords.every((word) => bareWords.includes(word)) &&
      knownWords.some((word) => word.length >= 4 && !genericWords.has(word))
    )
      offer("alias-longer-name", 0.6, true);
    else if (bare.length >= 5 && distance(bare, folded) <= Math.max(1, Math.floor(folded.length / 6)))
      offer("alias-spelling", 0.6, true);
    else if (
      bareWords.some((word) => word.length >= 4 && !genericWords.has(word) && knownWords.includes(word)) ||
      (bare.length >= 6 && distance(bare, folded) <= 2)
    )
      offer("same-as-shared-word", 0.3, false);
  }
  return best;
}

/**
 * An entity without a leading article ("La France" at a sentence's start is "France") and without the quotation
 * marks and punctuation the recogniser sometimes takes in at either end ("Bénin »").
 */
function withoutArticle(found: NlpEntity): NlpEntity {
  const lead = /^[\s«»“”"'’,;:()–—-]+/u.exec(found.text)?.[0] ?? "";
  const trail = /[\s«»“”"',;:()–—-]+$/u.exec(found.text)?.[0] ?? "";
  if (lead.length + trail.length >= found.text.length) return found;
  const entity =
    lead || trail
      ? {
          ...found,
          start: found.start + [...lead].length,
          end: found.end - [...trail].length,
          text: found.text.slice(lead.length, found.text.length - trail.length),
        }
      : found;
  const article = /^(?:les|le|la|l['’])\s*/iu.exec(entity.text);
  if (!article || article[0].length >= entity.text.length) return entity;
  return {
    ...entity,
    start: entity.start + [...article[0]].length,
    text: entity.text.slice(article[0].length),
  };
}

/**
 * The common noun a name is the name of, with its adjectives, when the name follows it ("la société militaire
 * privée Wagner", "l'agence Tass", "le groupe X"): what says the name's kind better than the recogniser's class.
 * Empty when there is none.
 */
function describedAs(annotation: NlpAnnotation, entity: NlpEntity): string {
  const tokens = annotation.sentences[entity.sentence]?.tokens ?? [];
  const inside = tokens.filter((t) => t.start >= entity.start && t.end <= entity.end);
  const head = inside.find((t) => !inside.some((other) => other.index === t.head));
  const noun = head && tokens.find((t) => t.index === head.head);
  if (!head || !noun || noun.pos !== "NOUN" || noun.index > head.index) return "";
  if (!["appos", "nmod", "flat:name", "flat", "dep", "compound"].includes(head.relation)) return "";
  if (tokens.some((t) => t.head === head.index && t.relation === "case")) return "";
  const between = tokens.filter((t) => t.index >= noun.index && t.index < (inside[0]?.index ?? head.index));
  return `${between.map((t) => t.word).join(" ")} `;
}

/** Most known actors a new name offers as "same as?". */
const maxSameAs = 5;

/**
 * The recogniser's entities, sorted out against the known actors and their mentions:
 * - an entity on a known mention, or inside one, is that mention (nothing to propose);
 * - an entity that begins in lower case is a description ("ministre des Affaires étrangères du Mali"), not a name;
 * - an entity that is a near match of exactly one known actor (title + name, surname alone, part of the name, a
 *   spelling variant) is an alias of it;
 * - any other is a new name (one per folded name, over all its occurrences), with the near matches as `sameAs`.
 * Returns the aliases, the new names, and the spans (known mentions the entities did not replace, plus the
 * entities' own) in text order.
 */
export function recognisedActors(
  annotation: NlpAnnotation,
  actors: readonly KnownActor[],
  known: readonly ActorSpan[],
): { aliases: NewAlias[]; names: NewName[]; spans: ActorSpan[] } {
  const aliases: NewAlias[] = [];
  const names = new Map<string, NewName>();
  const replaced = new Set<ActorSpan>();
  const added: ActorSpan[] = [];
  const aliasSeen = new Set<string>();
  for (const found of annotation.entities) {
    const entity = withoutArticle(found);
    const overlapping = known.filter((span) => span.start < entity.end && entity.start < span.end);
    // On or inside a known mention: the gazetteer's longest match already says who it is.
    if (overlapping.some((span) => span.start <= entity.start && entity.end <= span.end)) continue;
    if (!/^\p{Lu}/u.test(entity.text) && !/^\p{N}/u.test(entity.text)) continue;
    const matches = actors
      .map((actor) => ({ actor, match: nearMatch(entity.text, actor) }))
      .filter((entry) => entry.match !== undefined)
      .sort((a, b) => (b.match?.confidence ?? 0) - (a.match?.confidence ?? 0));
    const strong = matches.filter((entry) => entry.match?.strong);
    for (const span of overlapping) replaced.add(span);
    const only = strong.length === 1 ? strong[0] : undefined;
    if (
      only?.match &&
      overlapping.every((span) => "actor" in span.ref && span.ref.actor === only.actor.key)
    ) {
      const { actor, match } = only;
      const key = `${actor.key}\u0000${foldName(entity.text)}`;
      if (!aliasSeen.has(key)) {
        aliasSeen.add(key);
        aliases.push({
          actor: actor.key,
          alias: entity.text,
          rule: match.rule,
          confidence: match.confidence,
          start: entity.start,
          end: entity.end,
          sentence: entity.sentence,
        });
      }
      added.push({ start: entity.start, end: entity.end, ref: { actor: actor.key }, kind: actor.kind });
      continue;
    }
    const folded = foldName(entity.text);
    let name = names.get(folded);
    if (!name) {
      const guess = guessKind(`${describedAs(annotation, entity)}${entity.text}`, entity.class);
      name = {
        id: `new${names.size + 1}`,
        name: entity.text,
        kind: guess.kind,
        kindRule: guess.rule,
        sameAs: matches.slice(0, maxSameAs).map((entry) => entry.actor.key),
        confidence: entity.class === "MISC" ? 0.5 : 0.7,
        spans: [],
      };
      names.set(folded, name);
    }
    name.spans.push({ start: entity.start, end: entity.end, sentence: entity.sentence });
    added.push({ start: entity.start, end: entity.end, ref: { proposal: name.id }, kind: name.kind });
  }
  const spans = [...known.filter((span) => !replaced.has(span)), ...added].sort(
    (a, b) => a.start - b.start || b.end - a.end,
  );
  return { aliases, names: [...names.values()], spans };
}
