import { randomUUID } from "node:crypto";
import type { ManagedTransaction } from "neo4j-driver";
import type { Caller } from "../auth.js";
import type { Database } from "../db/database.js";
import type { StoredActor } from "../db/mentions.js";
import {
  actorsNamedLike,
  actorsOfKind,
  createProposals,
  type ProposalRow,
  relationsAmongMentioned,
  supersedePending,
} from "../db/proposals.js";
import { sourceTexts } from "../db/queries/sources.js";
import { suggestSources } from "../db/suggest.js";
import { luceneEscape, nameForm } from "../domain/analysis.js";
import { DomainError, limitExceeded, notFound } from "../domain/errors.js";
import type { Vocabulary } from "../domain/model.js";
import type { KnownActor, ProposalDraft, ProposalKind } from "../domain/proposal.js";
import { actorsKeyedIn, everyActor } from "../ingest/mentions.js";
import {
  applyBatch,
  type Batch,
  guardedWrite,
  type Idempotent,
  inputPath,
  storedAnswer,
} from "../ingest/service.js";
import type { NlpService } from "../nlp/service.js";
import { proposeFromText } from "./propose.js";

/**
 * Article intake (issue 31, docs/decisions/033-proposals.md): a stored source's text is annotated by the French
 * NLP process, the gazetteer (every actor's names, aliases and kind) and the relations among the actors the text
 * names are read, and intake's rules (./propose.ts) make their drafts, all outside any transaction (NLP takes
 * seconds); then, in one transaction under the graph's write lock, the source's older PENDING proposals are
 * superseded and the new ones stored, so two intakes of one source run one after the other. Proposals may go
 * stale as the graph changes: an acceptance checks everything again under the lock, and a new intake
 * supersedes them.
 */

/** A database read as the store's transaction functions take it. */
type Reader = Pick<ManagedTransaction, "run">;

/** Most relations among the actors a text names that the rules compare a proposed relation with. */
export const knownRelationsPerIntake = 2_000;
/** Most proposals one intake stores: a longer text should be taken in parts. */
export const proposalsPerIntake = 2_000;

/** Whether a stage of NLP ran for an intake, and why not when it did not. */
export interface StageRun {
  ran: boolean;
  reason: string | null;
}

/** The answer of an intake. */
export interface IntakeResult {
  changeId: string;
  /** The intake's id, shared by its proposals. */
  intake: string;
  source: string;
  /** The keys of the proposals stored, in key order. */
  proposals: string[];
  /** How many of them per kind. */
  counts: Record<ProposalKind, number>;
  /** How many PENDING proposals of earlier intakes of the source it superseded. */
  superseded: number;
  recogniser: StageRun;
  parse: StageRun;
  /** How many known actors the gazetteer read: those the text may name, not the whole graph. */
  actorsRead: number;
}

/** Intake's name in the history (a Change's operation). */
const intakeOperation = "intake";

/** A stored proposal's key: its intake and its draft's number, zero-padded so that key order is draft order. */
const proposalKey = (intake: string, n: number) => `prop-${intake}-${String(n).padStart(4, "0")}`;

/**
 * Rows of an intake's drafts: each draft gets its key; an end or speaker that is an ACTOR draft is stored as that
 * draft's proposal key.
 * @throws Error for a reference to a draft id the intake does not hold (a defect of the rules).
 */
export function proposalRows(
  source: string,
  intake: string,
  drafts: readonly ProposalDraft[],
): ProposalRow[] {
  const keys = new Map(drafts.map((draft, i) => [draft.id, proposalKey(intake, i + 1)]));
  const ref = (which: string, r: { actor: string } | { proposal: string } | null) => {
    if (r === null) return { [`${which}Actor`]: null, [`${which}Proposal`]: null };
    if ("actor" in r) return { [`${which}Actor`]: r.actor, [`${which}Proposal`]: null };
    const key = keys.get(r.proposal);
    if (key === undefined)
      throw new Error(`intake's rules referred to draft "${r.proposal}", which they did not make`);
    return { [`${which}Actor`]: null, [`${which}Proposal`]: key };
  };
  return drafts.map((draft, i) => {
    const row = {
      key: proposalKey(intake, i + 1),
      sourceKey: source,
      intake,
      draftId: draft.id,
      kind: draft.kind,
      confidence: draft.confidence,
      sentence: draft.sentence,
      stage: draft.producer.stage,
      rule: draft.producer.rule,
      quoteStart: draft.quote.start,
      quoteEnd: draft.quote.end,
      quoteText: draft.quote.text,
      quoteBefore: draft.quote.before,
      quoteAfter: draft.quote.after,
      name: null,
      actorKind: null,
      sameAs: [],
      actor: null,
      alias: null,
      relationType: null,
      fromActor: null,
      fromProposal: null,
      toActor: null,
      toProposal: null,
      at: null,
      start: null,
      end: null,
      relation: null,
      speakerActor: null,
      speakerProposal: null,
      stance: null,
    };
    switch (draft.kind) {
      case "ACTOR":
        return { ...row, name: draft.name, actorKind: draft.actorKind, sameAs: draft.sameAs };
      case "ALIAS":
        return { ...row, actor: draft.actor, alias: draft.alias };
      case "RELATION":
        return {
          ...row,
          relationType: draft.type,
          ...ref("from", draft.from),
          ...ref("to", draft.to),
          ...ref("speaker", draft.speaker),
          stance: draft.stance,
          at: draft.at,
          start: draft.start,
          end: draft.end,
        };
      default:
        return { ...row, relation: draft.relation, ...ref("speaker", draft.speaker), stance: draft.stance };
    }
  });
}

