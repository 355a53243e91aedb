import { requireRole } from "../../auth.js";
import type { LoggedChange } from "../../db/change-log.js";
import { type ProposalRecord, proposalsByKey, proposalsPage } from "../../db/proposals.js";
import { notFound } from "../../domain/errors.js";
import { vocabulary } from "../../domain/vocabulary.js";
import { type MeasuredPrecision, measuredPrecisionOf } from "../../intake/measured.js";
import {
  type AcceptEdits,
  type AcceptResult,
  acceptProposal,
  acceptProposals,
  type DecisionResult,
  proposalsPerDecision,
  rejectProposals,
  reopenProposal,
} from "../../intake/review.js";
import {
  type IntakeResult,
  intakeSource,
  intakeText,
  proposalsPerIntake,
  type StageRun,
} from "../../intake/service.js";
import { connectionComplexity } from "../bounds.js";
import { builder } from "../builder.js";
import type { GraphQLContext } from "../context.js";
import { changeCursor, delivered, openFeed } from "../live.js";
import { forgetWritten } from "../loaders.js";
import { byKey, keysetConnection } from "../pagination.js";
import { ActorRef, RelationRef, SourceRef } from "../refs.js";
import { ChangeRef } from "./change.js";
import { clientKeyDescription } from "./mutation.js";
import { ActorKindEnum, StanceEnum } from "./vocabulary.js";

/**
 * Article intake's API (issue 31, docs/decisions/033-proposals.md): the proposals an intake stored beside a
 * source, listed and paged; the mutations that take in a source or a new text, and those that review proposals.
 * Thin resolvers over src/intake/.
 */

const ProposalKindEnum = builder.enumType("ProposalKind", {
  description: "What a proposal would add to the graph.",
  values: {
    ACTOR: { description: "A new actor, for a name the graph does not know." },
    ALIAS: { description: "A new name of a known actor." },
    RELATION: { description: "A relation between two actors, known or proposed." },
    CITATION: { description: "A citation for a relation the graph has (corroboration or denial)." },
  } as const,
});

const ProposalStatusEnum = builder.enumType("ProposalStatus", {
  description: "Where a proposal is in its review.",
  values: {
    PENDING: { description: "Not decided yet." },
    ACCEPTED: { description: "Written to the graph (or linked to the actor it is)." },
    REJECTED: { description: "Rejected, with a reason; nothing written." },
    SUPERSEDED: { description: "Replaced by a later intake of the same source while pending." },
  } as const,
});

const ProposalStageEnum = builder.enumType("ProposalStage", {
  description: "Which step of intake made a proposal.",
  values: {
    GAZETTEER: { description: "The names the graph knows." },
    RECOGNISER: { description: "CoreNLP's French entity recogniser." },
    PARSE: { description: "Rules over CoreNLP's dependency parse." },
  } as const,
});

const ProposalRef = builder.loadableNodeRef("Proposal", {
  id: { resolve: (p: ProposalRecord) => p.key },
  load: (keys: string[], { db }: GraphQLContext) => proposalsByKey((c, p) => db.read(c, p), keys),
  sort: (p: ProposalRecord) => p.key,
  cacheResolved: (p: ProposalRecord) => p.key,
});

const ProposalQuoteRef = builder.objectRef<ProposalRecord>("ProposalQuote").implement({
  description: "The verbatim text a proposal rests on, with some text around it to find it again.",
  fields: (t) => ({
    start: t.int({ description: "Code-point offset in the source's text.", resolve: (p) => p.quoteStart }),
    end: t.int({ description: "Code-point offset just past the quote.", resolve: (p) => p.quoteEnd }),
    text: t.string({ description: "The source's exact text at [start, end).", resolve: (p) => p.quoteText }),
    before: t.string({ description: "Up to 40 code points before it.", resolve: (p) => p.quoteBefore }),
    after: t.string({ description: "Up to 40 code points after it.", resolve: (p) => p.quoteAfter }),
  }),
});

