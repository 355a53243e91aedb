import type { RelationFilter } from "../../db/queries/relation-filter.js";
import { timeline, timelineOmissions } from "../../db/queries/time.js";
import { boundedListField } from "../bounded-list.js";
import { bounds } from "../bounds.js";
import { builder } from "../builder.js";
import { OmissionRef, omittedComplexity, omittedDescription } from "../omitted.js";
import { RelationRef } from "../refs.js";
import { relationFilterArgs, toRelationFilter } from "../relation-filter.js";
import { actorArgument } from "../unknown.js";

/** A timeline's question, checked: its relations and what it left out are read only when selected. */
interface TimelineQuestion {
  actor: string;
  other: string | null;
  filter: RelationFilter;
  byReportDate: boolean;
}

const TimelineRef = builder.objectRef<TimelineQuestion>("Timeline").implement({
  description:
    "The relations of an actor, or between two actors, in time order, and how many it left out and why.",
  fields: (t) => ({
    relations: boundedListField(t, {
      type: [RelationRef],
      description:
        "In time order: each at its own date (at, else start, else end when only its end is known), or, when " +
        "undated and byReportDate is true, at the date it was first reported (its timelineDate says which); ties " +
        "by key.",
      bound: bounds.timeline,
      what: "relations",
      resolve: (q, _args, context, _info, count) =>
        timeline(context.db, q.actor, q.other, q.filter, count, q.byReportDate),
    }),
    omitted: t.field({
      type: [OmissionRef],
      complexity: omittedComplexity,
      description: omittedDescription("the timeline"),
      resolve: (q, _args, context) =>
        timelineOmissions(context.db, q.actor, q.other, q.filter, q.byReportDate),
    }),
  }),
});

builder.queryField("timeline", (t) =>
  t.field({
    type: TimelineRef,
    description:
      "The relations of an actor, or between two actors, in time order, with the number it left out by reason " +
      "(undated, retracted, of another type).",
    args: {
      actor: t.arg.string({ required: true, description: "Actor key." }),
      other: t.arg.string({ description: "Only relations with this other actor (key)." }),
      byReportDate: t.arg.boolean({
        defaultValue: true,
        description:
          "Place undated relations by the publication date of their first dated source (timelineDate.basis " +
          "REPORTED); false leaves them out (counted in omitted as UNDATED).",
      }),
      ...relationFilterArgs,
    },
    resolve: async (_root, args, context) => {
      await actorArgument(context, args.actor, "actor");
      if (args.other != null) await actorArgument(context, args.other, "other");
      return {
        actor: args.actor,
        other: args.other ?? null,
        filter: toRelationFilter(args),
        byReportDate: args.byReportDate ?? true,
      };
    },
  }),
);
