import { type Mention, mentionFinder } from "../domain/mentions.js";
import type { Vocabulary } from "../domain/model.js";
import type {
  ActorDraft,
  KnownActor,
  KnownRelation,
  ProposalActorRef,
  ProposalDraft,
} from "../domain/proposal.js";
import { codePoints, foldName } from "../domain/text.js";
import type { NlpAnnotation } from "../nlp/annotation.js";
import type { EvaluationSet, GoldArticle, GoldSpan } from "./gold.js";
import { proposeFromText } from "./propose.js";

/**
 * Intake's evaluation (issue 31, docs/decisions/035-intake-evaluation.md): each article of a set taken as new,
 * the graph holding only what the other articles state, proposals measured against hand-labelled mentions
 * (eval/intake/mentions.yaml) and the relations file's citations. Offsets are code points.
 */

/** What the graph holds when one article is new: what the other articles state. */
export interface HeldOut {
  actors: KnownActor[];
  relations: KnownRelation[];
}

/**
 * The graph as it stands before `article` arrives: the relations the other articles cite; the actors that are
 * their ends or the speakers of those citations, or that the other articles name (gold spans); each actor with
 * its name and only those of its aliases the other articles write (folded), since no other name form is stated.
 */
export function graphWithout(set: EvaluationSet, article: string): HeldOut {
  const others = new Set(set.articles.filter((a) => a.source !== article).map((a) => a.source));
  const relations = set.relations.filter((r) => r.citations.some((c) => others.has(c.source)));
  const keys = new Set<string>();
  const written = new Map<string, Set<string>>();
  for (const relation of relations) {
    keys.add(relation.from).add(relation.to);
    for (const c of relation.citations) if (others.has(c.source) && c.speaker) keys.add(c.speaker);
  }
  for (const other of set.articles) {
    if (!others.has(other.source)) continue;
    for (const span of other.spans) {
      if (span.actor === undefined) continue;
      keys.add(span.actor);
      const names = written.get(span.actor) ?? new Set<string>();
      written.set(span.actor, names.add(foldName(span.text)));
    }
  }
  return {
    actors: set.actors
      .filter((a) => keys.has(a.id))
      .map((a) => ({
        key: a.id,
        name: a.name,
        kind: a.kind,
        aliases: a.aliases.filter((alias) => written.get(a.id)?.has(foldName(alias))),
      })),
    relations: relations.map((r) => ({
      key: r.id,
      type: r.type,
      from: r.from,
      to: r.to,
      role: r.role,
      at: r.at,
      start: r.start,
      end: r.end,
    })),
  };
}

/** The three configurations measured: what intake runs. */
export const configurations = [
  { name: "gazetteer", label: "gazetteer only", stages: null },
  { name: "recogniser", label: "+ entity recognition", stages: { recogniser: true, parse: false } },
  { name: "parse", label: "+ parse rules", stages: { recogniser: true, parse: true } },
] as const;
export type ConfigurationName = (typeof configurations)[number]["name"];

/**
 * Proposals against gold items: `truePositives` proposals were right (precision's numerator), `found` gold items
 * were found (recall's): they differ where two proposals may rest on one gold item.
 */