const MeasuredPrecisionRef = builder.objectRef<MeasuredPrecision>("MeasuredPrecision").implement({
  description:
    "How often a producer's proposals of one kind were right when `npm run eval:intake` took each seed article as " +
    "new (docs/intake-quality.md): few proposals make a rough figure, so both counts are given.",
  fields: (t) => ({
    producer: t.exposeString("producer", { description: 'The producer, "STAGE/rule".' }),
    proposed: t.exposeInt("proposed", { description: "Its proposals of this kind over the articles." }),
    correct: t.exposeInt("correct", { description: "Those that were right." }),
    precision: t.float({
      description: "correct / proposed.",
      resolve: (m) => m.correct / m.proposed,
    }),
    measuredAt: t.exposeString("measuredAt", { description: "When it was measured (ISO 8601, UTC)." }),
  }),
});

/** An end or speaker of a proposal: a known actor, or an ACTOR proposal of the same intake. */
type EndShape = { actor: string | null; proposal: string | null };

const ProposalEndRef = builder.objectRef<EndShape>("ProposalActor").implement({
  description:
    "An end or the speaker of a proposed relation or citation: a known actor, or a proposed new one.",
  fields: (t) => ({
    actor: t.field({
      type: ActorRef,
      nullable: true,
      description: "The known actor; null when it is a proposed one.",
      resolve: (e) => e.actor,
    }),
    proposal: t.field({
      type: ProposalRef,
      nullable: true,
      description: "The ACTOR proposal of a name the graph does not know; null for a known actor.",
      resolve: (e) => e.proposal,
    }),
  }),
});

const end = (actor: string | null, proposal: string | null): EndShape | null =>
  actor === null && proposal === null ? null : { actor, proposal };

