import type { LoggedChange } from "../../db/change-log.js";
import { type ChangeRecord, historyOf } from "../../db/writes.js";
import { badInput } from "../../domain/errors.js";
import { boundedListField } from "../bounded-list.js";
import { bounds } from "../bounds.js";
import { builder } from "../builder.js";
import { changeCursor, checkKnown, delivered, openFeed } from "../live.js";
import { requireRecord } from "../unknown.js";
import { RelationTypeEnum } from "./vocabulary.js";

export const ChangeRef = builder.objectRef<ChangeRecord>("Change").implement({
  description: "One write by an analyst: who made it, when, what it did and from which sources.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Id of the change." }),
    at: t.exposeString("at", { description: "When it was committed (ISO 8601, UTC)." }),
    by: t.exposeString("by", { description: "Name of the API key (or CLI user) that made it." }),
    role: t.exposeString("role", { description: "The role it was made with." }),
    operation: t.exposeString("operation", {
      description: "addSource, addActor, assertRelation, ingest, ...",
    }),
    targets: t.exposeStringList("targets", { description: "Keys of the records it touched." }),
    sources: t.exposeStringList("sources", { description: "Keys of the sources it cites or adds." }),
    details: t.exposeString("details", {
      description: "What it wrote, as JSON; for edits and merges, what the records held before.",
    }),
  }),
});

builder.queryField("history", (t) =>
  boundedListField(t, {
    type: [ChangeRef],
    description:
      "The changes that touched an actor, relation or source, oldest first: empty for a record no analyst has " +
      "changed (the seed's), NOT_FOUND for a key that names no record and no change.",
    bound: bounds.history,
    what: "changes",
    args: { key: t.arg.string({ required: true, description: "Key of the actor, relation or source." }) },
    resolve: async (_root, { key }, context, _info, count) => {
      const changes = await historyOf(context.db, key, count);
      // A key of a record merged away still has its changes; one without changes must name a record.
      if (changes.length === 0) await requireRecord(context, key, "key");
      return changes;
    },
  }),
);

/** The kinds of change: the operations that record one (the mutations' names, and `ingest` for the CLI). */
export const changeKinds: ReadonlySet<string> = new Set([
  "addSource",
  "updateSource",
  "addActor",
  "updateActor",
  "mergeActors",
  "assertRelation",
  "citeRelation",
  "withdrawCitation",
  "retractRelation",
  "ingest",
  "intake",
  "acceptProposal",
  "acceptProposals",
  "rejectProposals",
  "reopenProposal",
]);

/** Most values of each list of a ChangeFilter: each is compared with every change. */
const maxFilterValues = 100;

const ChangeFilterRef = builder.inputType("ChangeFilter", {
  description:
    "Which changes a subscription receives: those matching every list given (and any value within a list).",
  fields: (t) => ({
    actors: t.stringList({
      description: `Changes that touched one of these actors (a relation's ends and speakers count); at most ${maxFilterValues}.`,
    }),
    relationTypes: t.field({
      type: [RelationTypeEnum],
      description: "Changes that touched a relation of one of these types.",
    }),
    kinds: t.stringList({
      description: `Changes made by one of these operations: ${[...changeKinds].join(", ")}.`,
    }),
  }),
});

export const ChangeEventRef = builder.objectRef<LoggedChange>("ChangeEvent").implement({
  description: "A committed change, as a subscription delivers it.",
  fields: (t) => ({
    cursor: t.string({
      description:
        "Pass it back as `after` when subscribing again: the changes after this one follow, once each.",
      resolve: changeCursor,
    }),
    change: t.field({
      type: ChangeRef,
      description: "The change: kind (operation), who, when, keys, sources.",
      resolve: (c) => c,
    }),
    relationTypes: t.exposeStringList("relationTypes", {
      description: "The types of the relations among its targets.",
    }),
  }),
});

builder.subscriptionField("graphChanges", (t) =>
  t.field({
    type: ChangeEventRef,
    description:
      "Each change committed to the graph from now on (or after `after`), in commit order, once, whichever " +
      "replica wrote it; filtered by `filter`. Ends with a SLOW_CONSUMER error when its reader falls behind.",
    args: {
      after: t.arg.string({
        description: "The cursor of the last event received: what followed it comes first.",
      }),
      filter: t.arg({ type: ChangeFilterRef, description: "Only the changes that match it." }),
    },
    subscribe: (_root, { after, filter }, context) => {
      const actors = filter?.actors ?? null;
      const types = filter?.relationTypes ?? null;
      const kinds = filter?.kinds ?? null;
      for (const [name, list] of Object.entries({ actors, relationTypes: types, kinds })) {
        if (list && list.length > maxFilterValues) {
          throw badInput(`filter.${name} may hold at most ${maxFilterValues} values; got ${list.length}`);
        }
      }
      if (kinds) checkKnown("filter.kinds", kinds, changeKinds);
      const actorSet = actors && new Set(actors);
      const typeSet = types && new Set<string>(types);
      const kindSet = kinds && new Set(kinds);
      return openFeed(
        context,
        after,
        (change) =>
          (!kindSet || kindSet.has(change.operation)) &&
          (!actorSet || change.targets.some((key) => actorSet.has(key))) &&
          (!typeSet || change.relationTypes.some((type) => typeSet.has(type))),
      );
    },
    resolve: delivered,
  }),
);
