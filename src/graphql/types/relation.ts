import type { GraphQLResolveInfo } from "graphql";
import { type CitationRecord, type RelationRecord, relationsPage, timeline } from "../../db/graph.js";
import { badInput } from "../../errors.js";
import { firstDay, lastDay } from "../../seed/dates.js";
import { limitArgs } from "../args.js";
import { boundedList, bounds, connectionComplexity, listComplexity } from "../bounds.js";
import { builder } from "../builder.js";
import type { GraphQLContext } from "../context.js";
import { relationEnd } from "../loaders.js";
import { byKey, keysetConnection } from "../pagination.js";
import { ActorRef, CitationRef, RelationRef } from "../refs.js";
import { relationFilterArgs, toRelationFilter } from "../relation-filter.js";
import { selects } from "../selection.js";
import { actorArgument, requireKeys, unknownActor } from "../unknown.js";
import { DirectionEnum, PrecisionEnum, RelationTypeEnum, StanceEnum } from "./vocabulary.js";

/** A date as precise as the source gives it, with the first and last day it may stand for. */
interface PartialDate {
  value: string;
  precision: string;
}

const PartialDateRef = builder.objectRef<PartialDate>("PartialDate").implement({
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

const partialDate = (value: string | null, precision: string | null): PartialDate | null =>
  value && precision ? { value, precision } : null;

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
      type: PartialDateRef,
      nullable: true,
      description: "When an event happened, if the sources date it.",
      resolve: (r) => partialDate(r.at, r.atPrecision),
    }),
    start: t.field({
      type: PartialDateRef,
      nullable: true,
      description: "When a state of affairs began, if the sources date it.",
      resolve: (r) => partialDate(r.start, r.startPrecision),
    }),
    end: t.field({
      type: PartialDateRef,
      nullable: true,
      description: "When a state of affairs ended, if the sources date it.",
      resolve: (r) => partialDate(r.end, r.endPrecision),
    }),
    contested: t.exposeBoolean("contested", { description: "Whether a citation denies the relation." }),
    note: t.exposeString("note", { nullable: true, description: "Why a qualifier is what it is." }),
    retraction: t.field({
      type: RetractionRef,
      nullable: true,
      description: "Set when the relation was retracted: traversals no longer follow it.",
      resolve: (r) =>
        r.retractedAt
          ? { at: r.retractedAt, by: r.retractedBy ?? "", reason: r.retractionReason ?? "" }
          : null,
    }),
    citations: t.field({
      type: [CitationRef],
      description: "The passages that state the relation, with speaker and stance, by key.",
      args: {
        stances: t.arg({ type: [StanceEnum], description: "Only these stances." }),
        ...citationLimitArgs,
      },
      complexity: listComplexity(bounds.citationsOfRelation),
      resolve: (r, { stances, limit }, context, info) =>
        boundedList(bounds.citationsOfRelation, limit, context, info, async () => {
          const citations = r.citations ?? (await context.loaders.citationsOfRelation.load(r.key));
          return stances?.length ? citations.filter((c) => stances.includes(c.stance as never)) : citations;
        }),
    }),
  }),
});

interface Claim {
  relation: RelationRecord;
  citations: CitationRecord[];
}

/** The relations list's order: by date (undated last), then key; its sort keys are strings (see relationsPage). */
const relationOrder = byKey("relations");

const citationLimitArgs = limitArgs(bounds.citationsOfRelation, "citations");

/** A side of a claim: its citations whose stance `keep` accepts, within the field's limit. */
const claimSide =
  (keep: (stance: string) => boolean) =>
  (claim: Claim, { limit }: { limit?: number | null }, context: GraphQLContext, info: GraphQLResolveInfo) =>
    boundedList(bounds.citationsOfRelation, limit, context, info, () =>
      claim.citations.filter((citation) => keep(citation.stance)),
    );

const ClaimRef = builder.objectRef<Claim>("Claim").implement({
  description: "A contested relation, with each side's citations.",
  fields: (t) => ({
    relation: t.field({
      type: RelationRef,
      resolve: (c) => c.relation,
      description: "The contested relation.",
    }),
    supporting: t.field({
      type: [CitationRef],
      description: "Citations that assert, report or accuse it.",
      args: citationLimitArgs,
      complexity: listComplexity(bounds.citationsOfRelation),
      resolve: claimSide((stance) => stance !== "DENIES"),
    }),
    denying: t.field({
      type: [CitationRef],
      description: "Citations that deny it.",
      args: citationLimitArgs,
      complexity: listComplexity(bounds.citationsOfRelation),
      resolve: claimSide((stance) => stance === "DENIES"),
    }),
  }),
});

