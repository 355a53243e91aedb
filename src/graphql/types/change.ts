import { type ChangeRecord, historyOf } from "../../db/writes.js";
import { boundedListField } from "../bounded-list.js";
import { bounds } from "../bounds.js";
import { builder } from "../builder.js";
import { requireRecord } from "../unknown.js";

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
