import type { Vocabulary } from "../domain/model.js";
import type {
  ActorDraft,
  AliasDraft,
  CitationDraft,
  KnownActor,
  KnownRelation,
  ProposalActorRef,
  ProposalDraft,
  RelationDraft,
} from "../domain/proposal.js";
import { findSameRelation } from "../domain/same-relation.js";
import { foldName } from "../domain/text.js";
import type { NlpAnnotation } from "../nlp/annotation.js";
import { intakeText, quoteAt, splitSentences } from "./quote.js";
import { type ActorSpan, knownSpans, recognisedActors } from "./rules/actors.js";
import { datesOf, statedDates } from "./rules/dates.js";
import { triggerFormsOf } from "./rules/lexicon.js";
import { ParsedSentence, refKey } from "./rules/parse.js";
import { sentenceRelations } from "./rules/relations.js";
import { type Voice, voiceOf } from "./rules/speech.js";
import { type StateNames, stateNames } from "./rules/states.js";

/**
 * Article intake's rules (issue 31, docs/decisions/034-intake-rules.md): from a French text, its CoreNLP
 * annotation and what the graph knows, the drafts of what an analyst may add: new actors, aliases, relations,
 * and citations of relations the graph already has. Pure and deterministic.
 */

/** Which NLP-based stages run (the evaluation turns them off one by one). */
export interface IntakeStages {
  /** New actors and aliases from the entity recogniser. */
  recogniser: boolean;
  /** Relations and citations from the dependency parse. */
  parse: boolean;
}

export interface ProposeInput {
  text: string;
  /** null: NLP was not run; only the gazetteer's proposals are made. */
  annotation: NlpAnnotation | null;
  /** The gazetteer: every known actor. */
  actors: readonly KnownActor[];
  /** The graph's relations among the actors the text names: a relation stated again is cited, never copied. */
  relations: readonly KnownRelation[];
  vocabulary: Vocabulary;
  /** Default: both stages on when `annotation` is non-null. */
  stages?: IntakeStages;
}

/** How sure the gazetteer-only citation is: both ends and a word of the type in one sentence, no parse. */
const gazetteerCitationConfidence = 0.35;

/** Drafts of one kind sort in this order when they start at the same offset. */
const kindOrder: Record<ProposalDraft["kind"], number> = { ACTOR: 0, ALIAS: 1, RELATION: 2, CITATION: 3 };

/**
 * The proposal drafts for `input.text`, in text order, with ids "p1", "p2", ... (relations refer to new actors
 * by them). Every quote is the text at its code-point offsets. Throws a plain Error if a rule made a quote that
 * is not (a bug, never bad input).
 */
