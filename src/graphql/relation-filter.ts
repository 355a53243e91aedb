import type { RelationFilter } from "../db/queries/relation-filter.js";
import { builder } from "./builder.js";
import { RelationTypeEnum } from "./types/vocabulary.js";

/** What `asOf` means, wherever it is taken. */
export const asOfDescription =
  'Only relations in force at some time in that period ("2021": at some time in 2021; a day: that day): ' +
  "events dated by its end, states begun by its end and not ended before it begins. Relations the sources do " +
  "not date are left out, since they cannot be placed in time.";

/** What `knownOn` means, wherever it is taken. */
export const knownOnDescription =
  "Only relations that a source published by the end of that period states: what was known then. Sources " +
  "whose date is unknown, or whose date may fall after it (a source of 2022 for knownOn 2022-01-01), are left out.";

/** The arguments every traversal takes to narrow the relations it follows. */
export const relationFilterArgs = builder.args((t) => ({
  types: t.field({ type: [RelationTypeEnum], description: "Only relations of these types." }),
  asOf: t.field({ type: "Date", description: asOfDescription }),
  knownOn: t.field({ type: "Date", description: knownOnDescription }),
}));

export function toRelationFilter(args: {
  types?: readonly string[] | null;
  asOf?: string | null;
  knownOn?: string | null;
}): RelationFilter {
  return {
    types: args.types?.length ? [...args.types] : null,
    asOf: args.asOf ?? null,
    knownOn: args.knownOn ?? null,
  };
}
