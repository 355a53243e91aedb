import { countsByKind } from "../../db/queries/stats.js";
import { builder } from "../builder.js";

interface CountRow {
  key: string;
  count: number;
}

const CountRef = builder.objectRef<CountRow>("Count").implement({
  description: "A count of actors of one kind, or of relations of one type.",
  fields: (t) => ({
    key: t.exposeString("key", { description: "The kind or type." }),
    count: t.exposeInt("count", { description: "How many." }),
  }),
});

const StatsRef = builder
  .objectRef<{ actorsByKind: CountRow[]; relationsByType: CountRow[] }>("Stats")
  .implement({
    description: "Counts over the whole graph.",
    fields: (t) => ({
      actorsByKind: t.field({
        type: [CountRef],
        resolve: (s) => s.actorsByKind,
        description: "Actors per kind.",
      }),
      relationsByType: t.field({
        type: [CountRef],
        resolve: (s) => s.relationsByType,
        description: "Relations per type.",
      }),
    }),
  });

builder.queryField("stats", (t) =>
  t.field({
    type: StatsRef,
    description: "Counts per actor kind and relation type.",
    resolve: (_root, _args, { db }) => countsByKind(db),
  }),
);
