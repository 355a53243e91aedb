import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { random } from "../bench/synthetic.js";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { checkGraph } from "../src/db/invariants.js";
import { vocabulary } from "../src/domain/vocabulary.js";
import { type GraphQLResponse, graphqlClient } from "./support/graphql.js";
import { seededDatabase } from "./support/server.js";

/**
 * Writes sent at the same moment behave as if sent one after another: the cases of the issue, each sent at
 * once, then a thousand random writes from sixteen clients, after which the graph checker finds nothing and
 * the history holds exactly one entry per write that changed something.
 */

// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field below
type Data = any;

const editor = generateApiKey("alice", "editor");
const admin = generateApiKey("bob", "admin");
const apiKeys = parseApiKeys([editor.entry, admin.entry].join(","));

const addActor = `mutation ($input: AddActorInput!) { addActor(input: $input) { changeId replayed actor { key name aliases } } }`;
const addSource = `mutation ($input: AddSourceInput!) { addSource(input: $input) { changeId replayed created source { key } } }`;
const updateActor = `mutation ($input: UpdateActorInput!) { updateActor(input: $input) { changeId replayed actor { key } } }`;
const mergeActors = `mutation ($input: MergeActorsInput!) { mergeActors(input: $input) { changeId replayed actor { key aliases } } }`;
const assertRelation = `mutation ($input: AssertRelationInput!) { assertRelation(input: $input) { changeId replayed relation { key } } }`;
const retractRelation = `mutation ($input: RetractRelationInput!) { retractRelation(input: $input) { changeId replayed relation { key } } }`;

