/**
 * What article intake proposes from a new text (issue 31): new actors, aliases, relations, and citations for
 * relations the graph already has, each with its verbatim quote, what produced it, a confidence, and for
 * relations and citations the speaker and the stance. Intake's rules (src/intake/) make these drafts from the
 * text and the French NLP annotation; the database layer stores them as proposals beside their source, and the
 * review API accepts (with edits) or rejects them. Offsets are code points of the source's text.
 */

/** What a proposal would add to the graph. */
export type ProposalKind = "ACTOR" | "ALIAS" | "RELATION" | "CITATION";

/** Where a proposal is in its review. SUPERSEDED: replaced by a later intake of the same source. */
export type ProposalStatus = "PENDING" | "ACCEPTED" | "REJECTED" | "SUPERSEDED";

/**
 * Which step of intake made a proposal. GAZETTEER: the names the graph knows; RECOGNISER: CoreNLP's entity
 * recogniser; PARSE: rules over the dependency parse.
 */
export type ProposalStage = "GAZETTEER" | "RECOGNISER" | "PARSE";

/** How many code points of context a proposal keeps on each side of its quote, to find it again. */
export const quoteContextPoints = 40;

/**
 * The verbatim text a proposal rests on: `text` is the source's text at code points [start, end); `before` and
 * `after` are up to `quoteContextPoints` code points around it.
 */
export interface ProposalQuote {
  start: number;
  end: number;
  text: string;
  before: string;
  after: string;
}

/** The producer of a proposal: its stage and the rule within it (a stable name, e.g. "verb-subject-object"). */
export interface ProposalProducer {
  stage: ProposalStage;
  rule: string;
}

/**
 * One end (or the speaker) of a proposed relation or citation: an actor the graph knows, by key, or an actor
 * proposed in the same intake, by the `id` of its ACTOR draft.
 */
export type ProposalActorRef = { actor: string } | { proposal: string };

interface DraftBase {
  /** Unique among the drafts of one intake; ends and speakers refer to ACTOR drafts by it. */
  id: string;
  kind: ProposalKind;
  quote: ProposalQuote;
  /** Index of the sentence the quote is in (the NLP's sentences, or the gazetteer's own split without NLP). */
  sentence: number;
  producer: ProposalProducer;
  /** 0 to 1: how likely the proposal is right, as its producer estimates it. */
  confidence: number;
}

/** A name the graph does not know: a new actor, its kind a guess; `sameAs`: keys of known actors it may be. */
export interface ActorDraft extends DraftBase {
  kind: "ACTOR";
  name: string;
  /** One of the vocabulary's actor kinds; always a guess for the analyst to confirm. */
  actorKind: string;
  sameAs: string[];
}

/** A known actor named in the text under a name or description it does not have yet. */
export interface AliasDraft extends DraftBase {
  kind: "ALIAS";
  actor: string;
  alias: string;
}

/** What a relation or citation draft says of who speaks: null is the article's own voice. */
interface SpokenDraft {
  speaker: ProposalActorRef | null;
  /** One of the vocabulary's stances: ASSERTS, REPORTS, ACCUSES, DENIES. */
  stance: string;
}

/** A relation of the vocabulary the sentence states between two actors. Dates are partial dates or null. */
export interface RelationDraft extends DraftBase, SpokenDraft {
  kind: "RELATION";
  type: string;
  from: ProposalActorRef;
  to: ProposalActorRef;
  at: string | null;
  start: string | null;
  end: string | null;
}

/** The sentence states (or denies) a relation the graph already has, by key: a citation for it, never a copy. */
export interface CitationDraft extends DraftBase, SpokenDraft {
  kind: "CITATION";
  relation: string;
}

export type ProposalDraft = ActorDraft | AliasDraft | RelationDraft | CitationDraft;

/** An actor as intake's gazetteer knows it. */
export interface KnownActor {
  key: string;
  name: string;
  kind: string;
  aliases: readonly string[];
}

/** A relation the graph has, as intake compares a proposed relation with it. Dates are partial dates. */
export interface KnownRelation {
  key: string;
  type: string;
  from: string;
  to: string;
  role: string | null;
  at: string | null;
  start: string | null;
  end: string | null;
}
