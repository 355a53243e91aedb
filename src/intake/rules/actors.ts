import { distance } from "fastest-levenshtein";
import { mentionFinder } from "../../domain/mentions.js";
import type { KnownActor, ProposalActorRef } from "../../domain/proposal.js";
import { codePoints, foldName } from "../../domain/text.js";
import type { EntityClass, NlpAnnotation, NlpEntity } from "../../nlp/annotation.js";
import { titleWords } from "./lexicon.js";
import { isDemonym, isStateName, tableStateNames } from "./states.js";

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
    /^(union|organisation|communaute|commission|chambre|banque|fonds|alliance|nations|ligue|cour|tribunal|institut|fondation|association|ong|otan|onu)$/,
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
  if (isStateName(name)) return { kind: "STATE", rule: "kind-state-table" };
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

/** Whether a word is a state's name or adjective of nationality ("russie", "malien"). */
const namesAState = (word: string) => isStateName(word) || isDemonym(word);

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
      // "ministère des Affaires étrangères" without the state the known name has ("... de la Fédération de
      // Russie") may be any state's: offered as "same as?", not taken for it.
      offer("alias-part-of-name", 0.65, !knownWords.some((w) => !bareWords.includes(w) && namesAState(w)));
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
 * An entity without a leading article ("La France" at a sentence's start is "France") or preposition ("en
 * Afghanistan"), and without the quotation
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
  // A preposition only in lower case before a capital ("en Afghanistan"): "De Gaulle" keeps its particle.
  const article =
    /^(?:les|le|la|l['’])\s*/iu.exec(entity.text) ??
    /^(?:en|au|aux|à|du|des|de|d['’])\s*(?=\p{Lu})/u.exec(entity.text);
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

/**
 * Nouns that head the name of a body and are written in lower case before its capitalised complement ("ministère
 * des Affaires étrangères", "chambre de commerce"): the recogniser finds the complement alone.
 */
const bodyNouns = new Set(["ministere", "secretariat", "chambre", "commission", "direction"]);
/** Words that join a body's noun to its complement or its state: "de", "des" (de + les), "du" (de + le), "la". */
const joiners = new Set(["de", "d", "le", "la", "les", "l"]);
/** Common nouns French capitalises that the recogniser takes for names, and which name no one actor alone. */
const commonCapitalised = new Set([
  "etat",
  "etats",
  "republique",
  "gouvernement",
  "president",
  "nation",
  "nations",
  // Continents: places that are no state, and no actor of the vocabulary.
  "afrique",
  "europe",
  "asie",
  "amerique",
  "oceanie",
]);
/** French words that, written in capitals, are a byline's words, not a name ("PAR X"). */
const functionWords = new Set([
  "par",
  "de",
  "du",
  "des",
  "et",
  "avec",
  "pour",
  "le",
  "la",
  "les",
  "au",
  "aux",
  "sur",
]);

const tokenWord = (word: string) => foldName(word).replace(/['’]$/u, "");

/** The entity's text from `points`, between new bounds. */
const rebound = (points: readonly string[], entity: NlpEntity, start: number, end: number): NlpEntity => ({
  ...entity,
  start,
  end,
  text: points.slice(start, end).join(""),
});

/**
 * An entity without the known state it starts with when a name of two capitalised words or more follows ("Mali
 * Assimi Goïta" → "Assimi Goïta": the recogniser joined a state and a person).
 */
function withoutKnownEdges(
  points: readonly string[],
  entity: NlpEntity,
  known: readonly ActorSpan[],
): NlpEntity {
  const state = known.find(
    (span) =>
      span.kind === "STATE" && span.start <= entity.start && entity.start < span.end && span.end < entity.end,
  );
  if (!state) return entity;
  let start = state.end;
  while (start < entity.end && /\s/u.test(points[start] ?? "")) start += 1;
  const trimmed = rebound(points, entity, start, entity.end);
  // Only a state before a name of its own ("Mali Assimi Goïta"), not one a name is built on ("Mali-Koulikoro").
  return /^\p{Lu}\S*\s+\p{Lu}/u.test(trimmed.text) ? trimmed : entity;
}

/** The lower-case noun an entity complements ("ministère" of "ministère des Affaires étrangères"), folded. */
function nounBefore(
  annotation: NlpAnnotation,
  entity: NlpEntity,
): { word: string; start: number } | undefined {
  const tokens = annotation.sentences[entity.sentence]?.tokens ?? [];
  const first = tokens.findIndex((t) => t.start >= entity.start);
  let i = first - 1;
  let joined = 0;
  while (i >= 0 && joined < 3 && joiners.has(tokenWord((tokens[i] as { word: string }).word))) {
    i -= 1;
    joined += 1;
  }
  // "ministre russe des Affaires étrangères": an adjective between the noun and its complement.
  if (tokens[i]?.pos === "ADJ" && tokens[i - 1]?.pos === "NOUN") i -= 1;
  const noun = tokens[i];
  if (first < 0 || !noun || joined === 0 || noun.pos !== "NOUN" || !/^\p{Ll}/u.test(noun.text))
    return undefined;
  return { word: tokenWord(noun.word), start: noun.start };
}

/**
 * A body's name whose head noun the recogniser left out, written whole: "ministère" + "des Affaires étrangères"
 * (+ "de la Fédération de Russie" when a known state follows); null for the portfolio of a title or of several
 * bodies ("ministre des Affaires étrangères": no actor of its own). Other entities as they are.
 */
function withBodyNoun(
  points: readonly string[],
  annotation: NlpAnnotation,
  entity: NlpEntity,
  known: readonly ActorSpan[],
): NlpEntity | null {
  const noun = nounBefore(annotation, entity);
  if (!noun) return entity;
  // "ministre des Affaires étrangères", "ministères de la Défense": a title's or several bodies' portfolio.
  if (titleWords.has(noun.word) || noun.word === "ministeres") return null;
  if (!bodyNouns.has(noun.word)) return entity;
  // "... de la Fédération de Russie": the state it belongs to is part of the body's name.
  let end = entity.end;
  const rest = points.slice(end, end + 12).join("");
  const link = /^\s+(?:de la|de l['’]|du|des|de)\s*/u.exec(rest);
  const state =
    link && known.find((span) => span.start === end + [...link[0]].length && span.kind === "STATE");
  if (state) end = state.end;
  return rebound(points, entity, noun.start, end);
}

/** Whether an entity is no name at all: a capitalised common noun, a people ("Maliens"), a byline's word. */
function notAName(entity: NlpEntity): boolean {
  const folded = foldName(entity.text);
  if (commonCapitalised.has(folded) || isDemonym(entity.text)) return true;
  // "Président de la Transition", "Ministre de la Défense": a role, unless a person's name follows the title.
  const [first, ...rest] = wordsOf(folded);
  if (first && titleWords.has(first) && entity.class !== "PER" && rest.length > 0) return true;
  return /^\p{Lu}+$/u.test(entity.text) && functionWords.has(folded);
}

/** The finder of the table's state names: the same for every text, built once on first use. */
let tableFinder: ReturnType<typeof mentionFinder> | undefined;

/**
 * Entities for the states of the general table (./states.ts) that the text names and the recogniser missed or
 * typed as something else: a state is a name whatever the recogniser says, and a held-out article may name any.
 */
function tableStates(
  points: readonly string[],
  annotation: NlpAnnotation,
  known: readonly ActorSpan[],
): NlpEntity[] {
  const sentenceOf = (at: number) => annotation.sentences.findIndex((s) => s.start <= at && at < s.end);
  tableFinder ??= mentionFinder(tableStateNames.map((name) => ({ id: name, name, aliases: [] })));
  return (
    tableFinder
      .find(points.join(""))
      .filter(
        (m) =>
          /^\p{Lu}/u.test(points[m.start] ?? "") && !known.some((k) => k.start < m.end && m.start < k.end),
      )
      // Not where the recogniser found a name ("Afrique du Sud"); where it found a phrase ("conflit en Afghanistan"), yes.
      .filter(
        (m) =>
          !annotation.entities.some((e) => e.start < m.end && m.start < e.end && /^\p{Lu}/u.test(e.text)),
      )
      .map((m) => ({
        start: m.start,
        end: m.end,
        text: points.slice(m.start, m.end).join(""),
        class: "LOC" as const,
        sentence: sentenceOf(m.start),
      }))
      .filter((e) => e.sentence >= 0)
  );
}

/**
 * The new name a later, shorter mention belongs to: "le ministère des Affaires étrangères" after "le ministère des
 * Affaires étrangères de la Fédération de Russie", "Traoré" after "Boubacar Salif Traoré".
 */
function earlierName(names: ReadonlyMap<string, NewName>, folded: string): NewName | undefined {
  for (const [name, entry] of names) {
    if (name.startsWith(`${folded} de `)) return entry;
    const words = wordsOf(name);
    if (entry.kind === "PERSON" && words.length > 1 && !folded.includes(" ") && words.at(-1) === folded)
      return entry;
  }
  return undefined;
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
  text: string,
  annotation: NlpAnnotation,
  actors: readonly KnownActor[],
  known: readonly ActorSpan[],
): { aliases: NewAlias[]; names: NewName[]; spans: ActorSpan[] } {
  const points = codePoints(text);
  const aliases: NewAlias[] = [];
  const names = new Map<string, NewName>();
  const replaced = new Set<ActorSpan>();
  const added: ActorSpan[] = [];
  const aliasSeen = new Set<string>();
  const entities = [...annotation.entities, ...tableStates(points, annotation, known)].sort(
    (a, b) => a.start - b.start,
  );
  for (const found of entities) {
    const trimmed = withoutKnownEdges(points, withoutArticle(found), known);
    const entity = withBodyNoun(points, annotation, trimmed, known);
    if (!entity || notAName(entity)) continue;
    const overlapping = known.filter((span) => span.start < entity.end && entity.start < span.end);
    // On or inside a known mention: the gazetteer's longest match already says who it is.
    if (overlapping.some((span) => span.start <= entity.start && entity.end <= span.end)) continue;
    // Lower case first is a description ("ministre des Affaires étrangères du Mali"), unless it is a body's noun
    // before its capitalised name ("ministère des Affaires étrangères").
    const bodyName = bodyNouns.has(wordsOf(foldName(entity.text))[0] ?? "") && /\s\p{Lu}/u.test(entity.text);
    if (!/^\p{Lu}/u.test(entity.text) && !/^\p{N}/u.test(entity.text) && !bodyName) continue;
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
    let name = names.get(folded) ?? earlierName(names, folded);
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
