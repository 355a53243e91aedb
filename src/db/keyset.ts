import neo4j from "neo4j-driver";

/**
 * Keyset paging (docs/decisions/009-keyset-cursors.md): the page types and the Cypher that cuts a page out of a
 * list by its sort keys, shared by the lists of actors, relations, sources and search hits.
 */

/**
 * One page of a list read by keyset: the items whose sort key lies strictly between `after` and `before`
 * (each bound open when null), the first `limit` of them in the list's order, or the last `limit` when
 * `backward`. Answers come in the list's order, each item with its sort key (which cursors carry).
 */
export interface KeysetPage<K> {
  after: K | null;
  before: K | null;
  limit: number;
  backward: boolean;
  /**
   * Whether to count the whole list too. A count reads every item of the list (for a first page of 200,000
   * actors, most of the query's time), so it is made only when the client selects `totalCount`; the page's
   * total is null otherwise.
   */
  withTotal: boolean;
}

/** An item of a keyset page with its sort key. */
export interface Keyed<T, K> {
  node: T;
  key: K;
}

/**
 * The Cypher that cuts a page out of the rows of `variables` whose sort key `key` (a string, in the list's
 * order) lies between the cursors, orders them in the direction read and keeps `$limit`; its parameters are
 * those of `keysetParams`.
 */
export const keysetWindow = (variables: string, key: string, backward: boolean) =>
  `WITH ${variables} WHERE ($after IS NULL OR ${key} > $after) AND ($before IS NULL OR ${key} < $before)
   WITH ${variables} ORDER BY ${key} ${backward ? "DESC" : "ASC"} LIMIT $limit`;

/**
 * The Cypher that reads a keyset page of the `label` nodes bound to `x` that pass `where`, in key order, from
 * the key's unique index: starting from a bound on the key lets the planner seek the index in order and stop
 * after `$limit` rows, where ordering the matched nodes by key sorts all of them (a first page of the 200,000
 * actors of the L graph: 133 ms, 3-4 ms from the index). Its parameters are those of `keysetParams`.
 */
export function keyOrderedWindow(x: string, label: string, page: KeysetPage<string>, where = "true"): string {
  // Keys are never empty, so every key is greater than "".
  const start = page.backward
    ? page.before === null
      ? `${x}.id IS NOT NULL`
      : `${x}.id < $before`
    : `${x}.id > coalesce($after, "")`;
  return `MATCH (${x}:${label}) WHERE ${start} AND ${where}
     ${keysetWindow(x, `${x}.id`, page.backward)}`;
}

/** The subquery that counts a page's whole list (`count`: a match returning a count) when it is asked for. */
export const totalOf = (page: KeysetPage<unknown>, count: string) =>
  `CALL () { ${page.withTotal ? count : "RETURN null"} AS total }`;

/** The parameters of a page's Cypher: its cursors (`$after`, `$before`) and `$limit`. */
export const keysetParams = <K>(page: KeysetPage<K>) => ({
  after: page.after,
  before: page.before,
  limit: neo4j.int(page.limit),
});

/** A page read backward comes last item first: put it back in the list's order. */
export const inListOrder = <T>(page: KeysetPage<unknown>, items: T[]) =>
  page.backward ? items.reverse() : items;
