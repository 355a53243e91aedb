import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { type GraphQLResponse, graphqlClient } from "./support/graphql.js";
import { seededDatabase } from "./support/server.js";

/**
 * Keyset cursors: every connection pages in every combination of first, last, after and before that the Relay
 * specification allows, refuses cursors it did not issue, and, while another client adds and removes items
 * between pages, shows each item at most once and every item present throughout.
 */

// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field below
type Data = any;

const editor = generateApiKey("carol", "editor");
const admin = generateApiKey("dan", "admin");

interface Page {
  keys: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

describe("keyset pagination", () => {
  let db: Database;
  let query: (q: string, variables?: Record<string, unknown>, key?: string) => Promise<GraphQLResponse<Data>>;

  /** One page of a connection of the Query type, read by its items' keys. */
  const page = async (
    connection: "actors" | "sources" | "relations",
    args: { first?: number; last?: number; after?: string | null; before?: string | null },
  ): Promise<Page> => {
    const response = await query(
      `query ($first: Int, $last: Int, $after: String, $before: String) {
        list: ${connection}(first: $first, last: $last, after: $after, before: $before) {
          edges { node { key } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        } }`,
      args,
    );
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    const list = response.data.list;
    return { keys: list.edges.map((e: Data) => e.node.key), ...list.pageInfo };
  };

  /** Every key of a connection, paging forward `size` at a time (or backward from the end). */
  const walk = async (
    connection: "actors" | "sources" | "relations",
    sizes: () => number,
    backward = false,
    between: () => Promise<void> = async () => {},
  ) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 1000; pages += 1) {
      const size = sizes();
      const p: Page = backward
        ? await page(connection, { last: size, before: cursor })
        : await page(connection, { first: size, after: cursor });
      seen.push(...(backward ? [...p.keys].reverse() : p.keys));
      if (!(backward ? p.hasPreviousPage : p.hasNextPage)) return seen;
      cursor = backward ? p.startCursor : p.endCursor;
      await between();
    }
    throw new Error("paging did not end");
  };

  beforeAll(async () => {
    db = await seededDatabase();
    query = graphqlClient(db, {
      apiKeys: parseApiKeys(`${editor.entry},${admin.entry}`),
      readAccess: "open",
    });
  });
  afterAll(() => db.close());

  it("pages forward and backward through every connection to the same list", async () => {
    for (const connection of ["actors", "sources", "relations"] as const) {
      const whole: string[] = [];
      for (let cursor: string | null = null, more = true; more; ) {
        const p = await page(connection, { first: 100, after: cursor });
        whole.push(...p.keys);
        more = p.hasNextPage;
        cursor = p.endCursor;
      }
      expect(new Set(whole).size).toBe(whole.length);
      expect(await walk(connection, () => 3)).toEqual(whole);
      expect((await walk(connection, () => 4, true)).reverse()).toEqual(whole);
    }
  });

  it("takes first, last, after and before in every combination the Relay specification allows", async () => {
    const whole = (await page("actors", { first: 100 })).keys;
    /** The cursor of the item at `index` of the whole list. */
    const cursorAt = async (index: number) => (await page("actors", { first: index + 1 })).endCursor;
    const after = await cursorAt(5);
    const before = await cursorAt(20);
    // Between the two cursors lie items 6 to 19.
    expect((await page("actors", { first: 3, after, before })).keys).toEqual(whole.slice(6, 9));
    expect((await page("actors", { last: 3, after, before })).keys).toEqual(whole.slice(17, 20));
    expect((await page("actors", { first: 10, last: 2, after, before })).keys).toEqual(whole.slice(14, 16));
    expect((await page("actors", { first: 100, after, before })).keys).toEqual(whole.slice(6, 20));
    // last alone: the end of the list.
    const end = await page("actors", { last: 3 });
    expect(end.keys).toEqual(whole.slice(-3));
    expect(end).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const start = await page("actors", { first: 3 });
    expect(start).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  it.each([
    ["a made-up string", "abc"],
    ["an offset cursor of another API", Buffer.from("OffsetConnection:-5").toString("base64")],
    ["a cursor of another list", "sources"],
    ["a well-formed cursor with a wrong key type", Buffer.from('["actors",5]').toString("base64url")],
  ])("refuses %s as a cursor, naming the argument", async (_name, given) => {
    const cursor =
      given === "sources" ? ((await page("sources", { first: 1 })).endCursor as string) : (given as string);
    const response = await query(`query ($c: String) { actors(first: 2, after: $c) { totalCount } }`, {
      c: cursor,
    });
    expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(response.errors?.[0]?.message).toContain('"after" is not a cursor of actors');
  });

  it("never repeats or skips an item while another client adds and removes actors between pages", async () => {
    let added = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 40, maxLength: 40 }),
        fc.boolean(),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        async (sizes, backward, removals) => {
          const before = new Set((await page("actors", { first: 100 })).keys);
          const removed = new Set<string>();
          let step = 0;
          const between = async () => {
            // Another client: one new actor, and now and then one absorbed into another.
            added += 1;
            const key = `paging-probe-${added}`;
            const made = await query(
              `mutation ($input: AddActorInput!) { addActor(input: $input) { actor { key } } }`,
              { input: { key, name: `Paging Probe ${added}`, kind: "GROUP" } },
              editor.key,
            );
            expect(made.errors).toBeUndefined();
            const victims = [...before].filter((k) => k.startsWith("paging-probe-") && !removed.has(k));
            const victim = victims[0];
            if (removals[step++ % removals.length] && victim) {
              const merged = await query(
                `mutation ($input: MergeActorsInput!) { mergeActors(input: $input) { actor { key } } }`,
                { input: { into: key, from: victim } },
                admin.key,
              );
              expect(merged.errors).toBeUndefined();
              removed.add(victim);
            }
          };
          let index = 0;
          const seen = await walk("actors", () => sizes[index++ % sizes.length] as number, backward, between);
          expect(new Set(seen).size).toBe(seen.length);
          for (const key of before) if (!removed.has(key)) expect(seen).toContain(key);
        },
      ),
      { numRuns: 6, seed: 20261129 },
    );
  });
});
