import { changesBetween, type TimeChangeRecord } from "../../db/queries/time.js";
import { checkWindow } from "../../domain/filters.js";
import { boundedListField } from "../bounded-list.js";
import { bounds, fetchedPerParent } from "../bounds.js";
import { builder } from "../builder.js";
import { citationFilterArgs, citationListReads, filterCitations } from "../citation-filter.js";
import { CitationRef, PartialDateRef, RelationRef } from "../refs.js";
import { actorArgument } from "../unknown.js";
import { RelationTypeEnum } from "./vocabulary.js";

const ChangeKindEnum = builder.enumType("ChangeKind", {
  description: "What changed about a relation on a date.",
  values: {
    BEGAN: { value: "BEGAN", description: "It happened (an event's at) or began (a state's start)." },
    ENDED: { value: "ENDED", description: "It ended (a state's end)." },
    FIRST_REPORTED: {
      value: "FIRST_REPORTED",
      description: "Its first dated source was published: it became known, whenever it happened.",
    },
  },
});

const TimeChangeRef = builder.objectRef<TimeChangeRecord>("TimeChange").implement({
  description:
    "A relation that began, ended or was first reported on a date, with the citations that say so.",
  fields: (t) => ({
    kind: t.field({ type: ChangeKindEnum, resolve: (c) => c.kind, description: "What changed." }),
    on: t.field({
      type: PartialDateRef,
      description: "When, as precisely as the sources say.",
      resolve: (c) => ({ value: c.on, precision: c.precision }),
    }),
    relation: t.field({ type: RelationRef, resolve: (c) => c.relation, description: "The relation." }),
    citations: boundedListField(t, {
      extensions: citationListReads,
      type: [CitationRef],
      description:
        "For BEGAN and ENDED, the relation's citations; for FIRST_REPORTED, those of the sources that first " +
        "reported it.",
      bound: bounds.citationsOfRelation,
      what: "citations",
      args: citationFilterArgs,
      resolve: (c, filter, context, info) => filterCitations(c.citations, filter, context, info),
    }),
  }),
});

builder.queryField("changes", (t) =>
  boundedListField(t, {
    type: [TimeChangeRef],
    description:
      "What changed between two dates: relations that began, ended or were first reported from the first day of " +
      "`from` to the last day of `to` (a date of a month or a year counts when its period overlaps that window), " +
      "by date, then kind, then relation key.",
    args: {
      from: t.arg({
        type: "Date",
        required: true,
        description: 'Start of the window ("2021": 1 January 2021).',
      }),
      to: t.arg({
        type: "Date",
        required: true,
        description: 'End of the window ("2025": 31 December 2025).',
      }),
      actor: t.arg.string({ description: "Only relations of this actor (key)." }),
      types: t.arg({ type: [RelationTypeEnum], description: "Only relations of these types." }),
    },
    bound: bounds.changes,
    what: "changes",
    resolve: async (_root, args, context, _info, count) => {
      checkWindow(args.from, args.to);
      if (args.actor != null) await actorArgument(context, args.actor, "actor");
      return changesBetween(
        context.db,
        { from: args.from, to: args.to },
        args.actor ?? null,
        args.types?.length ? [...args.types] : null,
        count,
        fetchedPerParent(bounds.citationsOfRelation),
      );
    },
  }),
);