/** Most actors of kind STATE intake reads (the world has about 200 states). */
export const statesPerIntake = 5_000;
/** Words of the recogniser's names per query of near matches: a fuzzy word expands to at most 50 terms. */
const wordsPerNearQuery = 16;
/** Most actors one query of near matches answers, best first. */
const actorsPerNearQuery = 200;

/**
 * The gazetteer for one text: only the actors the text may name, not every actor (decision 028's mention keys),
 * the same proposals as over every actor but for the limits below:
 * - the actors with a mention key among the text's words: every actor named in it, exactly or with other case
 *   and accents (src/ingest/mentions.ts actorsKeyedIn; every actor when the words are too many for keys);
 * - every known state (at most `statesPerIntake`): a state is also named by its capital and its adjective of
 *   nationality ("à Moscou", "les forces maliennes"), which are not its names;
 * - the near matches of the recogniser's new names (an alias "Lavrov" of "Sergueï Lavrov", a "same as?"): the
 *   actors with a word of their names equal to one of the name's words of 3 letters or more, or within 2 edits of
 *   one of 5 letters or more (1 for 4 letters), the best `actorsPerNearQuery` per query of `wordsPerNearQuery`
 *   words. A variant that splits or joins words ("AlQaida") is not offered.
 * Sorted by key, so that equal matches come in a stable order. `actorsRead` counts them.
 * @throws LIMIT_EXCEEDED when the text's words name more than 250,000 actors, or the graph holds more than
 *   `statesPerIntake` states.
 */