export function proposeFromText(input: ProposeInput): ProposalDraft[] {
  const { annotation, actors, relations, vocabulary } = input;
  const source = intakeText(input.text);
  const stages = annotation
    ? (input.stages ?? { recogniser: true, parse: true })
    : { recogniser: false, parse: false };
  const drafts: ProposalDraft[] = [];
  // Known states are also named by their capitals ("à Moscou") and their adjectives of nationality.
  const states = stateNames(actors);
  const known = knownSpans(input.text, states.actors);
  let spans: ActorSpan[] = known;

  if (annotation && stages.recogniser) {
    const found = recognisedActors(input.text, annotation, states.actors, known);
    spans = found.spans;
    for (const alias of found.aliases) {
      drafts.push({
        id: "",
        kind: "ALIAS",
        quote: quoteAt(source, alias.start, alias.end),
        sentence: alias.sentence,
        producer: { stage: "RECOGNISER", rule: alias.rule },
        confidence: alias.confidence,
        actor: alias.actor,
        alias: alias.alias,
      } satisfies AliasDraft);
    }
    for (const name of found.names) {
      const first = name.spans[0] as { start: number; end: number; sentence: number };
      drafts.push({
        id: name.id,
        kind: "ACTOR",
        quote: quoteAt(source, first.start, first.end),
        sentence: first.sentence,
        producer: { stage: "RECOGNISER", rule: name.kindRule },
        confidence: name.confidence,
        name: name.name,
        actorKind: name.kind,
        sameAs: name.sameAs,
      } satisfies ActorDraft);
    }
  }

  const sentences = annotation
    ? annotation.sentences.map((s) => ({ start: s.start, end: s.end }))
    : splitSentences(source);

  /** Who speaks in a sentence, at its first word among `forms` (with the parse only). */
  let voiceAt: VoiceAt | undefined;
  if (annotation && stages.parse) {
    const demonym = demonymFinder(actors, states);
    const armedForce = armedForceFinder(actors, states);
    const parsed = annotation.sentences.map(
      (sentence, index) =>
        new ParsedSentence(sentence, spans, demonym, {
          spans,
          from: annotation.sentences[Math.max(0, index - 1)]?.start ?? 0,
          armedForce,
        }),
    );
    const context = { points: source.points, sentences: parsed, spans };
    voiceAt = (index, forms) => {
      const sentence = parsed[index];
      const token = sentence?.tokens.find((t) => forms.has(foldName(t.text)));
      return sentence && token ? voiceOf(context, sentence, token, false) : undefined;
    };
    parsed.forEach((sentence, index) => {
      const best = new Map<string, ProposalDraft>();
      for (const relation of sentenceRelations(sentence)) {
        // A body's belonging said by its name is in the article's own words, whoever speaks around it.
        const voice: Voice =
          relation.rule === "part-of-name"
            ? { speaker: null, stance: "REPORTS", rule: "article-voice" }
            : voiceOf(context, sentence, relation.trigger, relation.negated);
        const clause =
          relation.trigger.pos === "NOUN"
            ? (sentence.head(relation.trigger) ?? relation.trigger)
            : relation.trigger;
        const range = sentence.subtree(clause);
        const dated = statedDates(
          source.points,
          (range[0] as { start: number }).start,
          (range[range.length - 1] as { end: number }).end,
        );
        const dates = datesOf(relation.type === "OFFICE" ? [] : dated);
        const base = {
          id: "",
          quote: quoteAt(source, sentence.sentence.start, sentence.sentence.end),
          sentence: index,
          producer: { stage: "PARSE" as const, rule: `${relation.rule}:${voice.rule}` },
          confidence: round(relation.confidence),
          speaker: voice.speaker?.ref ?? null,
          stance: voice.stance,
        };
        const from = relation.from.ref;
        const to = relation.to.ref;
        const existing =
          "actor" in from && "actor" in to
            ? findSameRelation(
                vocabulary,
                { type: relation.type, from: from.actor, to: to.actor, ...dates },
                relations,
              )
            : undefined;
        const draft: RelationDraft | CitationDraft = existing
          ? { ...base, kind: "CITATION", relation: existing.key }
          : { ...base, kind: "RELATION", type: relation.type, from, to, ...dates };
        const key = existing ? `c:${existing.key}` : `r:${relation.type}:${refKey(from)}:${refKey(to)}`;
        const held = best.get(key);
        if (!held || held.confidence < draft.confidence) best.set(key, draft);
      }
      drafts.push(...best.values());
    });
  }

  drafts.push(...gazetteerCitations(source, sentences, known, relations, drafts, voiceAt));
  return numbered(drafts);
}

type VoiceAt = (sentence: number, forms: ReadonlySet<string>) => Voice | undefined;

const round = (value: number) => Math.round(value * 100) / 100;

/**
 * States of the gazetteer as adjectives of nationality: "malienne" is Mali, "russes" Russia, "américains" the
 * United States. The table of states (./rules/states.ts) first; for a state it lacks, an adjective names the
 * known state whose name's first word it shares the longest beginning with: at least 4 letters, and all but the
 * last 2 of that word ("russ" of "russie", "franc" of "france", "mali" of "mali").
 */