export interface Score {
  truePositives: number;
  found: number;
  proposed: number;
  expected: number;
}
/** Among the proposals it applies to, how many were right. */
export interface Accuracy {
  right: number;
  of: number;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
/** Precision of a score, or null when nothing was proposed. */
export const precision = (s: Score) => ratio(s.truePositives, s.proposed);
/** Recall of a score, or null when nothing was expected. */
export const recall = (s: Score) => ratio(s.found, s.expected);

/** What one configuration gave on one article, and against what. */
export interface ArticleResult {
  source: string;
  configuration: ConfigurationName;
  /**
   * The gazetteer's mentions (src/domain/mentions.ts) against the gold spans of known actors; `spurious` and
   * `missed` name the mentions that are not gold and the gold spans not found ("text → actor").
   */
  knownMentions: Score & { spurious: string[]; missed: string[] };
  /** The same, counting ALIAS drafts as mentions of their actor too. */
  knownMentionsWithAliases: Score & { spurious: string[]; missed: string[] };
  /** ACTOR drafts' quotes against the gold proper-name spans of actors the graph does not know. */
  newEntities: Score & { exact: number };
  /** RELATION and CITATION drafts against the relations this article cites (found: relations matched). */
  relations: Score;
  speaker: Accuracy;
  stance: Accuracy;
  /** Gold relations no draft matched, with their type. */
  missed: { relation: string; type: string }[];
  /** Drafts that matched nothing (or a citation another draft already took), by producer rule. */
  falsePositives: {
    rule: string;
    kind: string;
    type: string | null;
    relation: string | null;
    quote: string;
  }[];
  /** Drafts that matched: their gold relation, and the speaker and stance they gave against the gold's. */
  matched: {
    relation: string;
    rule: string;
    speaker: { proposed: string | null; gold: string | null };
    stance: { proposed: string; gold: string };
  }[];
  /** New-entity drafts that matched no gold span, by their text: what the recogniser proposes wrongly. */
  spuriousEntities: string[];
  /** Matched RELATION drafts whose relation the graph already had: should have been CITATION drafts. */
  relationsForKnown: number;
  /**
   * Each producer's drafts ("STAGE/rule", as proposals store them) and how many were right: an ACTOR draft that
   * took a new entity's gold span, an ALIAS draft at a known actor's gold span, a RELATION or CITATION draft that
   * matched a gold citation. What the review page shows beside a producer's proposals.
   */
  producers: ProducerScore[];
  /** Milliseconds the rules took (proposeFromText and the gazetteer's mentions). */
  rulesMs: number;
}

/** A producer's drafts and how many of them were right. */
export interface ProducerScore {
  /** "STAGE/rule", as `Proposal.stage` and `Proposal.rule` name it. */
  producer: string;
  kind: ProposalDraft["kind"];
  proposed: number;
  correct: number;
}

/** "STAGE/rule" of a draft. */
const producerOf = (draft: ProposalDraft) => `${draft.producer.stage}/${draft.producer.rule}`;

/** Sums producer scores by producer and kind, in producer order. */
export function byProducer(scores: readonly ProducerScore[]): ProducerScore[] {
  const sums = new Map<string, ProducerScore>();
  for (const { producer, kind, proposed, correct } of scores) {
    const id = `${producer} ${kind}`;
    const sum = sums.get(id) ?? { producer, kind, proposed: 0, correct: 0 };
    sum.proposed += proposed;
    sum.correct += correct;
    sums.set(id, sum);
  }
  return [...sums.values()].sort((a, b) =>
    a.producer === b.producer ? a.kind.localeCompare(b.kind) : a.producer.localeCompare(b.producer),
  );
}

type Span = { start: number; end: number };
const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;
const within = (inner: Span, outer: Span) => outer.start <= inner.start && inner.end <= outer.end;

/**
 * Where a gold span's head is: its last word that begins with an upper-case letter (a name's head, "Lavrov" of
 * "Sergei Lavrov", "Commission" of the commission's long name), else its last word. Code points of the article.
 */
function nameHead(span: GoldSpan): Span {
  const words = [...span.text.matchAll(/[\p{L}\p{N}]+/gu)];
  const head = words.filter((w) => /^\p{Lu}/u.test(w[0])).at(-1) ?? words.at(-1);
  if (!head || head.index === undefined) return span;
  const start = span.start + codePoints(span.text.slice(0, head.index)).length;
  return { start, end: start + codePoints(head[0]).length };
}

/** Counts mentions against gold spans (the same offsets and the same actor), naming those that differ. */
function scoreMentions(
  text: string,
  found: readonly Mention[],
  gold: readonly GoldSpan[],
): Score & { spurious: string[]; missed: string[] } {
  const key = (start: number, end: number, actor: string | undefined) => `${start}:${end}:${actor}`;
  const wanted = new Set(gold.map((s) => key(s.start, s.end, s.actor)));
  const proposed = new Set(found.map((m) => key(m.start, m.end, m.actorId)));
  const hits = [...proposed].filter((k) => wanted.has(k)).length;
  const points = codePoints(text);
  return {
    truePositives: hits,
    found: hits,
    proposed: found.length,
    expected: gold.length,
    spurious: found
      .filter((m) => !wanted.has(key(m.start, m.end, m.actorId)))
      .map((m) => `${points.slice(m.start, m.end).join("")} → ${m.actorId}`),
    missed: gold
      .filter((s) => !proposed.has(key(s.start, s.end, s.actor)))
      .map((s) => `${s.text} → ${s.actor}`),
  };
}

/** Measures one configuration's drafts for one article. */
export function scoreArticle(input: {
  set: EvaluationSet;
  article: GoldArticle;
  graph: HeldOut;
  configuration: ConfigurationName;
  drafts: readonly ProposalDraft[];
  mentions: readonly Mention[];
  vocabulary: Vocabulary;
  rulesMs: number;
}): ArticleResult {
  const { set, article, graph, drafts, vocabulary } = input;
  const known = new Set(graph.actors.map((a) => a.key));
  const knownGold = article.spans.filter((s) => s.actor !== undefined && known.has(s.actor));
  const aliasMentions = drafts.flatMap((d) =>
    d.kind === "ALIAS" ? [{ actorId: d.actor, start: d.quote.start, end: d.quote.end }] : [],
  );

  // New entities: one-to-one, each gold span taken by the first draft that overlaps it and holds its head.
  const newGold = article.spans.filter(
    (s) => s.form === undefined && (s.new === true || (s.actor !== undefined && !known.has(s.actor))),
  );
  const actorDrafts = drafts.filter((d): d is ActorDraft => d.kind === "ACTOR");
  const taken = new Set<GoldSpan>();
  let exact = 0;
  const spuriousEntities: string[] = [];
  const judged: { draft: ProposalDraft; right: boolean }[] = [];
  const knownAt = new Set(knownGold.map((s) => `${s.start}:${s.end}:${s.actor}`));
  for (const draft of drafts)
    if (draft.kind === "ALIAS")
      judged.push({ draft, right: knownAt.has(`${draft.quote.start}:${draft.quote.end}:${draft.actor}`) });
  for (const draft of actorDrafts) {
    const span = newGold.find(
      (g) => !taken.has(g) && overlaps(g, draft.quote) && within(nameHead(g), draft.quote),
    );
    judged.push({ draft, right: span !== undefined });
    if (!span) {
      spuriousEntities.push(draft.quote.text);
      continue;
    }
    taken.add(span);
    if (span.start === draft.quote.start && span.end === draft.quote.end) exact += 1;
  }

  // Relations: a draft takes one gold citation of this article (same type, same ends, overlapping quotes).
  const byName = new Map<string, string>();
  for (const actor of set.actors)
    for (const name of [actor.name, ...actor.aliases]) byName.set(foldName(name), actor.id);
  const proposedActors = new Map(actorDrafts.map((d) => [d.id, d]));
  const actorOf = (ref: ProposalActorRef | null): string | null => {
    if (ref === null) return null;
    if ("actor" in ref) return ref.actor;
    const draft = proposedActors.get(ref.proposal);
    return draft ? (byName.get(foldName(draft.name)) ?? `proposed:${draft.name}`) : null;
  };
  const symmetric = new Set(vocabulary.relationTypes.filter((t) => t.symmetric).map((t) => t.name));
  const knownRelations = new Set(graph.relations.map((r) => r.key));
  const goldRelations = set.relations
    .map((relation) => ({
      relation,
      citations: relation.citations.filter((c) => c.source === article.source),
    }))
    .filter((g) => g.citations.length > 0);
  const takenCitations = new Set<object>();
  const matchedRelations = new Set<string>();
  const speaker: Accuracy = { right: 0, of: 0 };
  const stance: Accuracy = { right: 0, of: 0 };
  const falsePositives: ArticleResult["falsePositives"] = [];
  const matched: ArticleResult["matched"] = [];
  let truePositives = 0;
  let relationsForKnown = 0;
  const relationDrafts = drafts.filter((d) => d.kind === "RELATION" || d.kind === "CITATION");
  for (const draft of [...relationDrafts].sort((a, b) => b.confidence - a.confidence)) {
    const candidates = goldRelations.filter(({ relation }) => {
      if (draft.kind === "CITATION") return draft.relation === relation.id;
      if (draft.type !== relation.type) return false;
      const [from, to] = [actorOf(draft.from), actorOf(draft.to)];
      return (
        (from === relation.from && to === relation.to) ||
        (symmetric.has(relation.type) && from === relation.to && to === relation.from)
      );
    });
    const match = candidates
      .flatMap(({ relation, citations }) => citations.map((citation) => ({ relation, citation })))
      .find(({ citation }) => !takenCitations.has(citation) && overlaps(citation, draft.quote));
    judged.push({ draft, right: match !== undefined });
    if (!match) {
      falsePositives.push({
        rule: producerOf(draft),
        kind: draft.kind,
        type: draft.kind === "RELATION" ? draft.type : null,
        relation: draft.kind === "CITATION" ? draft.relation : null,
        quote: draft.quote.text,
      });
      continue;
    }
    takenCitations.add(match.citation);
    matched.push({
      relation: match.relation.id,
      rule: producerOf(draft),
      speaker: { proposed: actorOf(draft.speaker), gold: match.citation.speaker },
      stance: { proposed: draft.stance, gold: match.citation.stance },
    });
    matchedRelations.add(match.relation.id);
    truePositives += 1;
    if (draft.kind === "RELATION" && knownRelations.has(match.relation.id)) relationsForKnown += 1;
    if (match.citation.speaker !== null) {
      speaker.of += 1;
      if (actorOf(draft.speaker) === match.citation.speaker) speaker.right += 1;
    }
    stance.of += 1;
    if (draft.stance === match.citation.stance) stance.right += 1;
  }

  return {
    source: article.source,
    configuration: input.configuration,
    knownMentions: scoreMentions(article.text, input.mentions, knownGold),
    knownMentionsWithAliases: scoreMentions(article.text, [...input.mentions, ...aliasMentions], knownGold),
    newEntities: {
      truePositives: taken.size,
      found: taken.size,
      proposed: actorDrafts.length,
      expected: newGold.length,
      exact,
    },
    relations: {
      truePositives,
      found: matchedRelations.size,
      proposed: relationDrafts.length,
      expected: goldRelations.length,
    },
    speaker,
    stance,
    missed: goldRelations
      .filter(({ relation }) => !matchedRelations.has(relation.id))
      .map(({ relation }) => ({ relation: relation.id, type: relation.type })),
    falsePositives,
    matched,
    spuriousEntities,
    relationsForKnown,
    producers: byProducer(
      judged.map(({ draft, right }) => ({
        producer: producerOf(draft),
        kind: draft.kind,
        proposed: 1,
        correct: right ? 1 : 0,
      })),
    ),
    rulesMs: input.rulesMs,
  };
}

/**
 * Runs intake's rules on one article in one configuration, as intake runs them (the gazetteer over the known
 * actors, then proposeFromText), and measures the result. `annotation` is ignored for the gazetteer-only run.
 */
export function evaluateArticle(input: {
  set: EvaluationSet;
  article: GoldArticle;
  configuration: (typeof configurations)[number];
  annotation: NlpAnnotation | null;
  vocabulary: Vocabulary;
}): ArticleResult {
  const { set, article, configuration, vocabulary } = input;
  const graph = graphWithout(set, article.source);
  const started = performance.now();
  const mentions = mentionFinder(
    graph.actors.map((a) => ({ id: a.key, name: a.name, aliases: a.aliases })),
  ).find(article.text);
  const drafts = proposeFromText({
    text: article.text,
    annotation: configuration.stages ? input.annotation : null,
    actors: graph.actors,
    relations: graph.relations,
    vocabulary,
    ...(configuration.stages ? { stages: configuration.stages } : {}),
  });
  const rulesMs = performance.now() - started;
  return scoreArticle({
    set,
    article,
    graph,
    configuration: configuration.name,
    drafts,
    mentions,
    vocabulary,
    rulesMs,
  });
}

/** Sums of the articles' scores, and the micro-averaged figures. */
export function totals(results: readonly ArticleResult[]) {
  const sum = <K extends "knownMentions" | "knownMentionsWithAliases" | "newEntities" | "relations">(
    key: K,
  ) =>
    results.reduce(
      (total, r) => ({
        truePositives: total.truePositives + r[key].truePositives,
        proposed: total.proposed + r[key].proposed,
        expected: total.expected + r[key].expected,
        found: total.found + r[key].found,
      }),
      { truePositives: 0, proposed: 0, expected: 0, found: 0 },
    );
  const accuracy = (key: "speaker" | "stance") =>
    results.reduce((t, r) => ({ right: t.right + r[key].right, of: t.of + r[key].of }), { right: 0, of: 0 });
  return {
    knownMentions: sum("knownMentions"),
    knownMentionsWithAliases: sum("knownMentionsWithAliases"),
    newEntities: sum("newEntities"),
    relations: sum("relations"),
    speaker: accuracy("speaker"),
    stance: accuracy("stance"),
  };
}

/** Findings over a configuration's articles: gold relations never proposed, by type; false positives, by rule. */
export function misses(results: readonly ArticleResult[]) {
  const count = (keys: string[]) =>
    Object.entries(
      keys.reduce<Record<string, number>>((counts, key) => {
        counts[key] = (counts[key] ?? 0) + 1;
        return counts;
      }, {}),
    ).sort(([, a], [, b]) => b - a);
  return {
    mentionsSpurious: count(results.flatMap((r) => r.knownMentions.spurious)),
    mentionsMissed: count(results.flatMap((r) => r.knownMentions.missed)),
    missedByType: count(results.flatMap((r) => r.missed.map((m) => m.type))),
    falsePositivesByRule: count(results.flatMap((r) => r.falsePositives.map((f) => f.rule))),
    spuriousEntities: count(results.flatMap((r) => r.spuriousEntities)),
  };
}