ProposalRef.implement({
  description:
    "What intake proposes from a source's text, for an analyst to accept (with edits) or reject: a new actor, an " +
    "alias, a relation or a citation, with its verbatim quote, what produced it and how confident it is.",
  fields: (t) => ({
    key: t.exposeString("key", { description: "Stable key: its intake's and its number." }),
    source: t.field({
      type: SourceRef,
      description: "The source it comes from.",
      resolve: (p) => p.sourceKey,
    }),
    intake: t.exposeString("intake", {
      description: "The intake that made it; shared by that intake's proposals.",
    }),
    kind: t.field({ type: ProposalKindEnum, resolve: (p) => p.kind, description: "What it would add." }),
    status: t.field({
      type: ProposalStatusEnum,
      resolve: (p) => p.status,
      description: "Where it is in review.",
    }),
    confidence: t.exposeFloat("confidence", {
      description: "0 to 1: how likely right, as its producer estimates.",
    }),
    stage: t.field({ type: ProposalStageEnum, resolve: (p) => p.stage, description: "Which step made it." }),
    rule: t.exposeString("rule", { description: "The rule within that step (a stable name)." }),
    measuredPrecision: t.field({
      type: MeasuredPrecisionRef,
      nullable: true,
      description:
        "How often its producer's proposals of this kind were right on the seed's articles; null when the " +
        "evaluation never saw that producer make one.",
      resolve: (p) => measuredPrecisionOf(p),
    }),
    sentence: t.exposeInt("sentence", { description: "Index of the sentence its quote is in." }),
    quote: t.field({
      type: ProposalQuoteRef,
      description: "The verbatim text it rests on.",
      resolve: (p) => p,
    }),
    name: t.exposeString("name", { nullable: true, description: "ACTOR: the name the graph does not know." }),
    actorKind: t.field({
      type: ActorKindEnum,
      nullable: true,
      description: "ACTOR: the kind guessed (always a guess, to confirm).",
      resolve: (p) => p.actorKind as never,
    }),
    sameAs: t.field({
      type: [ActorRef],
      description: "ACTOR: known actors whose names are close: is it one of them?",
      resolve: (p) => p.sameAs,
    }),
    actor: t.field({
      type: ActorRef,
      nullable: true,
      description: "ALIAS: the known actor named under a new name.",
      resolve: (p) => p.actor,
    }),
    alias: t.exposeString("alias", { nullable: true, description: "ALIAS: the new name." }),
    type: t.string({
      nullable: true,
      description: "RELATION: the relation type of the vocabulary.",
      resolve: (p) => p.relationType,
    }),
    from: t.field({
      type: ProposalEndRef,
      nullable: true,
      description: "RELATION: the subject.",
      resolve: (p) => end(p.fromActor, p.fromProposal),
    }),
    to: t.field({
      type: ProposalEndRef,
      nullable: true,
      description: "RELATION: the object.",
      resolve: (p) => end(p.toActor, p.toProposal),
    }),
    at: t.exposeString("at", {
      nullable: true,
      description: "RELATION: when the event happened, as the text says.",
    }),
    start: t.exposeString("start", { nullable: true, description: "RELATION: when a state began." }),
    end: t.exposeString("end", { nullable: true, description: "RELATION: when a state ended." }),
    relation: t.field({
      type: RelationRef,
      nullable: true,
      description: "CITATION: the relation the graph has that the sentence states or denies.",
      resolve: (p) => p.relation,
    }),
    speaker: t.field({
      type: ProposalEndRef,
      nullable: true,
      description: "RELATION, CITATION: who speaks; null is the article's own voice.",
      resolve: (p) => end(p.speakerActor, p.speakerProposal),
    }),
    stance: t.field({
      type: StanceEnum,
      nullable: true,
      description: "RELATION, CITATION: the speaker's stance, from the verb's class.",
      resolve: (p) => p.stance as never,
    }),
    createdAt: t.exposeString("createdAt", { description: "When its intake stored it (ISO 8601, UTC)." }),
    decidedAt: t.exposeString("decidedAt", { nullable: true, description: "When it was last decided." }),
    decidedBy: t.exposeString("decidedBy", { nullable: true, description: "Who decided it last." }),
    reason: t.exposeString("reason", { nullable: true, description: "Why it was rejected or reopened." }),
    changeId: t.exposeID("changeId", {
      nullable: true,
      description: "The history entry of its last decision (history lists it under the proposal's key).",
    }),
    acceptedKey: t.exposeString("acceptedKey", {
      nullable: true,
      description:
        "ACCEPTED: the actor it wrote or was linked to (ACTOR, ALIAS), the relation it wrote or cited (RELATION, CITATION).",
    }),
    acceptedCitations: t.exposeStringList("acceptedCitations", {
      description: "ACCEPTED: the keys of the citations it wrote.",
    }),
    supersededBy: t.exposeString("supersededBy", {
      nullable: true,
      description: "SUPERSEDED: the later intake that replaced it.",
    }),
  }),
});

const listProposals = (
  context: GraphQLContext,
  info: Parameters<typeof keysetConnection>[1]["info"],
  args: {
    source?: string | null;
    status?: ProposalRecord["status"] | null;
    kind?: ProposalRecord["kind"] | null;
    minConfidence?: number | null;
    first?: number | null;
    last?: number | null;
    after?: string | null;
    before?: string | null;
  },
) =>
  keysetConnection(args, { budget: context.budget, info }, byKey("proposals"), (window) =>
    proposalsPage(
      context.db,
      {
        source: args.source ?? null,
        status: args.status ?? null,
        kind: args.kind ?? null,
        minConfidence: args.minConfidence ?? null,
      },
      window,
    ),
  );

builder.queryFields((t) => ({
  proposal: t.field({
    type: ProposalRef,
    nullable: true,
    description: "A proposal by its key; null if none.",
    args: { key: t.arg.string({ required: true, description: "The proposal's key." }) },
    resolve: (_root, { key }) => key,
  }),
  proposals: t.connection({
    type: ProposalRef,
    description: "Intake's proposals, in key order (intake, then number), filtered.",
    complexity: connectionComplexity,
    args: {
      source: t.arg.string({ description: "Only this source's." }),
      status: t.arg({ type: ProposalStatusEnum, description: "Only those with this status." }),
      kind: t.arg({ type: ProposalKindEnum, description: "Only those of this kind." }),
      minConfidence: t.arg.float({ description: "Only those at least this confident (0 to 1)." }),
    },
    resolve: (_root, args, context, info) => listProposals(context, info, args),
  }),
}));

