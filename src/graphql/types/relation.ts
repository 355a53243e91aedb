import type { GraphQLResolveInfo } from "graphql";
import type { LedgerRecord, StanceTallyRecord } from "../../db/queries/ledger.js";
import { type RelationOrder, relationsPage } from "../../db/queries/relations.js";
import type { CitationRecord } from "../../db/records/citation.js";
import type { RelationRecord } from "../../db/records/relation.js";
import { firstDay, lastDay } from "../../domain/dates.js";
import { badInput, notFound } from "../../domain/errors.js";
import { checkWindow } from "../../domain/filters.js";
import { boundedListField } from "../bounded-list.js";
import { bounds, connectionComplexity, fetchedPerParent } from "../bounds.js";
import { builder } from "../builder.js";
import {
  type CitationFilter,
  citationFilterArgs,
  citationListReads,
  filterCitations,
} from "../citation-filter.js";
import type { GraphQLContext } from "../context.js";
import { loaders, referenced, relationEnd } from "../loaders.js";
import { byKey, keysetConnection } from "../pagination.js";
import { reads } from "../projection.js";
import {
  ActorRef,
  CitationRef,
  type PartialDate,
  PartialDateRef,
  partialDate,
  RelationRef,
} from "../refs.js";
import { asOfDescription, knownOnDescription } from "../relation-filter.js";
import { selects } from "../selection.js";
import { requireKeys, unknownActor } from "../unknown.js";
import { DirectionEnum, PrecisionEnum, RelationTypeEnum, StanceEnum } from "./vocabulary.js";

PartialDateRef.implement({
  description: "A date as precise as the source states it: a year, a month or a day.",
  fields: (t) => ({
    value: t.exposeString("value", { description: "As the seed gives it: YYYY, YYYY-MM or YYYY-MM-DD." }),
    precision: t.field({
      type: PrecisionEnum,
      resolve: (d) => d.precision as never,
      description: "Its precision.",
    }),
    earliest: t.field({
      type: "Date",
      description: "The first day it may stand for.",
      resolve: (d) => firstDay(d.value).toString(),
    }),
    latest: t.field({
      type: "Date",
      description: "The last day it may stand for.",
      resolve: (d) => lastDay(d.value).toString(),
    }),
  }),
});

interface Place {
  name: string;
  actorKey: string | null;
}

const PlaceRef = builder.objectRef<Place>("Place").implement({
  description: "Where a relation happens, as one of its quotes writes it.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The place as written." }),
    actor: t.field({
      type: ActorRef,
      nullable: true,
      description: "The actor (a state) the place is; null when it is none (\"d'autres pays d'Afrique\").",
      resolve: (p, _args, context) =>
        p.actorKey ? referenced(ActorRef, context, "actor", p.actorKey) : null,
    }),
  }),
});

const StanceTallyRef = builder.objectRef<StanceTallyRecord>("StanceTally").implement({
  description: "The citations of a relation that take one stance: how many, from how many sources, by whom.",
  fields: (t) => ({
    stance: t.field({ type: StanceEnum, resolve: (s) => s.stance as never, description: "The stance." }),
    citations: t.exposeInt("citations", { description: "Citations taking it." }),
    sources: t.exposeInt("sources", { description: "Distinct sources of those citations." }),
    speakers: t.field({
      type: [ActorRef],
      description: "The distinct actors the sources attribute them to, by key (not the sources' own voice).",
      // As many as the citations, which the grammar bounds (at most 100 a relation).
      complexity: { field: 1, multiplier: 5 },
      resolve: (s, _args, context) =>
        Promise.all([...s.speakerKeys].sort().map((key) => referenced(ActorRef, context, "actor", key))),
    }),
    unattributed: t.exposeInt("unattributed", {
      description: "Of those citations, how many are in a source's own voice (no speaker).",
    }),
  }),
});