describe("concurrent writes", () => {
  let db: Database;
  let query: (q: string, variables?: Record<string, unknown>, key?: string) => Promise<GraphQLResponse<Data>>;
  const send = (q: string, input: Record<string, unknown>, key = editor.key) => query(q, { input }, key);
  const times = <T>(n: number, make: (i: number) => Promise<T>) =>
    Promise.all(Array.from({ length: n }, (_, i) => make(i)));
  const count = async (cypher: string, params: Record<string, unknown> = {}) =>
    (await db.read(cypher, params)).records[0]?.get("n") as number;
  const codes = (responses: GraphQLResponse<Data>[]) =>
    responses.map((r) => r.errors?.[0]?.extensions?.code ?? "OK").sort();

  beforeAll(async () => {
    db = await seededDatabase();
    query = graphqlClient(db, { apiKeys, readAccess: "open" });
  });
  afterAll(() => db.close());

  it("answers 10 copies of an addActor with one clientKey with one write and 10 equal payloads", async () => {
    const input = { key: "ivan-orlov", name: "Ivan Orlov", kind: "PERSON", clientKey: "same-key-10" };
    const answers = await times(10, () => send(addActor, input));
    expect(answers.map((a) => a.errors)).toEqual(Array(10).fill(undefined));
    const payloads = answers.map((a) => a.data.addActor);
    expect(new Set(payloads.map((p) => JSON.stringify({ ...p, replayed: undefined }))).size).toBe(1);
    expect(payloads.filter((p) => !p.replayed)).toHaveLength(1);
    expect(await count("MATCH (c:Change {clientKey: 'same-key-10'}) RETURN count(c) AS n")).toBe(1);
    expect(await count("MATCH (a:Actor {id: 'ivan-orlov'}) RETURN count(a) AS n")).toBe(1);
  });

  it("keeps one actor per name, at once as one after another", async () => {
    const atOnce = await times(10, (i) =>
      send(addActor, { key: `orlova-${i}`, name: "Olga Orlova", kind: "PERSON" }),
    );
    const inTurn = [];
    for (let i = 0; i < 10; i += 1) {
      inTurn.push(await send(addActor, { key: `petrova-${i}`, name: "Olga Petrova", kind: "PERSON" }));
    }
    const expected = ["BAD_USER_INPUT", ...Array(8).fill("BAD_USER_INPUT"), "OK"];
    expect(codes(atOnce)).toEqual(expected);
    expect(codes(inTurn)).toEqual(expected);
    expect(await count("MATCH (a:Actor) WHERE a.name = 'Olga Orlova' RETURN count(a) AS n")).toBe(1);
    expect(await count("MATCH (a:Actor) WHERE a.name = 'Olga Petrova' RETURN count(a) AS n")).toBe(1);
  });

  it("stores 10 identical addSource once: one answer says created, and the history has that one entry", async () => {
    const input = { text: "Communiqué : Ivan Orlov a rencontré Olga Orlova à Bamako.", language: "fr" };
    const answers = await times(10, () => send(addSource, input));
    expect(answers.map((a) => a.errors)).toEqual(Array(10).fill(undefined));
    expect(answers.filter((a) => a.data.addSource.created)).toHaveLength(1);
    const key = answers[0]?.data.addSource.source.key;
    expect(await count("MATCH (s:Source {id: $key}) RETURN count(s) AS n", { key })).toBe(1);
    const { records } = await db.read(
      "MATCH (c:Change {operation: 'addSource'}) WHERE $key IN c.targets RETURN c.details AS details",
      { key },
    );
    expect(records).toHaveLength(1);
    expect(JSON.parse(records[0]?.get("details")).result.sources[0].created).toBe(true);
    // The nine that found the text stored wrote nothing, so they name no change.
    expect(answers.filter((a) => a.data.addSource.changeId === null)).toHaveLength(9);
  });

  it("serializes merges into one actor: no absorbed name is lost (3 rounds)", async () => {
    for (let round = 0; round < 3; round += 1) {
      const [y, x, a] = ["y", "x", "a"].map((n) => `merge-${n}-${round}`) as [string, string, string];
      for (const key of [y, x, a]) {
        await send(addActor, { key, name: `Nom ${key}`, kind: "GROUP", aliases: [`Alias ${key}`] });
      }
      const answers = await Promise.all([
        send(mergeActors, { into: y, from: x }, admin.key),
        send(mergeActors, { into: y, from: a }, admin.key),
      ]);
      expect(codes(answers)).toEqual(["OK", "OK"]);
      const { records } = await db.read("MATCH (a:Actor {id: $y}) RETURN a.aliases AS aliases", { y });
      expect(records[0]?.get("aliases")).toEqual(
        expect.arrayContaining([`Alias ${y}`, `Nom ${x}`, `Alias ${x}`, `Nom ${a}`, `Alias ${a}`]),
      );
      expect(await count("MATCH (a:Actor) WHERE a.id IN [$x, $a] RETURN count(a) AS n", { x, a })).toBe(0);
    }
  });

  it("lets one of two crossed merges win and refuses the other with NOT_FOUND (3 rounds)", async () => {
    for (let round = 0; round < 3; round += 1) {
      const [b, c] = [`cross-b-${round}`, `cross-c-${round}`];
      for (const key of [b, c]) await send(addActor, { key, name: `Nom ${key}`, kind: "GROUP" });
      const answers = await Promise.all([
        send(mergeActors, { into: c, from: b }, admin.key),
        send(mergeActors, { into: b, from: c }, admin.key),
      ]);
      expect(codes(answers)).toEqual(["NOT_FOUND", "OK"]);
      expect(await count("MATCH (a:Actor) WHERE a.id IN [$b, $c] RETURN count(a) AS n", { b, c })).toBe(1);
    }
    expect((await checkGraph(db)).violations).toEqual([]);
  });

  it("survives 1,024 random writes from 16 clients: no violation, one history entry per change", async () => {
    const next = random(20261129);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const seedActors = (await db.read("MATCH (a:Actor {origin: 'seed'}) RETURN a.id AS key")).records.map(
      (r) => r.get("key") as string,
    );
    const sources = (
      await db.read("MATCH (s:Source {origin: 'seed'}) RETURN s.id AS key, s.text AS text")
    ).records.map((r) => ({ key: r.get("key") as string, points: Array.from(r.get("text") as string) }));
    const relations = (await db.read("MATCH ()-[r:RELATION]->() RETURN r.id AS key")).records.map(
      (r) => r.get("key") as string,
    );
    const changesBefore = await count("MATCH (c:Change) RETURN count(c) AS n");
    const pool = Array.from({ length: 40 }, (_, i) => `rnd-actor-${i}`);
    const actors = () => [...pool, ...seedActors];
    const citation = () => {
      const source = pick(sources);
      let start = Math.floor(next() * (source.points.length - 40));
      while (/\s/.test(source.points[start] ?? "")) start += 1;
      const end = start + 5 + Math.floor(next() * 30);
      return {
        source: source.key,
        quote: source.points.slice(start, end).join(""),
        start,
        end,
        stance: pick(vocabulary.stances).name,
      };
    };
    /** A write as a client sends it: a repeated client key always comes with the same request. */
    const writeFor = (clientKey: string | null): [string, Record<string, unknown>, string] => {
      const op = next();
      const withKey = clientKey ? { clientKey } : {};
      if (op < 0.2) {
        const n = Math.floor(next() * 60);
        const input = { key: pick(pool), name: `Acteur ${n}`, kind: "GROUP", aliases: [`A${n}`], ...withKey };
        return [addActor, input, editor.key];
      }
      if (op < 0.45) {
        const [from, to] = [pick(actors()), pick(actors())];
        const input = {
          type: pick(vocabulary.relationTypes).name,
          from,
          to,
          citations: [citation()],
          ...withKey,
        };
        return [assertRelation, input, editor.key];
      }
      if (op < 0.55) {
        const input = { key: pick(relations), reason: "test", ...withKey };
        return [retractRelation, input, editor.key];
      }
      if (op < 0.75) {
        const n = Math.floor(next() * 60);
        const input = { key: pick(actors()), aliases: [`Nom ${n}`, `Autre ${n}`], ...withKey };
        return [updateActor, input, editor.key];
      }
      if (op < 0.85) {
        const input = { into: pick(actors()), from: pick(pool), ...withKey };
        return [mergeActors, input, admin.key];
      }
      const input = {
        text: `Dépêche ${Math.floor(next() * 8)} : Bamako et Moscou.`,
        language: "fr",
        ...withKey,
      };
      return [addSource, input, editor.key];
    };
    // 24 client keys, each always with the same request: sent several times, by several clients.
    const keyed = new Map(Array.from({ length: 24 }, (_, i) => [`rnd-key-${i}`, writeFor(`rnd-key-${i}`)]));
    const clients = 16;
    const perClient = 64;
    const plans = Array.from({ length: clients }, () =>
      Array.from({ length: perClient }, () =>
        next() < 0.2
          ? (keyed.get(`rnd-key-${Math.floor(next() * 24)}`) as [string, Record<string, unknown>, string])
          : writeFor(null),
      ),
    );
    const outcomes: {
      op: string;
      clientKey?: string;
      changeId?: string;
      replayed?: boolean;
      code: string;
    }[] = [];
    const started = Date.now();
    await Promise.all(
      plans.map(async (plan) => {
        for (const [q, input, key] of plan) {
          const response = await query(q, { input }, key);
          const op = q.match(/\{ (\w+)\(/)?.[1] as string;
          const payload = response.data?.[op];
          outcomes.push({
            op,
            clientKey: input.clientKey as string | undefined,
            changeId: payload?.changeId,
            replayed: payload?.replayed,
            code: response.errors?.[0]?.extensions?.code ?? "OK",
          });
          if (op === "assertRelation" && payload) relations.push(payload.relation.key);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const check = await checkGraph(db);

    const tally: Record<string, number> = {};
    for (const o of outcomes) {
      const code = o.replayed ? "REPLAYED" : o.code;
      tally[code] = (tally[code] ?? 0) + 1;
    }
    console.log(
      `concurrency: ${outcomes.length} writes from ${clients} clients in ${seconds.toFixed(1)} s; ` +
        `${JSON.stringify(tally)}; ${check.violations.length} violation(s); checked ${JSON.stringify(check.checked)}`,
    );
    expect(outcomes).toHaveLength(clients * perClient);
    expect(
      Object.keys(tally).every((code) =>
        ["OK", "REPLAYED", "BAD_USER_INPUT", "NOT_FOUND", "CONFLICT"].includes(code),
      ),
    ).toBe(true);
    expect(check.violations).toEqual([]);

    // Every replay answers the change its key made; every write that changed something has one entry.
    // (An addSource of a text already stored writes nothing and names no change.)
    const written = outcomes.filter((o) => o.code === "OK" && !o.replayed && o.changeId !== null);
    for (const replay of outcomes.filter((o) => o.replayed)) {
      const first = written.find((o) => o.clientKey === replay.clientKey);
      expect(replay.changeId).toBe(first?.changeId);
    }
    const { records } = await db.read("MATCH (c:Change) RETURN c.id AS id, c.operation AS operation");
    const history = new Map(records.map((r) => [r.get("id") as string, r.get("operation") as string]));
    expect(history.size - changesBefore).toBe(written.length);
    for (const o of written) expect(history.get(o.changeId as string)).toBe(o.op);
    expect(written.length).toBeGreaterThan(200);
  }, 300_000);
});