builder.objectField(SourceRef, "proposals", (t) =>
  t.connection({
    type: ProposalRef,
    description: "Intake's proposals from this source, in key order, filtered.",
    complexity: connectionComplexity,
    args: {
      status: t.arg({ type: ProposalStatusEnum, description: "Only those with this status." }),
      kind: t.arg({ type: ProposalKindEnum, description: "Only those of this kind." }),
      minConfidence: t.arg.float({ description: "Only those at least this confident (0 to 1)." }),
    },
    resolve: (source, args, context, info) => listProposals(context, info, { ...args, source: source.key }),
  }),
);

const StageRunRef = builder.objectRef<StageRun>("IntakeStage").implement({
  description: "Whether a step of NLP ran for an intake, and why not when it did not.",
  fields: (t) => ({
    ran: t.exposeBoolean("ran", { description: "True when it ran." }),
    reason: t.exposeString("reason", {
      nullable: true,
      description: "Why it did not run; null when it ran.",
    }),
  }),
});

/** Loads proposals by key in the keys' order, leaving out any gone. */
const loadProposals = async (context: GraphQLContext, keys: readonly string[]) => {
  const found = await ProposalRef.getDataloader(context).loadMany(keys);
  return found.filter((p): p is ProposalRecord => p !== null && !(p instanceof Error));
};

interface Written<T> {
  value: T;
  replayed: boolean;
}

const IntakePayloadRef = builder
  .objectRef<Written<IntakeResult> & { created?: boolean }>("IntakePayload")
  .implement({
    description: "What an intake proposed, and whether entity recognition and the parse ran.",
    fields: (t) => ({
      source: t.field({
        type: SourceRef,
        description: "The source taken in.",
        resolve: (r) => r.value.source,
      }),
      created: t.boolean({
        nullable: true,
        description: "intakeText: false when the same text was already stored; null for intakeSource.",
        resolve: (r) => r.created ?? null,
      }),
      intake: t.string({
        description: "The intake's id, shared by its proposals.",
        resolve: (r) => r.value.intake,
      }),
      proposals: t.field({
        type: [ProposalRef],
        description: `The proposals stored, in key order (at most ${proposalsPerIntake}); each as it stands now.`,
        resolve: (r, _args, context) => loadProposals(context, r.value.proposals),
      }),
      actors: t.int({ description: "How many ACTOR proposals.", resolve: (r) => r.value.counts.ACTOR }),
      aliases: t.int({ description: "How many ALIAS proposals.", resolve: (r) => r.value.counts.ALIAS }),
      relations: t.int({
        description: "How many RELATION proposals.",
        resolve: (r) => r.value.counts.RELATION,
      }),
      citations: t.int({
        description: "How many CITATION proposals.",
        resolve: (r) => r.value.counts.CITATION,
      }),
      superseded: t.int({
        description: "How many pending proposals of earlier intakes of the source it superseded.",
        resolve: (r) => r.value.superseded,
      }),
      recogniser: t.field({
        type: StageRunRef,
        description: "Whether the entity recogniser ran (names the graph does not know).",
        resolve: (r) => r.value.recogniser,
      }),
      parse: t.field({
        type: StageRunRef,
        description: "Whether the dependency parse ran (relations, speakers, stances).",
        resolve: (r) => r.value.parse,
      }),
      changeId: t.id({ description: "The history entry of this intake.", resolve: (r) => r.value.changeId }),
      replayed: t.boolean({
        description: "True when this answers a repeated clientKey.",
        resolve: (r) => r.replayed,
      }),
    }),
  });