async function gazetteerOf(
  read: Reader,
  text: string,
  names: readonly string[],
): Promise<{ actors: KnownActor[]; actorsRead: number }> {
  const found = new Map<string, StoredActor>();
  const add = (actors: readonly StoredActor[]) => {
    for (const actor of actors) found.set(actor.id, actor);
  };
  add((await actorsKeyedIn(read, [text])) ?? (await everyActor(read, 1)));
  const states = await actorsOfKind(read, "STATE", statesPerIntake + 1);
  if (states.length > statesPerIntake) {
    throw limitExceeded(
      `The graph holds more than ${statesPerIntake} actors of kind STATE: intake reads every state (a capital or ` +
        "an adjective of nationality names one); nothing was written",
      { maxStates: statesPerIntake },
    );
  }
  add(states);
  const terms = new Set<string>();
  for (const name of names) {
    const words = nameForm(name).split(" ").filter(Boolean);
    const long = words.filter((word) => [...word].length >= 3);
    for (const word of long.length > 0 ? long : words) {
      const length = [...word].length;
      terms.add(`${luceneEscape(word)}${length >= 5 ? "~2" : length === 4 ? "~1" : ""}`);
    }
  }
  const queries = [...terms];
  for (let first = 0; first < queries.length; first += wordsPerNearQuery) {
    add(
      await actorsNamedLike(
        read,
        queries.slice(first, first + wordsPerNearQuery).join(" "),
        actorsPerNearQuery,
      ),
    );
  }
  const actors = [...found.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((a) => ({ key: a.id, name: a.name, kind: a.kind, aliases: [...(a.aliases ?? [])] }));
  return { actors, actorsRead: actors.length };
}

const stageRun = (nlp: { ran: true } | { ran: false; reason: string }): StageRun =>
  nlp.ran ? { ran: true, reason: null } : { ran: false, reason: nlp.reason };

/**
 * Proposes what a stored source's text states, and stores the proposals (see the module). `nlp` null is NLP
 * turned off. Idempotent with `clientKey`: a retry answers the first intake's answer from the history, without NLP. Recorded in the history as "intake", under the source.
 * @throws NOT_FOUND for an unknown source (argument `input.source`); BAD_USER_INPUT when the rules make more
 *   than `proposalsPerIntake` proposals (take the text in parts).
 */
export async function intakeSource(
  db: Database,
  nlp: NlpService | null,
  vocabulary: Vocabulary,
  writer: Caller,
  request: { source: string },
  clientKey?: string | null,
  signal?: AbortSignal,
): Promise<Idempotent<IntakeResult>> {
  // A retry answers from the history at once: no NLP, no reads of the graph.
  const replay = await storedAnswer<IntakeResult>(db, intakeOperation, clientKey, request);
  if (replay) return replay;
  const [stored] = await sourceTexts(db, [request.source]);
  if (!stored) {
    throw notFound("source", request.source, {
      argument: "input.source",
      suggestions: await suggestSources((c, p) => db.read(c, p), request.source),
    });
  }
  const annotated = nlp
    ? await nlp.annotate(stored.text, signal)
    : ({ ran: false, reason: "no NLP service is configured here" } as const);
  // The rules run outside the write's transaction (the lexicon loads on first use, a long text takes a while), on
  // the graph as committed now; an acceptance checks everything again under the lock.
  const read = { run: (cypher: string, params: Record<string, unknown>) => db.read(cypher, params) };
  const { actors, actorsRead } = await gazetteerOf(
    read as unknown as Reader,
    stored.text,
    annotated.ran ? annotated.annotation.entities.map((entity) => entity.text) : [],
  );
  const relations = await relationsAmongMentioned(
    read as unknown as Reader,
    stored.key,
    knownRelationsPerIntake,
  );
  const drafts = proposeFromText({
    text: stored.text,
    annotation: annotated.ran ? annotated.annotation : null,
    actors,
    relations,
    vocabulary,
  });
  if (drafts.length > proposalsPerIntake) {
    throw new DomainError(
      "BAD_USER_INPUT",
      `The text of source "${stored.key}" gives ${drafts.length} proposals, more than ${proposalsPerIntake} ` +
        "for one intake: store it as several sources, a few pages each",
      { where: "input.source", rule: "PROPOSALS_PER_INTAKE", limit: proposalsPerIntake },
    );
  }
  return guardedWrite(db, writer, intakeOperation, clientKey, request, async (tx, log) => {
    const intake = randomUUID().slice(0, 8);
    const superseded = await supersedePending(tx, stored.key, intake);
    const rows = proposalRows(stored.key, intake, drafts);
    await createProposals(tx, rows);
    const counts: Record<ProposalKind, number> = { ACTOR: 0, ALIAS: 0, RELATION: 0, CITATION: 0 };
    for (const draft of drafts) counts[draft.kind] += 1;
    const changeId = randomUUID();
    const result: IntakeResult = {
      changeId,
      intake,
      source: stored.key,
      proposals: rows.map((r) => r.key),
      counts,
      superseded,
      recogniser: stageRun(annotated),
      parse: stageRun(annotated),
      actorsRead,
    };
    await log.record(tx, {
      id: changeId,
      targets: [stored.key],
      sources: [stored.key],
      details: { result },
    });
    return result;
  });
}

/** A new text and its metadata, as addSource takes them. */
export type IntakeText = Batch["sources"][number];

/**
 * Stores a new text as a source, through the same path as addSource (its key derived from the text unless
 * given: the same text is stored once), then takes it in (intakeSource). `clientKey` makes the intake
 * idempotent; storing the text is idempotent by itself.
 * @throws ValidationError (BAD_USER_INPUT) for a source the grammar refuses, at its `input.` path; as
 *   intakeSource.
 */
export async function intakeText(
  db: Database,
  nlp: NlpService | null,
  vocabulary: Vocabulary,
  writer: Caller,
  source: IntakeText,
  clientKey?: string | null,
  signal?: AbortSignal,
): Promise<Idempotent<IntakeResult> & { created: boolean }> {
  const { result } = await applyBatch(
    db,
    vocabulary,
    writer,
    { sources: [source], actors: [], relations: [] },
    { operation: "addSource", locate: (_section, _index, at) => inputPath(at) },
  );
  const [added] = result.sources;
  if (!added) throw new Error("addSource stored no source");
  const intake = await intakeSource(db, nlp, vocabulary, writer, { source: added.key }, clientKey, signal);
  return { ...intake, created: added.created };
}