const LedgerRef = builder.objectRef<LedgerRecord>("Ledger").implement({
  description:
    "Who says what about a relation, counted over all its citations: per stance the citations, distinct sources " +
    "and speakers, and flags for a claim that rests on little.",
  fields: (t) => ({
    stances: t.field({
      type: [StanceTallyRef],
      description: "One tally per stance that the citations take, by stance name.",
      resolve: (l) => l.stances,
    }),
    citations: t.exposeInt("citations", { description: "All its citations." }),
    sources: t.exposeInt("sources", { description: "Distinct sources citing it." }),
    speakers: t.exposeInt("speakers", { description: "Distinct actors its citations are attributed to." }),
    singleSource: t.exposeBoolean("singleSource", { description: "Whether one source alone states it." }),
    assertedOnlyByAParty: t.exposeBoolean("assertedOnlyByAParty", {
      description:
        "Whether only parties to it state it: every citation that does not deny it is spoken by one of its two " +
        "actors, or by an actor that is PART_OF one or holds an OFFICE in one (a source's own voice is no party).",
    }),
  }),
});

const requireLedger = async (context: GraphQLContext, key: string) =>
  (await loaders.ledger(context).load(key)) ?? Promise.reject(notFound("relation", key));

const TimeBasisEnum = builder.enumType("TimeBasis", {
  description: "What places a relation in time on a timeline.",
  values: {
    AT: { value: "AT", description: "When it happened (an event)." },
    START: { value: "START", description: "When it began (a state of affairs)." },
    END: { value: "END", description: "When it ended: a state of affairs known only by its end." },
    REPORTED: {
      value: "REPORTED",
      description: "Undated: when its first dated source was published, not when it happened.",
    },
  },
});

interface TimelineDate {
  date: PartialDate;
  basis: "AT" | "START" | "END" | "REPORTED";
}

const TimelineDateRef = builder.objectRef<TimelineDate>("TimelineDate").implement({
  description: "Where a relation stands on a timeline, and on what that rests.",
  fields: (t) => ({
    date: t.field({ type: PartialDateRef, resolve: (d) => d.date, description: "The date." }),
    basis: t.field({ type: TimeBasisEnum, resolve: (d) => d.basis, description: "What the date is." }),
  }),
});

interface Retraction {
  at: string;
  by: string;
  reason: string;
}

const RetractionRef = builder.objectRef<Retraction>("Retraction").implement({
  description: "Who hid a relation from traversals, when and why.",
  fields: (t) => ({
    at: t.exposeString("at", { description: "When (ISO 8601, UTC)." }),
    by: t.exposeString("by", { description: "Who." }),
    reason: t.exposeString("reason", { description: "Why." }),
  }),
});