const AcceptPayloadRef = builder.objectRef<Written<AcceptResult>>("AcceptProposalPayload").implement({
  description: "What an acceptance wrote, and every proposal it decided.",
  fields: (t) => ({
    proposal: t.field({
      type: ProposalRef,
      description: "The proposal, ACCEPTED.",
      resolve: async (r, _args, context) =>
        (await loadProposals(context, [r.value.key]))[0] as ProposalRecord,
    }),
    decided: t.field({
      type: [ProposalRef],
      description:
        "Every proposal the write accepted: this one, and the ACTOR proposals its ends or speaker were.",
      resolve: (r, _args, context) => loadProposals(context, r.value.decided),
    }),
    actor: t.field({
      type: ActorRef,
      nullable: true,
      description: "ACTOR, ALIAS: the actor written or named.",
      resolve: (r) => (r.value.acceptedCitations.length === 0 ? r.value.acceptedKey : null),
    }),
    relation: t.field({
      type: RelationRef,
      nullable: true,
      description: "RELATION, CITATION: the relation written or cited.",
      resolve: (r) => (r.value.acceptedCitations.length > 0 ? r.value.acceptedKey : null),
    }),
    citations: t.stringList({
      description: "The keys of the citations written.",
      resolve: (r) => r.value.acceptedCitations,
    }),
    citedExisting: t.boolean({
      description:
        "True when a RELATION proposal stated a relation the graph has: it was cited, never copied.",
      resolve: (r) => r.value.citedExisting,
    }),
    createdActors: t.field({
      type: [ActorRef],
      description: "The actors this write created.",
      resolve: (r) => r.value.createdActors,
    }),
    changeId: t.id({ description: "The history entry of this write.", resolve: (r) => r.value.changeId }),
    replayed: t.boolean({
      description: "True when this answers a repeated clientKey.",
      resolve: (r) => r.replayed,
    }),
  }),
});

const AcceptManyPayloadRef = builder
  .objectRef<Written<{ changeId: string; accepted: AcceptResult[] }>>("AcceptProposalsPayload")
  .implement({
    description: "What accepting several proposals wrote: one transaction, one history entry.",
    fields: (t) => ({
      accepted: t.field({
        type: [AcceptPayloadRef],
        description: "Each acceptance, in the order given.",
        resolve: (r) => r.value.accepted.map((value) => ({ value, replayed: r.replayed })),
      }),
      changeId: t.id({ description: "The history entry of this write.", resolve: (r) => r.value.changeId }),
      replayed: t.boolean({
        description: "True when this answers a repeated clientKey.",
        resolve: (r) => r.replayed,
      }),
    }),
  });

const DecisionPayloadRef = builder.objectRef<Written<DecisionResult>>("ProposalDecisionPayload").implement({
  description: "The proposals a rejection or reopening decided.",
  fields: (t) => ({
    proposals: t.field({
      type: [ProposalRef],
      description: "The proposals, as they stand after the decision.",
      resolve: (r, _args, context) => loadProposals(context, r.value.keys),
    }),
    changeId: t.id({ description: "The history entry of this decision.", resolve: (r) => r.value.changeId }),
    replayed: t.boolean({
      description: "True when this answers a repeated clientKey.",
      resolve: (r) => r.replayed,
    }),
  }),
});

const IntakeSourceInput = builder.inputType("IntakeSourceInput", {
  description: "A stored source to take in: its pending proposals of earlier intakes are superseded.",
  fields: (t) => ({
    source: t.string({ required: true, description: "The source's key." }),
    clientKey: t.string({ description: clientKeyDescription }),
  }),
});

const IntakeTextInput = builder.inputType("IntakeTextInput", {
  description: "A new text, stored as addSource stores it (the same text once), then taken in.",
  fields: (t) => ({
    key: t.string({ description: "Its key; by default derived from the text." }),
    text: t.string({ required: true, description: "The exact text." }),
    title: t.string({ description: "Title, if the text states it." }),
    publisher: t.string({ description: "Publisher or agency." }),
    author: t.string({ description: "Author." }),
    published: t.string({ description: "Publication date: YYYY, YYYY-MM or YYYY-MM-DD." }),
    language: t.string({ required: true, description: "BCP 47 language tag, e.g. fr." }),
    url: t.string({ description: "Web address it was read at (http or https)." }),
    retrievedOn: t.string({ description: "The day it was retrieved: YYYY-MM-DD." }),
    clientKey: t.string({ description: clientKeyDescription }),
  }),
});