function demonymFinder(
  actors: readonly KnownActor[],
  table: StateNames,
): (adjective: string) => ActorSpan | undefined {
  const states = actors
    .filter((actor) => actor.kind === "STATE")
    .flatMap((actor) =>
      [actor.name, ...actor.aliases].map((name) => ({
        actor,
        word: foldName(name).split(/[^\p{L}]+/u)[0] ?? "",
      })),
    )
    .filter((entry) => entry.word.length >= 4);
  return (adjective) => {
    const listed = table.demonym(adjective);
    if (listed) return { start: -1, end: -1, ref: { actor: listed.key }, kind: listed.kind };
    const folded = foldName(adjective);
    if (folded.length < 4) return undefined;
    let best: { actor: KnownActor; length: number } | undefined;
    for (const { actor, word } of states) {
      let common = 0;
      while (common < word.length && common < folded.length && word[common] === folded[common]) common += 1;
      if (common >= 4 && common >= word.length - 2 && (!best || common > best.length))
        best = { actor, length: common };
    }
    return best && { start: -1, end: -1, ref: { actor: best.actor.key }, kind: best.actor.kind };
  };
}

/**
 * The known armed force of each known state, when exactly one is: an ARMED_FORCE actor whose name or an alias
 * has that state's adjective of nationality ("forces armées maliennes") or names it after "de" ("armée du Mali").
 */
