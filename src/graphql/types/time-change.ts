import { membersOf } from "../../db/queries/members.js";
import { changeOmissions, changesBetween, type TimeChangeRecord } from "../../db/queries/time.js";
import { badInput, limitExceeded } from "../../domain/errors.js";
import { checkWindow } from "../../domain/filters.js";
import { boundedListField } from "../bounded-list.js";
import { bounds, fetchedPerParent } from "../bounds.js";
import { builder } from "../builder.js";
import { citationFilterArgs, citationListReads, filterCitations } from "../citation-filter.js";
import { OmissionRef, omittedComplexity, omittedDescription } from "../omitted.js";
import { CitationRef, PartialDateRef, RelationRef } from "../refs.js";
import { actorArgument, unknownActor } from "../unknown.js";
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

/** Most members changes(includeMembers: true) follows; an actor with more is refused, never cut. */
export const maxMembers = 100;

/** A question to `changes`, checked: the window, and the actors whose relations it reads (null: all). */
interface ChangesQuestion {
  window: { from: string; to: string };
  actors: string[] | null;
  types: string[] | null;
}

const ChangesRef = builder.objectRef<ChangesQuestion>("Changes").implement({
  description: "What changed between two dates, and how many relations it left out and why.",
  fields: (t) => ({
    changes: boundedListField(t, {
      type: [TimeChangeRef],
      description:
        "Relations that began, ended or were first reported from the first day of `from` to the last day of " +
        "`to` (a date of a month or a year counts when its period overlaps that window), by date, then kind, " +
        "then relation key.",
      bound: bounds.changes,
      what: "changes",
      resolve: (q, _args, context, _info, count) =>
        changesBetween(
          context.db,
          q.window,
          q.actors,
          q.types,
          count,
          fetchedPerParent(bounds.citationsOfRelation),
        ),
    }),
    omitted: t.field({
      type: [OmissionRef],
      complexity: omittedComplexity,
      description: omittedDescription("changes (in any window)"),
      resolve: (q, _args, context) => changeOmissions(context.db, q.actors, q.types),
    }),
  }),
});

builder.queryField("changes", (t) =>
  t.field({
    type: ChangesRef,
    description:
      "What changed between two dates: relations that began, ended or were first reported from the first day of " +
      "`from` to the last day of `to`, with the number of relations it left out by reason.",
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
      includeMembers: t.arg.boolean({
        defaultValue: false,
        description:
          "With actor: also the relations of the actors that belong to it one hop away (its officials, members " +
          `and parts: a relation of a membership type to it), at most ${maxMembers}; more is refused with ` +
          "LIMIT_EXCEEDED.",
      }),
      types: t.arg({ type: [RelationTypeEnum], description: "Only relations of these types." }),
    },
    resolve: async (_root, args, context) => {
      checkWindow(args.from, args.to);
      const types = args.types?.length ? [...args.types] : null;
      const window = { from: args.from, to: args.to };
      if (args.actor == null) {
        if (args.includeMembers) throw badInput('"includeMembers" needs "actor"');
        return { window, actors: null, types };
      }
      if (!args.includeMembers) {
        await actorArgument(context, args.actor, "actor");
        return { window, actors: [args.actor], types };
      }
      const members = await membersOf(context.db, args.actor, maxMembers + 1);
      if (members === null) throw await unknownActor(context, args.actor, "actor");
      if (members.length > maxMembers) {
        throw limitExceeded(
          `"${args.actor}" has more than ${maxMembers} members, officials and parts; leave out ` +
            '"includeMembers" or ask about them one by one',
          { limit: maxMembers },
        );
      }
      return { window, actors: [args.actor, ...members], types };
    },
  }),
);