const ProposedActorInput = builder.inputType("ProposedActorInput", {
  description:
    "For an end or speaker that is a proposed new actor: the known actor it is, or the new actor's kind, name, key.",
  fields: (t) => ({
    proposal: t.string({ required: true, description: "The ACTOR proposal's key." }),
    actor: t.string({
      description: "The known actor it is (its name becomes an alias); nothing is created.",
    }),
    kind: t.field({ type: ActorKindEnum, description: "The new actor's kind (default: the guess)." }),
    name: t.string({ description: "The new actor's name (default: as the text writes it)." }),
    key: t.string({ description: "The new actor's key (default: from the name)." }),
  }),
});

const AcceptProposalInput = builder.inputType("AcceptProposalInput", {
  description:
    "A proposal to accept, with edits: each field left out keeps the proposal's value. It is written as the " +
    "mutations that write by hand write (the same checks and refusals), in one transaction.",
  fields: (t) => ({
    key: t.string({ required: true, description: "The proposal's key." }),
    type: t.string({ description: "RELATION: another relation type of the vocabulary." }),
    from: t.string({ description: "RELATION: the subject, a known actor's key." }),
    to: t.string({ description: "RELATION: the object, a known actor's key." }),
    fromProposal: t.string({
      description:
        "RELATION: the subject, an ACTOR proposal of the same source (created or linked as proposedActors says).",
    }),
    toProposal: t.string({
      description:
        "RELATION: the object, an ACTOR proposal of the same source (created or linked as proposedActors says).",
    }),
    at: t.string({ description: "RELATION: when the event happened (YYYY, YYYY-MM, YYYY-MM-DD)." }),
    start: t.string({ description: "RELATION: when a state began." }),
    end: t.string({ description: "RELATION: when a state ended." }),
    speaker: t.string({ description: "RELATION, CITATION: the speaker, a known actor's key." }),
    speakerProposal: t.string({
      description: "RELATION, CITATION: the speaker, an ACTOR proposal of the same source.",
    }),
    speakerIsSource: t.boolean({
      description: "RELATION, CITATION: true: the article's own voice, no speaker.",
    }),
    stance: t.field({ type: StanceEnum, description: "RELATION, CITATION: the stance." }),
    quoteStart: t.int({ description: "The quote's start, in code points of the source's text." }),
    quoteEnd: t.int({ description: "The quote's end, in code points." }),
    actor: t.string({
      description:
        "ACTOR: the known actor the name is (it becomes its alias); ALIAS: another actor to give it.",
    }),
    kind: t.field({ type: ActorKindEnum, description: "ACTOR: the new actor's kind (default: the guess)." }),
    name: t.string({ description: "ACTOR: the new actor's name; ALIAS: the alias as it should be written." }),
    newKey: t.string({ description: "ACTOR: the new actor's key (default: from the name)." }),
    relation: t.string({ description: "CITATION: another relation to cite." }),
    distinct: t.boolean({
      description: "RELATION: a fact of its own although the same relation is stored (else it is cited).",
    }),
    proposedActors: t.field({
      type: [ProposedActorInput],
      description: "RELATION, CITATION: what each proposed new end or speaker is.",
    }),
    clientKey: t.string({ description: clientKeyDescription }),
  }),
});

const AcceptProposalsInput = builder.inputType("AcceptProposalsInput", {
  description: "Proposals to accept as they are, one after the other in one transaction: all or none.",
  fields: (t) => ({
    keys: t.stringList({ required: true, description: `The proposals' keys: 1 to ${proposalsPerDecision}.` }),
    clientKey: t.string({ description: clientKeyDescription }),
  }),
});
const RejectProposalsInput = builder.inputType("RejectProposalsInput", {
  description: "Proposals to reject, with one reason; nothing is written to the graph.",
  fields: (t) => ({
    keys: t.stringList({ required: true, description: `The proposals' keys: 1 to ${proposalsPerDecision}.` }),
    reason: t.string({ required: true, description: "Why (required)." }),
    clientKey: t.string({ description: clientKeyDescription }),
  }),
});
const OneDecisionInput = (name: string, description: string, required: boolean) =>
  builder.inputType(name, {
    description,
    fields: (t) => ({
      key: t.string({ required: true, description: "The proposal's key." }),
      reason: t.string({ required, description: required ? "Why (required)." : "Why." }),
      clientKey: t.string({ description: clientKeyDescription }),
    }),
  });