RelationRef.implement({
  description:
    "A directed, typed relation between two actors, stated by one or more citations. A contested relation has a " +
    "citation that denies it: read the citations to see who says what.",
  fields: (t) => ({
    key: t.exposeString("key", { description: "Stable key of the relation." }),
    type: t.field({ type: RelationTypeEnum, description: "Relation type.", resolve: (r) => r.type as never }),
    from: t.field({
      type: ActorRef,
      description: "The subject.",
      resolve: (r, _args, context) => relationEnd(context, r, r.from),
    }),
    to: t.field({
      type: ActorRef,
      description: "The object.",
      resolve: (r, _args, context) => relationEnd(context, r, r.to),
    }),
    role: t.exposeString("role", {
      nullable: true,
      description: "For OFFICE: the office as the source writes it.",
    }),
    at: t.field({
      extensions: reads({ relation: ["at", "atPrecision"] }),
      type: PartialDateRef,
      nullable: true,
      description: "When an event happened, if the sources date it.",
      resolve: (r) => partialDate(r.at, r.atPrecision),
    }),
    start: t.field({
      extensions: reads({ relation: ["start", "startPrecision"] }),
      type: PartialDateRef,
      nullable: true,
      description: "When a state of affairs began, if the sources date it.",
      resolve: (r) => partialDate(r.start, r.startPrecision),
    }),
    end: t.field({
      extensions: reads({ relation: ["end", "endPrecision"] }),
      type: PartialDateRef,
      nullable: true,
      description: "When a state of affairs ended, if the sources date it.",
      resolve: (r) => partialDate(r.end, r.endPrecision),
    }),
    contested: t.exposeBoolean("contested", { description: "Whether a citation denies the relation." }),
    note: t.exposeString("note", { nullable: true, description: "Why a qualifier is what it is." }),
    retraction: t.field({
      extensions: reads({ relation: ["retractedAt", "retractedBy", "retractionReason"] }),
      type: RetractionRef,
      nullable: true,
      description: "Set when the relation was retracted: traversals no longer follow it.",
      resolve: (r) =>
        r.retractedAt
          ? { at: r.retractedAt, by: r.retractedBy ?? "", reason: r.retractionReason ?? "" }
          : null,
    }),
    citations: boundedListField(t, {
      extensions: citationListReads,
      type: [CitationRef],
      description: "The passages that state the relation, with speaker and stance, by key.",
      bound: bounds.citationsOfRelation,
      what: "citations",
      args: citationFilterArgs,
      resolve: async (r, filter, context, info) =>
        filterCitations(
          r.citations ?? (await loaders.citationsOfRelation(context).load(r.key)),
          filter,
          context,
          info,
        ),
    }),
    places: t.field({
      extensions: reads({ relation: ["placeNames", "placeActorIds"] }),
      type: [PlaceRef],
      description: "Where it happens, where its quotes name a place; empty when they name none.",
      resolve: (r) => r.placeNames.map((name, i) => ({ name, actorKey: r.placeActorIds[i] || null })),
    }),
    addresses: t.field({
      type: [RelationRef],
      description:
        "The relations this one answers or is about, by key: a denial points at what it denies, an accusation " +
        "at what it charges.",
      resolve: (r) => r.addresses,
    }),
    answeredBy: boundedListField(t, {
      extensions: reads({}),
      type: [RelationRef],
      description: "The relations (not retracted) that address this one, by key: the denials of a claim, ...",
      bound: bounds.answersOfRelation,
      what: "relations",
      resolve: async (r, _args, context, _info, count) => {
        const keys = (await loaders.answeredBy(context).load(r.key)).slice(0, count);
        const found = await RelationRef.getDataloader(context).loadMany(keys);
        return found.filter((a): a is RelationRecord => a !== null && !(a instanceof Error));
      },
    }),
    ledger: t.field({
      extensions: reads({}),
      type: LedgerRef,
      description: "Who says what about it: citations, sources and speakers per stance, and flags.",
      resolve: (r, _args, context) => requireLedger(context, r.key),
    }),
    firstReportedOn: t.field({
      extensions: reads({}),
      type: PartialDateRef,
      nullable: true,
      description:
        "When it was first reported: the publication date of its first dated source; null when no source " +
        "citing it is dated.",
      resolve: async (r, _args, context) => {
        const ledger = await requireLedger(context, r.key);
        return partialDate(ledger.firstReported, ledger.firstReportedPrecision);
      },
    }),
    timelineDate: t.field({
      extensions: reads({
        relation: ["at", "atPrecision", "start", "startPrecision", "end", "endPrecision"],
      }),
      type: TimelineDateRef,
      nullable: true,
      description:
        "Where it stands on a timeline: its own date (at, else start, else end when only its end is known), " +
        "else its first report date (basis REPORTED), else null.",
      resolve: async (r, _args, context) => {
        const own =
          partialDate(r.at, r.atPrecision) ??
          partialDate(r.start, r.startPrecision) ??
          partialDate(r.end, r.endPrecision);
        if (own) return { date: own, basis: r.at ? "AT" : r.start ? "START" : "END" } as const;
        const ledger = await requireLedger(context, r.key);
        const reported = partialDate(ledger.firstReported, ledger.firstReportedPrecision);
        return reported ? ({ date: reported, basis: "REPORTED" } as const) : null;
      },
    }),
  }),
});

interface Claim {
  relation: RelationRecord;
  citations: CitationRecord[];
}

/** A side of a claim: its citations whose stance `keep` accepts and that pass the filter. */
const claimSide =
  (keep: (stance: string) => boolean) =>
  (claim: Claim, filter: CitationFilter, context: GraphQLContext, info: GraphQLResolveInfo) =>
    filterCitations(
      claim.citations.filter((citation) => keep(citation.stance)),
      filter,
      context,
      info,
    );