function armedForceFinder(
  actors: readonly KnownActor[],
  table: StateNames,
): (state: string) => ActorSpan | undefined {
  const forces = new Map<string, KnownActor[]>();
  const byName = new Map(
    actors
      .filter((a) => a.kind === "STATE")
      .flatMap((a) => [a.name, ...a.aliases].map((n) => [foldName(n), a])),
  );
  for (const actor of actors) {
    if (actor.kind !== "ARMED_FORCE") continue;
    const states = new Set<string>();
    for (const name of [actor.name, ...actor.aliases]) {
      const folded = foldName(name);
      for (const word of folded.split(/[^\p{L}-]+/u)) {
        const state = table.demonym(word);
        if (state) states.add(state.key);
      }
      const after = /\b(?:du|de la|de l'|des|de)\s+(.+)$/u.exec(folded)?.[1];
      const named = after && byName.get(after);
      if (named) states.add(named.key);
    }
    for (const state of states) forces.set(state, [...(forces.get(state) ?? []), actor]);
  }
  return (state) => {
    const list = forces.get(state);
    const force = list?.length === 1 ? list[0] : undefined;
    return force && { start: -1, end: -1, ref: { actor: force.key }, kind: force.kind };
  };
}

/**
 * CITATION drafts without the parse: a sentence naming both ends of a known relation and a word of its type (any
 * form of one of its trigger verbs or nouns). Skipped where the parse already cited or stated it.
 */
function gazetteerCitations(
  source: ReturnType<typeof intakeText>,
  sentences: readonly { start: number; end: number }[],
  known: readonly ActorSpan[],
  relations: readonly KnownRelation[],
  drafts: readonly ProposalDraft[],
  voiceAt: VoiceAt | undefined,
): CitationDraft[] {
  const out: CitationDraft[] = [];
  const formsByType = new Map<string, Set<string>>();
  const byKey = new Map(relations.map((relation) => [relation.key, relation]));
  /** One fact per type and pair of actors, whichever way round: "r:TYPE:a|b" with a, b sorted. */
  const factKey = (type: string, a: string, b: string) => `${type}:${[a, b].sort().join("|")}`;
  sentences.forEach((sentence, index) => {
    const firstAt = new Map<string, number>();
    for (const span of known) {
      if (span.start < sentence.start || span.end > sentence.end || !("actor" in span.ref)) continue;
      if (!firstAt.has(span.ref.actor)) firstAt.set(span.ref.actor, span.start);
    }
    const named = new Set(firstAt.keys());
    if (named.size < 2) return;
    // The facts the parse already stated in this sentence, either way round: never cited again the other way.
    const stated = new Set<string>();
    for (const d of drafts) {
      if (d.sentence !== index) continue;
      if (d.kind === "CITATION") {
        const cited = byKey.get(d.relation);
        if (cited) stated.add(factKey(cited.type, cited.from, cited.to));
      } else if (d.kind === "RELATION" && "actor" in d.from && "actor" in d.to)
        stated.add(factKey(d.type, d.from.actor, d.to.actor));
    }
    const chosen = new Map<string, CitationDraft & { order: number }>();
    const folded = foldName(source.points.slice(sentence.start, sentence.end).join(""));
    const words = new Set(folded.split(/[^\p{L}-]+/u));
    for (const relation of relations) {
      if (!named.has(relation.from) || !named.has(relation.to) || relation.from === relation.to) continue;
      const covered = drafts.some(
        (d) =>
          d.sentence === index &&
          ((d.kind === "CITATION" && d.relation === relation.key) ||
            (d.kind === "RELATION" && d.type === relation.type)),
      );
      if (covered || stated.has(factKey(relation.type, relation.from, relation.to))) continue;
      let forms = formsByType.get(relation.type);
      if (!forms) {
        forms = triggerFormsOf(relation.type);
        formsByType.set(relation.type, forms);
      }
      if (![...words].some((word) => forms.has(word))) continue;
      // "coopération militaire" names military cooperation, not cooperation in general, and the other way round.
      const military = /cooperation\s+(militaire|securitaire|technico|de defense)/u.test(folded);
      if (
        (relation.type === "COOPERATION" && military) ||
        (relation.type === "MILITARY_COOPERATION" && !military)
      )
        continue;
      // Both ways round known (A's partnership with B, B's with A): the sentence names the `from` end first.
      const order = firstAt.get(relation.from) ?? 0;
      const fact = factKey(relation.type, relation.from, relation.to);
      const held = chosen.get(fact);
      if (held && held.order <= order) continue;
      const voice = voiceAt?.(index, forms);
      chosen.set(fact, {
        order,
        id: "",
        kind: "CITATION",
        quote: quoteAt(source, sentence.start, sentence.end),
        sentence: index,
        producer: {
          stage: "GAZETTEER",
          rule: voice ? `known-relation-words:${voice.rule}` : "known-relation-words",
        },
        confidence: gazetteerCitationConfidence,
        relation: relation.key,
        speaker: voice?.speaker?.ref ?? null,
        stance: voice?.stance ?? "REPORTS",
      });
    }
    for (const { order: _order, ...draft } of chosen.values()) out.push(draft);
  });
  return out;
}

/** The drafts in text order, ids "p1", "p2", ..., relations' references to new actors renamed to match. */
function numbered(drafts: ProposalDraft[]): ProposalDraft[] {
  const ordered = drafts
    .map((draft, order) => ({ draft, order }))
    .sort(
      (a, b) =>
        a.draft.quote.start - b.draft.quote.start ||
        a.draft.quote.end - b.draft.quote.end ||
        kindOrder[a.draft.kind] - kindOrder[b.draft.kind] ||
        a.order - b.order,
    )
    .map(({ draft }) => draft);
  const ids = new Map<string, string>();
  ordered.forEach((draft, index) => {
    if (draft.kind === "ACTOR") ids.set(draft.id, `p${index + 1}`);
  });
  const rename = (ref: ProposalActorRef): ProposalActorRef =>
    "proposal" in ref ? { proposal: ids.get(ref.proposal) ?? ref.proposal } : ref;
  return ordered.map((draft, index) => {
    const id = `p${index + 1}`;
    if (draft.kind === "RELATION")
      return {
        ...draft,
        id,
        from: rename(draft.from),
        to: rename(draft.to),
        speaker: draft.speaker && rename(draft.speaker),
      };
    if (draft.kind === "CITATION") return { ...draft, id, speaker: draft.speaker && rename(draft.speaker) };
    return { ...draft, id };
  });
}