const RejectProposalInput = OneDecisionInput(
  "RejectProposalInput",
  "A proposal to reject, with a reason; nothing is written to the graph.",
  true,
);
const ReopenProposalInput = OneDecisionInput(
  "ReopenProposalInput",
  "A rejected proposal to bring back to PENDING. An accepted one is refused: what it wrote stays; retract it.",
  false,
);

/** Accept edits as the review takes them: fields the client left out are absent. */
function editsOf(input: typeof AcceptProposalInput.$inferInput): AcceptEdits {
  const { key: _key, clientKey: _clientKey, ...edits } = input;
  return Object.fromEntries(
    Object.entries(edits).filter(([, v]) => v !== undefined && v !== null),
  ) as AcceptEdits;
}

builder.mutationFields((t) => ({
  intakeSource: t.field({
    type: IntakePayloadRef,
    description:
      "Proposes what a stored source's text states (new actors, aliases, relations, citations), from the " +
      "gazetteer, CoreNLP's French entity recogniser and dependency parse, and stores the proposals for review; " +
      "the source's pending proposals of earlier intakes are superseded. Says whether NLP ran.",
    args: { input: t.arg({ type: IntakeSourceInput, required: true, description: "Which source." }) },
    resolve: async (_root, { input }, context) => {
      const writer = requireRole(context.caller, "editor");
      const { result, replayed } = await intakeSource(
        context.db,
        context.nlp,
        vocabulary,
        writer,
        { source: input.source },
        input.clientKey,
        context.request?.signal,
      );
      return { value: result, replayed };
    },
  }),
  intakeText: t.field({
    type: IntakePayloadRef,
    description: "Stores a new text as addSource does, then takes it in as intakeSource does.",
    args: {
      input: t.arg({ type: IntakeTextInput, required: true, description: "The text and its metadata." }),
    },
    resolve: async (_root, { input }, context) => {
      const writer = requireRole(context.caller, "editor");
      const { clientKey, ...source } = input;
      const { result, replayed, created } = await intakeText(
        context.db,
        context.nlp,
        vocabulary,
        writer,
        {
          id: source.key ?? null,
          text: source.text,
          title: source.title ?? null,
          publisher: source.publisher ?? null,
          author: source.author ?? null,
          published: source.published ?? null,
          language: source.language,
          url: source.url ?? null,
          retrievedOn: source.retrievedOn ?? null,
        },
        clientKey,
        context.request?.signal,
      );
      forgetWritten(context, { sources: [result.source] });
      return { value: result, replayed, created };
    },
  }),
  acceptProposal: t.field({
    type: AcceptPayloadRef,
    description:
      "Accepts a proposal with edits and writes it as the hand-written mutations do (addActor, updateActor's " +
      "addAliases, assertRelation, citeRelation): same checks, one transaction, one history entry linked to the " +
      "proposals it decided. A relation the graph already states is cited, never copied; a proposed new end " +
      "or speaker is created (or linked to the actor named) in the same write.",
    args: {
      input: t.arg({ type: AcceptProposalInput, required: true, description: "Which, and the edits." }),
    },
    resolve: async (_root, { input }, context) => {
      const writer = requireRole(context.caller, "editor");
      const { result, replayed } = await acceptProposal(
        context.db,
        vocabulary,
        writer,
        { key: input.key, ...editsOf(input) },
        input.clientKey,
      );
      forgetWritten(context, "everything");
      return { value: result, replayed };
    },
  }),
  acceptProposals: t.field({
    type: AcceptManyPayloadRef,
    description: `Accepts up to ${proposalsPerDecision} proposals as they are, in one transaction: all or none.`,
    args: { input: t.arg({ type: AcceptProposalsInput, required: true, description: "Which." }) },
    resolve: async (_root, { input }, context) => {
      const writer = requireRole(context.caller, "editor");
      const { result, replayed } = await acceptProposals(
        context.db,
        vocabulary,
        writer,
        { keys: input.keys },
        input.clientKey,
      );
      forgetWritten(context, "everything");
      return { value: result, replayed };
    },
  }),
  rejectProposal: t.field({
    type: DecisionPayloadRef,
    description: "Rejects a proposal with a reason; nothing is written to the graph but the decision.",
    args: { input: t.arg({ type: RejectProposalInput, required: true, description: "Which and why." }) },
    resolve: async (_root, { input }, context) => {
      const writer = requireRole(context.caller, "editor");
      const { result, replayed } = await rejectProposals(
        context.db,
        writer,
        { keys: [input.key], reason: input.reason ?? "" },
        input.clientKey,
      );
      return { value: result, replayed };
    },
  }),
  rejectProposals: t.field({
    type: DecisionPayloadRef,
    description: `Rejects up to ${proposalsPerDecision} proposals with one reason, all or none.`,
    args: { input: t.arg({ type: RejectProposalsInput, required: true, description: "Which and why." }) },
    resolve: async (_root, { input }, context) => {
      const writer = requireRole(context.caller, "editor");
      const { result, replayed } = await rejectProposals(
        context.db,
        writer,
        { keys: input.keys, reason: input.reason },
        input.clientKey,
      );
      return { value: result, replayed };
    },
  }),
  reopenProposal: t.field({
    type: DecisionPayloadRef,
    description:
      "Brings a rejected proposal back to PENDING. An accepted one is refused (CONFLICT): what it wrote stays in " +
      "the graph; retract the relation or withdraw the citation instead.",
    args: { input: t.arg({ type: ReopenProposalInput, required: true, description: "Which." }) },
    resolve: async (_root, { input }, context) => {
      const writer = requireRole(context.caller, "editor");
      const { result, replayed } = await reopenProposal(
        context.db,
        writer,
        { key: input.key, reason: input.reason ?? null },
        input.clientKey,
      );
      return { value: result, replayed };
    },
  }),
}));