const ClaimRef = builder.objectRef<Claim>("Claim").implement({
  description: "A contested relation, with each side's citations and its ledger.",
  fields: (t) => ({
    relation: t.field({
      type: RelationRef,
      resolve: (c) => c.relation,
      description: "The contested relation.",
    }),
    supporting: boundedListField(t, {
      extensions: citationListReads,
      type: [CitationRef],
      description: "Citations that assert, report or accuse it.",
      bound: bounds.citationsOfRelation,
      what: "citations",
      args: citationFilterArgs,
      resolve: claimSide((stance) => stance !== "DENIES"),
    }),
    denying: boundedListField(t, {
      extensions: citationListReads,
      type: [CitationRef],
      description: "Citations that deny it.",
      bound: bounds.citationsOfRelation,
      what: "citations",
      args: citationFilterArgs,
      resolve: claimSide((stance) => stance === "DENIES"),
    }),
    ledger: t.field({
      type: LedgerRef,
      description: "Who says what about it (the same as relation.ledger).",
      resolve: (c, _args, context) => requireLedger(context, c.relation.key),
    }),
  }),
});

const RelationOrderEnum = builder.enumType("RelationOrder", {
  description: "How a list of relations is ordered; ties go by key.",
  values: {
    TIME: { value: "TIME", description: "By date (at, else start), undated last." },
    MOST_SOURCES: { value: "MOST_SOURCES", description: "Most distinct sources citing it first." },
    FEWEST_SOURCES: { value: "FEWEST_SOURCES", description: "Fewest distinct sources citing it first." },
  },
});

/** Each order's cursors name it, so that a cursor of one order is refused by another. */
const relationOrders: Record<RelationOrder, ReturnType<typeof byKey>> = {
  TIME: byKey("relations"),
  MOST_SOURCES: byKey("relations by most sources"),
  FEWEST_SOURCES: byKey("relations by fewest sources"),
};

/** The ledger's flags as filters of a list of relations or claims. */
const ledgerFilterFields = {
  singleSource: "Only relations that one source alone states (true), or that two or more state (false).",
  assertedOnlyByAParty:
    "Only relations that only their parties state (true: see Ledger.assertedOnlyByAParty), or the others (false).",
} as const;

const RelationsFilterInput = builder.inputType("RelationsFilter", {
  description: "Narrows a list of relations; every field is optional and they combine with AND.",
  fields: (t) => ({
    types: t.field({ type: [RelationTypeEnum], description: "Only these types." }),
    actor: t.string({ description: "Only relations of this actor (key)." }),
    direction: t.field({
      type: DirectionEnum,
      description: "With actor: which side it is on (default BOTH); OUTGOING or INCOMING need actor.",
    }),
    from: t.field({
      type: "Date",
      description: "Only relations whose time reaches the first day of this period or later.",
    }),
    to: t.field({
      type: "Date",
      description: "Only relations whose time begins on or before the last day of this period.",
    }),
    source: t.string({ description: "Only relations cited from this source (key)." }),
    speaker: t.string({ description: "Only relations with a citation spoken by this actor (key)." }),
    stances: t.field({
      type: [StanceEnum],
      description: "Only relations with a citation of one of these stances.",
    }),
    contested: t.boolean({ description: "Only contested (true) or uncontested (false) relations." }),
    asOf: t.field({ type: "Date", description: asOfDescription }),
    knownOn: t.field({ type: "Date", description: knownOnDescription }),
    place: t.string({ description: "Only relations whose place qualifier is this actor (key)." }),
    singleSource: t.boolean({ description: ledgerFilterFields.singleSource }),
    assertedOnlyByAParty: t.boolean({ description: ledgerFilterFields.assertedOnlyByAParty }),
  }),
});

