import { firstDay, lastDay } from "./dates.js";
import { badInput, limitExceeded } from "./errors.js";
import { dateProblem, show } from "./grammar.js";

/**
 * The rules of the arguments that narrow and bound a read of the graph, whoever reads it: the GraphQL API
 * (relation filters, traversals) and the exports (src/export/filter.ts) refuse the same values with the same
 * codes. `what` names the argument as the caller's client knows it (`"from"`, `Export parameter "from"`).
 */

/** Hard limits of traversals: beyond them a read is refused with LIMIT_EXCEEDED, never cut silently. */
export const traversalLimits = {
  /** Most hops from the actors a neighbourhood or subgraph reaches. */
  depth: 3,
  /** Most actors a subgraph starts from. */
  seedActors: 50,
} as const;

/**
 * A date argument: a calendar period written YYYY, YYYY-MM or YYYY-MM-DD, which stands for the whole period.
 * @throws BAD_USER_INPUT naming `what` and the value (cut).
 */
export function periodOf(what: string, value: unknown): string {
  if (typeof value !== "string" || dateProblem(value) !== null) {
    throw badInput(`${what} must be a calendar date written YYYY, YYYY-MM or YYYY-MM-DD; got ${show(value)}`);
  }
  return value;
}

/**
 * A window from the first day of `from` to the last day of `to` (either may be absent), which must not be empty.
 * @throws BAD_USER_INPUT when `from` begins after `to` ends.
 */
export function checkWindow(from: string | null | undefined, to: string | null | undefined): void {
  if (from && to && lastDay(to).toString() < firstDay(from).toString()) {
    throw badInput(`"from" is after "to" (from ${show(from)}, to ${show(to)})`, { from, to });
  }
}

/**
 * Hops of a traversal, `what` naming the argument: a number, or a text of decimal digits (a URL's parameter).
 * @throws BAD_USER_INPUT below 1 or not a whole number; LIMIT_EXCEEDED above traversalLimits.depth.
 */
export function checkDepth(what: string, given: number | string): number {
  const depth = typeof given === "number" ? given : /^\d{1,6}$/.test(given) ? Number(given) : Number.NaN;
  if (!Number.isInteger(depth) || depth < 1) {
    throw badInput(`${what} must be at least 1, a whole number of hops; got ${show(given)}`);
  }
  if (depth > traversalLimits.depth) {
    throw limitExceeded(`${what} may be at most ${traversalLimits.depth}; got ${depth}`, {
      limit: traversalLimits.depth,
    });
  }
  return depth;
}

/**
 * How many actors a traversal starts from, `what` naming the argument.
 * @throws LIMIT_EXCEEDED above traversalLimits.seedActors.
 */
export function checkSeedActors(what: string, count: number): void {
  if (count > traversalLimits.seedActors) {
    throw limitExceeded(`${what} may hold at most ${traversalLimits.seedActors} keys; got ${count}`, {
      limit: traversalLimits.seedActors,
    });
  }
}
