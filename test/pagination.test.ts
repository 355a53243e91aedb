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

/**
 * A connection of the Query type: the list of every actor, source or relation, or a field with its arguments
 * other than the page's (a search's query).
 */
type Connection = "actors" | "sources" | "relations" | { field: string; args: string };

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
    connection: Connection,
    args: { first?: number; last?: number; after?: string | null; before?: string | null },
  ): Promise<Page> => {
    const [field, fixed] =
      typeof connection === "string" ? [connection, ""] : [connection.field, `${connection.args}, `];
    const response = await query(
      `query ($first: Int, $last: Int, $after: String, $before: String) {
        list: ${field}(${fixed}first: $first, last: $last, after: $after, before: $before) {
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
    connection: Connection,
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

  it("counts the whole list in totalCount, whatever the page, when it is selected", async () => {
    const total = async (field: string, args: string) => {
      const response = await query(`{ list: ${field}(${args}) { totalCount edges { node { key } } } }`);
      expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
      return response.data.list.totalCount;
    };
    for (const connection of ["actors", "sources", "relations"] as const) {
      const whole = await walk(connection, () => 50);
      expect(whole.length).toBeGreaterThan(2);
      const last = (await page(connection, { first: 1 })).endCursor;
      for (const args of ["first: 2", "last: 2", `first: 1, after: "${last}"`]) {
        expect(await total(connection, args), `${connection}(${args})`).toBe(whole.length);
      }
    }
    const ofPersons = { field: "actors", args: "kinds: [PERSON]" };
    const persons = await walk(ofPersons, () => 50);
    expect(persons.length).toBeGreaterThan(2);
    expect((await walk(ofPersons, () => 3, true)).reverse()).toEqual(persons);
    expect(await total("actors", "kinds: [PERSON], last: 1")).toBe(persons.length);
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

  /** Runs a mutation as another client would and checks that it was done. */
  const write = async (mutation: string, input: Record<string, unknown>, key = editor.key) => {
    const type = `${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}Input`;
    const response = await query(
      `mutation ($input: ${type}!) { ${mutation}(input: $input) { changeId } }`,
      { input },
      key,
    );
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  };

  it("counts an actor's relations in every direction as its degree less the retracted ones", async () => {
    const count = async (filter: string) => {
      const response = await query(`{ relations(first: 1, filter: { ${filter} }) { totalCount } }`);
      expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
      return response.data.relations.totalCount as number;
    };
    const totals = async () => {
      const found: Record<string, number> = {};
      for (const direction of ["OUTGOING", "INCOMING", "BOTH"]) {
        const filter = `actor: "mali", direction: ${direction}`;
        found[direction] = await count(filter);
        // Unfiltered, the count comes from the degree; filtered, from reading every relation: they agree, and
        // with the list itself.
        const contested = await count(`${filter}, contested: true`);
        expect(contested + (await count(`${filter}, contested: false`))).toBe(found[direction]);
        expect(await walk({ field: "relations", args: `filter: { ${filter} }` }, () => 100)).toHaveLength(
          found[direction] as number,
        );
      }
      return found;
    };
    const before = await totals();
    expect(before.OUTGOING).toBeGreaterThan(1);
    const outgoingOfMali = { field: "relations", args: 'filter: { actor: "mali", direction: OUTGOING }' };
    const outgoing = await page(outgoingOfMali, { first: 1 });
    await write("retractRelation", { key: outgoing.keys[0], reason: "counting test" });
    expect(await totals()).toEqual({
      OUTGOING: (before.OUTGOING as number) - 1,
      INCOMING: before.INCOMING,
      BOTH: (before.BOTH as number) - 1,
    });
  });

  /** What another client does between two pages. */
  interface Churn {
    /** Adds one item; `choice`, any natural number, decides where it falls in the list. */
    add: (choice: number) => Promise<void>;
    /** Removes an item present when the walk began, if this list's items can be removed and `key` may be. */
    remove?: { may: (key: string) => boolean; run: (key: string) => Promise<void> };
  }

  /** Spreads new keys over the list: the letter that `choice` picks. */
  const letter = (choice: number) => "abcdefghijklmnopqrstuvwxyz".charAt(choice % 26);

  /**
   * The property for one connection: walked forward or backward with random page sizes while, between
   * pages, another client adds an item and now and then removes one present when the walk began, it shows each
   * item at most once and every item present throughout.
   */
  const pagesThroughChurn = (connection: Connection, churn: Churn, numRuns: number) =>
    fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            size: fc.integer({ min: 1, max: 12 }),
            add: fc.nat(),
            remove: fc.option(fc.nat(), { freq: 2 }),
          }),
          { minLength: 40, maxLength: 40 },
        ),
        fc.boolean(),
        async (steps, backward) => {
          const before = await walk(connection, () => 100);
          const removed = new Set<string>();
          const step = (n: number) => steps[n % steps.length] as (typeof steps)[number];
          let changes = 0;
          const between = async () => {
            const { add, remove } = step(changes++);
            await churn.add(add);
            const victims = before.filter((key) => !removed.has(key) && (churn.remove?.may(key) ?? false));
            const victim = remove === null ? undefined : victims[remove % victims.length];
            if (churn.remove && victim !== undefined) {
              await churn.remove.run(victim);
              removed.add(victim);
            }
          };
          let pages = 0;
          const seen = await walk(connection, () => step(pages++).size, backward, between);
          expect(seen.filter((key, index) => seen.indexOf(key) !== index)).toEqual([]);
          expect(before.filter((key) => !removed.has(key) && !seen.includes(key))).toEqual([]);
        },
      ),
      // No shrinking: each run pages a database that earlier runs changed, and takes seconds.
      { numRuns, seed: 20261129, endOnFailure: true },
    );

  it("never repeats or skips an item while another client adds and removes actors between pages", async () => {
    let added = 0;
    let newest = "";
    await pagesThroughChurn(
      "actors",
      {
        // One new actor, and now and then one added earlier absorbed into it.
        add: async () => {
          added += 1;
          newest = `paging-probe-${added}`;
          await write("addActor", { key: newest, name: `Paging Probe ${added}`, kind: "GROUP" });
        },
        remove: {
          may: (key) => key.startsWith("paging-probe-"),
          run: (key) => write("mergeActors", { into: newest, from: key }, admin.key),
        },
      },
      6,
    );
  });

  it("never repeats or skips a relation while another client asserts and retracts relations between pages", async () => {
    // A passage that some relation cites, to cite again for new relations between other actors.
    const cited = await query(
      `{ relations(first: 1) { edges { node { citations { quote start end source { key } } } } } }`,
    );
    const citation = cited.data.relations.edges[0].node.citations[0];
    const ends = (await walk("actors", () => 100)).filter((key) => !key.startsWith("paging-"));
    let added = 0;
    await pagesThroughChurn(
      "relations",
      {
        // One new relation, undated (last in the list) or dated anywhere among the dated ones; now and then
        // one retracted, from the seed or added earlier.
        add: async (choice) => {
          added += 1;
          const from = choice % ends.length;
          const to = (from + 1 + (Math.floor(choice / ends.length) % (ends.length - 1))) % ends.length;
          const month = String(1 + (Math.floor(choice / 3) % 12)).padStart(2, "0");
          await write("assertRelation", {
            key: `${letter(choice)}-paging-relation-${added}`,
            type: "MEETING",
            from: ends[from],
            to: ends[to],
            // Each a meeting of its own, however close to another between the same two (decision 026).
            distinct: true,
            ...(choice % 3 === 0 ? {} : { at: `${2000 + (choice % 30)}-${month}` }),
            citations: [
              {
                source: citation.source.key,
                quote: citation.quote,
                start: citation.start,
                end: citation.end,
                stance: "REPORTS",
              },
            ],
          });
        },
        remove: {
          may: () => true,
          run: (key) => write("retractRelation", { key, reason: "paging test" }),
        },
      },
      3,
    );
  });

  it("never repeats or skips a source while another client adds sources between pages", async () => {
    let added = 0;
    // Sources cannot be removed through the API: only added.
    await pagesThroughChurn(
      "sources",
      {
        add: async (choice) => {
          added += 1;
          await write("addSource", {
            key: `${letter(choice)}-paging-source-${added}`,
            text: `Paging source ${added}, added between two pages.`,
            language: "en",
          });
        },
      },
      4,
    );
  });

  it("never repeats or skips a search hit while another client adds actors that match between pages", async () => {
    let added = 0;
    await pagesThroughChurn(
      { field: "searchActors", args: 'query: "paging"' },
      {
        add: async (choice) => {
          added += 1;
          await write("addActor", {
            key: `${letter(choice)}-paging-hit-${added}`,
            name: `Paging Hit ${added}`,
            kind: "GROUP",
          });
        },
      },
      4,
    );
  });
});
