import type { GraphQLResolveInfo } from "graphql";
import type { Keyed, KeysetPage } from "../db/keyset.js";
import { badInput } from "../domain/errors.js";
import { bounds, inRange } from "./bounds.js";
import type { RequestBudget } from "./budget.js";
import { selects } from "./selection.js";

/**
 * Relay connections with keyset cursors. A cursor carries its item's sort key in the list's order (and the
 * list's name), so a page after it starts right after that item, wherever it now stands: adding or removing
 * items between pages never repeats or skips one. Cursors are opaque to clients (base64url of JSON) and
 * checked on the way back in: one this API did not issue, or one of another list, is refused.
 */

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  before?: string | null;
  after?: string | null;
}

/** How a list orders its items: the name its cursors carry, and the check of a sort key read back. */
export interface KeysetOrder<K> {
  name: string;
  /** The sort key that a decoded cursor holds, or undefined when it is not one of this list's. */
  parse: (value: unknown) => K | undefined;
}

/** Sort keys that are strings (keys): lists ordered by key. */
export const byKey = (name: string): KeysetOrder<string> => ({
  name,
  parse: (value) => (typeof value === "string" && value.length <= 1000 ? value : undefined),
});

/** A cursor: the list's name and the item's sort key, as base64url of JSON. */
export const encodeCursor = (name: string, key: unknown) =>
  Buffer.from(JSON.stringify([name, key]), "utf8").toString("base64url");

/** @throws BAD_USER_INPUT naming the argument when the cursor is not one this list issued. */
export function decodeCursor<K>(argument: string, cursor: string, order: KeysetOrder<K>): K {
  let key: K | undefined;
  if (/^[A-Za-z0-9_-]{1,4000}$/.test(cursor)) {
    try {
      const decoded: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
      if (Array.isArray(decoded) && decoded.length === 2 && decoded[0] === order.name) {
        key = order.parse(decoded[1]);
      }
    } catch {
      key = undefined;
    }
  }
  if (key === undefined) {
    throw badInput(
      `"${argument}" is not a cursor of ${order.name}: pass back a cursor that a page of this list returned`,
    );
  }
  return key;
}

/**
 * A Relay connection with `totalCount`, read by `fetch` one keyset page at a time. Every combination of
 * first, last, after and before that the Relay specification allows is taken: the items between the cursors,
 * then the first `first` of them, then the last `last` of those (`last` alone: the end of the list).
 * `fetch` answers the page's items, each with its sort key, in the list's order, and the list's total when the
 * page asks for it (`withTotal`: the client selected `totalCount`).
 * @throws BAD_USER_INPUT for a page size outside 0 to 100 or a cursor this list did not issue.
 */
export async function keysetConnection<T, K>(
  args: ConnectionArgs,
  { budget, info }: { budget: RequestBudget; info: GraphQLResolveInfo },
  order: KeysetOrder<K>,
  fetch: (page: KeysetPage<K>) => Promise<{ total: number | null; items: Keyed<T, K>[] }>,
) {
  for (const name of ["first", "last"] as const) {
    const value = args[name];
    if (value != null) inRange(`"${name}"`, value, bounds.page.max);
  }
  const after = args.after ? decodeCursor("after", args.after, order) : null;
  const before = args.before ? decodeCursor("before", args.before, order) : null;
  const backward = args.first == null && args.last != null;
  const size = (backward ? args.last : args.first) ?? bounds.page.default;
  // One item more than asked says whether more lie in the direction read.
  const { total, items } = await fetch({
    after,
    before,
    limit: size + 1,
    backward,
    withTotal: selects(info, ["totalCount"]),
  });
  const more = items.length > size;
  let kept = backward ? items.slice(Math.max(0, items.length - size)) : items.slice(0, size);
  if (!backward && args.last != null) kept = kept.slice(Math.max(0, kept.length - args.last));
  budget.chargeItems(kept.length);
  const edges = kept.map(({ node, key }) => ({ node, cursor: encodeCursor(order.name, key) }));
  return {
    edges,
    totalCount: total,
    pageInfo: {
      // Reading forward, items before `after` exist (the cursor's own item, at least); the same backward.
      hasPreviousPage: backward ? more : after !== null || kept.length < items.slice(0, size).length,
      hasNextPage: backward ? before !== null : more,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
