import type { GraphQLResolveInfo } from "graphql";
import { badInput } from "../domain/errors.js";

/**
 * Every list of the API has a bound: a Relay connection takes `first`/`last` up to `page.max`; a plain list
 * takes `limit` with a default and a maximum. The bound serves twice: as the multiplier of the list's
 * children in the cost estimate (computed before execution), and as the number of items fetched: the maxima
 * live here and the database layer is told them (`fetchedPerParent`). A list cut by its limit is reported in
 * the response's `extensions.truncated`, never silently. A plain list field gets
 * its `limit` argument, its cost and its cut from its entry here through boundedListField
 * (src/graphql/bounded-list.ts).
 */
export interface ListBound {
  /** Items returned when the client gives no limit. */
  default: number;
  /** The largest limit a client may ask for; more is refused with BAD_USER_INPUT. */
  max: number;
}

export const bounds = {
  /** Relay connections: `first` / `last`, as GitHub's API does. */
  page: { default: 20, max: 100 },
  relationsOfActor: { default: 100, max: 1000 },
  citationsOfRelation: { default: 20, max: 500 },
  citationsOfSource: { default: 100, max: 1000 },
  relationsOfSource: { default: 100, max: 1000 },
  mentionsOfSource: { default: 100, max: 1000 },
  mentionsOfActor: { default: 100, max: 1000 },
  /** Passages around the matches of one source hit of searchSources. */
  snippets: { default: 3, max: 20 },
  claims: { default: 100, max: 1000 },
  /** Relations that address one relation: its answers. */
  answersOfRelation: { default: 20, max: 100 },
  /** Changes between two dates. */
  changes: { default: 100, max: 1000 },
  timeline: { default: 100, max: 1000 },
  history: { default: 100, max: 1000 },
  /** Relations a neighbourhood or subgraph may hold; a bigger one is refused, since a cut graph misleads. */
  subgraph: { default: 200, max: 5000 },
  /** Global ids in one nodes(ids:) call. */
  nodeIds: { default: 100, max: 100 },
  /** API keys an admin lists. */
  apiKeys: { default: 100, max: 1000 },
} as const satisfies Record<string, ListBound>;

/**
 * How many items of a list the database layer fetches for each parent (a relation's citations, a source's
 * mentions) when a loader reads them for every limit at once: the bound's maximum plus one, so that a list cut by
 * the maximum is known to be cut.
 */
export const fetchedPerParent = (bound: ListBound) => bound.max + 1;

/** Extra cost of a big scalar such as Source.text, in items: it weighs as much as this many list items. */
export const bigTextCost = 100;

/**
 * The number of items a list asked for `limit` may return (its bound's default when none), clamped to 0 to
 * the bound's maximum: what its cost estimate multiplies by, and what a look-ahead may fetch before the field
 * itself refuses a limit out of range.
 */
export const clampedLimit = (limit: number | null | undefined, bound: ListBound) =>
  Math.max(0, Math.min(Math.trunc(limit ?? bound.default), bound.max));

/** The `limit` argument's description, stating the bound. */
export const limitDescription = (bound: ListBound, what: string) =>
  `At most this many ${what} (default ${bound.default}, at most ${bound.max}); a list cut by it is listed in the ` +
  "response's extensions.truncated.";

/** Cost of a plain list field: `field` (1 unless it reads something big), plus its children once per item it may return. */
export const listComplexity =
  (bound: ListBound, field = 1) =>
  (args: { limit?: number | null }): { field: number; multiplier: number } => ({
    field,
    multiplier: clampedLimit(args.limit, bound),
  });

/** Cost of a Relay connection: 1, plus its children once per item of the page asked. */
export const connectionComplexity = (args: {
  first?: number | null;
  last?: number | null;
}): { field: number; multiplier: number } => ({
  field: 1,
  multiplier: clampedLimit(args.first ?? args.last, bounds.page),
});

/**
 * An integer argument checked against its range, 0 to `max`. `argument` names it in the refusal, as the client
 * should read it (`"limit" of State.relations`).
 * @throws BAD_USER_INPUT when it is not an integer in range.
 */
export function inRange(argument: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw badInput(`${argument} must be between 0 and ${max}; got ${value}`);
  }
  return value;
}

/**
 * The limit a list field was given (its bound's default when none), checked against its bound. `info` names
 * the field in the refusal.
 * @throws BAD_USER_INPUT when the limit is negative or over the bound's maximum.
 */
export const listLimit = (limit: number | null | undefined, bound: ListBound, info: GraphQLResolveInfo) =>
  inRange(`"limit" of ${info.parentType.name}.${info.fieldName}`, limit ?? bound.default, bound.max);
