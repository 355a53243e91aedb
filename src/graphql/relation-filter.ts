import type { RelationFilter } from "../db/graph.js";
import { builder } from "./builder.js";
import { RelationTypeEnum } from "./types/vocabulary.js";

/** The arguments every traversal takes to narrow the relations it follows. */
export const relationFilterArgs = builder.args((t) => ({
  types: t.field({ type: [RelationTypeEnum], description: "Only relations of these types." }),
  asOf: t.field({
    type: "Date",
    description:
      "Only relations in force on that day: events dated on or before it, states begun on or before it and not " +
      "ended before it. Relations the sources do not date are left out, since they cannot be placed in time.",
  }),
}));

export function toRelationFilter(args: {
  types?: readonly string[] | null;
  asOf?: string | null;
}): RelationFilter {
  return { types: args.types?.length ? [...args.types] : null, asOf: args.asOf ?? null };
}