const ProposalEventRef = builder.objectRef<LoggedChange>("ProposalEvent").implement({
  description: "An intake of a source, or a decision on its proposals, as a subscription delivers it.",
  fields: (t) => ({
    cursor: t.string({
      description:
        "Pass it back as `after` when subscribing again: the events after this one follow, once each.",
      resolve: changeCursor,
    }),
    change: t.field({
      type: ChangeRef,
      description: "The change: who, when, which operation.",
      resolve: (c) => c,
    }),
    proposals: t.field({
      type: [ProposalRef],
      description:
        `The proposals it stored (an intake, at most ${proposalsPerIntake}) or decided, as they stand now; an ` +
        "intake's `details` count those of earlier intakes it superseded.",
      complexity: { field: 1, multiplier: proposalsPerIntake },
      resolve: (change, _args, context) => context.live?.feed.proposalsOf(change) ?? [],
    }),
  }),
});

builder.subscriptionField("sourceProposals", (t) =>
  t.field({
    type: ProposalEventRef,
    description:
      "Each intake of a source and each decision on its proposals from now on (or after `after`), in commit " +
      "order, once, whichever replica wrote it: what a review page needs to stay current.",
    args: {
      source: t.arg.string({ required: true, description: "The source's key." }),
      after: t.arg.string({
        description: "The cursor of the last event received: what followed it comes first.",
      }),
    },
    subscribe: async (_root, { source, after }, context) => {
      if (!(await SourceRef.getDataloader(context).load(source))) {
        throw notFound("source", source, { argument: "source" });
      }
      return openFeed(
        context,
        after,
        (change) =>
          change.sources.includes(source) && (change.operation === "intake" || change.decided.length > 0),
      );
    },
    resolve: delivered,
  }),
);