const RelationsFilterInput = builder.inputType("RelationsFilter", {
  description: "Narrows a list of relations; every field is optional and they combine with AND.",
  fields: (t) => ({
    types: t.field({ type: [RelationTypeEnum], description: "Only these types." }),
    actor: t.string({ description: "Only relations of this actor (key)." }),
    direction: t.field({
      type: DirectionEnum,
      description: "With actor: which side it is on (default BOTH); OUTGOING or INCOMING need actor.",
    }),
    from: t.field({ type: "Date", description: "Only relations whose time reaches this day or later." }),
    to: t.field({ type: "Date", description: "Only relations whose time begins on or before this day." }),
    source: t.string({ description: "Only relations cited from this source (key)." }),
    speaker: t.string({ description: "Only relations with a citation spoken by this actor (key)." }),
    stances: t.field({
      type: [StanceEnum],
      description: "Only relations with a citation of one of these stances.",
    }),
    contested: t.boolean({ description: "Only contested (true) or uncontested (false) relations." }),
    asOf: t.field({
      type: "Date",
      description: "Only relations in force on that day (see Actor.relations).",
    }),
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
    description: "Relations that pass the filter, in time order (undated last), then by key.",
    args: {
      filter: t.arg({ type: RelationsFilterInput, description: "What to keep; everything when absent." }),
    },
    complexity: connectionComplexity,
    resolve: async (_root, args, { db, budget }, info) => {
      const filter = args.filter ?? {};
      if (filter.from && filter.to && filter.from > filter.to) throw badInput('"from" is after "to"');
      if (filter.actor == null && filter.direction != null && filter.direction !== "BOTH") {
        throw badInput(`"direction" ${filter.direction} needs "actor"`);
      }
      // An unknown speaker or source would match nothing, silently: it is refused as an unknown actor is.
      await requireKeys(
        { db },
        {
          actors: filter.speaker == null ? [] : [["filter.speaker", filter.speaker]],
          sources: filter.source == null ? [] : [["filter.source", filter.source]],
        },
      );
      return keysetConnection(args, budget, relationOrder, async (window) => {
        const page = await relationsPage(
          db,
          filter.actor ?? null,
          filter.direction ?? "BOTH",
          {
            types: filter.types?.length ? [...filter.types] : null,
            asOf: filter.asOf ?? null,
            from: filter.from ?? null,
            to: filter.to ?? null,
            source: filter.source ?? null,
            speaker: filter.speaker ?? null,
            stances: filter.stances?.length ? [...filter.stances] : null,
            contested: filter.contested ?? null,
          },
          { ...window, withCitations: selects(info, ["edges", "node", "citations"]) },
        );
        if (!page.actorFound) throw await unknownActor({ db }, filter.actor as string, "filter.actor");
        return { total: page.total, items: page.relations };
      });
    },
  }),
  claims: t.field({
    type: [ClaimRef],
    description: "Every contested relation, with the citations on each side.",
    args: {
      actor: t.arg.string({ description: "Only claims involving this actor (key)." }),
      ...limitArgs(bounds.claims, "claims"),
    },
    complexity: listComplexity(bounds.claims),
    resolve: (_root, { actor, limit }, context, info) =>
      boundedList(bounds.claims, limit, context, info, async (count) => {
        const page = await relationsPage(
          context.db,
          actor ?? null,
          "BOTH",
          { contested: true },
          { after: null, before: null, limit: count, backward: false, withCitations: true },
        );
        if (!page.actorFound) throw await unknownActor(context, actor as string, "actor");
        return page.relations.map(({ node }) => ({ relation: node, citations: node.citations ?? [] }));
      }),
  }),
  timeline: t.field({
    type: [RelationRef],
    description: "The dated relations of an actor, or between two actors, in time order.",
    args: {
      actor: t.arg.string({ required: true, description: "Actor key." }),
      other: t.arg.string({ description: "Only relations with this other actor (key)." }),
      ...relationFilterArgs,
      ...limitArgs(bounds.timeline, "relations"),
    },
    complexity: listComplexity(bounds.timeline),
    resolve: (_root, args, context, info) =>
      boundedList(bounds.timeline, args.limit, context, info, async (count) => {
        await actorArgument(context, args.actor, "actor");
        if (args.other != null) await actorArgument(context, args.other, "other");
        return timeline(context.db, args.actor, args.other ?? null, toRelationFilter(args), count);
      }),
  }),
}));