builder.queryFields((t) => ({
  relation: t.field({
    type: RelationRef,
    nullable: true,
    description: "A relation by its key; null if none.",
    args: {
      key: t.arg.string({ required: true, description: 'Relation key, e.g. "rel-diop-visit-russia".' }),
    },
    resolve: (_root, { key }) => key,
  }),
  relations: t.connection({
    type: RelationRef,
    description:
      "Relations that pass the filter, in the order asked (by default by time, undated last), then by key.",
    args: {
      filter: t.arg({ type: RelationsFilterInput, description: "What to keep; everything when absent." }),
      orderBy: t.arg({ type: RelationOrderEnum, defaultValue: "TIME", description: "The list's order." }),
    },
    complexity: connectionComplexity,
    resolve: async (_root, args, { db, budget, projection }, info) => {
      const filter = args.filter ?? {};
      checkWindow(filter.from, filter.to);
      if (filter.actor == null && filter.direction != null && filter.direction !== "BOTH") {
        throw badInput(`"direction" ${filter.direction} needs "actor"`);
      }
      // An unknown speaker, place or source would match nothing, silently: it is refused as an unknown actor is.
      await requireKeys(
        { db },
        {
          actors: [
            ...(filter.speaker == null ? [] : [["filter.speaker", filter.speaker] as [string, string]]),
            ...(filter.place == null ? [] : [["filter.place", filter.place] as [string, string]]),
          ],
          sources: filter.source == null ? [] : [["filter.source", filter.source]],
        },
      );
      const order = args.orderBy ?? "TIME";
      return keysetConnection(args, { budget, info }, relationOrders[order], async (window) => {
        const page = await relationsPage(
          db,
          filter.actor ?? null,
          filter.direction ?? "BOTH",
          {
            types: filter.types?.length ? [...filter.types] : null,
            asOf: filter.asOf ?? null,
            from: filter.from ?? null,
            to: filter.to ?? null,
            knownOn: filter.knownOn ?? null,
            source: filter.source ?? null,
            speaker: filter.speaker ?? null,
            stances: filter.stances?.length ? [...filter.stances] : null,
            contested: filter.contested ?? null,
            place: filter.place ?? null,
            singleSource: filter.singleSource ?? null,
            assertedOnlyByAParty: filter.assertedOnlyByAParty ?? null,
          },
          {
            ...window,
            order,
            parts: {
              ends: selects(info, ["edges", "node", "from"]) || selects(info, ["edges", "node", "to"]),
              citations: selects(info, ["edges", "node", "citations"])
                ? fetchedPerParent(bounds.citationsOfRelation)
                : undefined,
            },
          },
          projection.current,
        );
        if (!page.actorFound) throw await unknownActor({ db }, filter.actor as string, "filter.actor");
        return { total: page.total, items: page.relations };
      });
    },
  }),
  claims: boundedListField(t, {
    type: [ClaimRef],
    description: "Every contested relation, with the citations on each side and its ledger.",
    args: {
      actor: t.arg.string({ description: "Only claims involving this actor (key)." }),
      singleSource: t.arg.boolean({ description: ledgerFilterFields.singleSource }),
      assertedOnlyByAParty: t.arg.boolean({ description: ledgerFilterFields.assertedOnlyByAParty }),
      orderBy: t.arg({ type: RelationOrderEnum, defaultValue: "TIME", description: "The list's order." }),
    },
    bound: bounds.claims,
    what: "claims",
    resolve: async (_root, args, context, info, count) => {
      const page = await relationsPage(
        context.db,
        args.actor ?? null,
        "BOTH",
        {
          contested: true,
          singleSource: args.singleSource ?? null,
          assertedOnlyByAParty: args.assertedOnlyByAParty ?? null,
        },
        {
          after: null,
          before: null,
          limit: count,
          backward: false,
          withTotal: false,
          parts: {
            ends: selects(info, ["relation", "from"]) || selects(info, ["relation", "to"]),
            citations: fetchedPerParent(bounds.citationsOfRelation),
          },
          order: args.orderBy ?? "TIME",
        },
        context.projection.current,
      );
      if (!page.actorFound) throw await unknownActor(context, args.actor as string, "actor");
      return page.relations.map(({ node }) => ({ relation: node, citations: node.citations ?? [] }));
    },
  }),
}));
