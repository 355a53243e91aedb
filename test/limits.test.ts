import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { bounds } from "../src/graphql/bounds.js";
import type { HandlerOptions } from "../src/server.js";
import { defaultLimits } from "./support/defaults.js";
import { seededDatabase, serveOnLoopback } from "./support/server.js";

/**
 * Every request is bounded: lists by their limits, the query by its estimated cost (with its variables),
 * execution by the request's budget of items, bytes and time. Each refusal is coded and leaves the service up.
 */
describe("bounded requests", () => {
  let db: Database;
  const servers: { close(): Promise<void> }[] = [];

  /** A loopback server over the seeded database, with some limits changed. */
  const serve = async (limits: Partial<HandlerOptions["limits"]> = {}) => {
    const server = await serveOnLoopback(db, { limits: { ...defaultLimits, ...limits } });
    servers.push(server);
    return async (query: string, variables: Record<string, unknown> = {}, operationName?: string) => {
      const response = await fetch(`${server.base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ query, variables, operationName }),
      });
      return { status: response.status, body: await response.json() };
    };
  };
  let post: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    db = await seededDatabase();
    post = await serve();
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await db.close();
  });

  /** `levels` nested `relations { to { ... } }` below Mali. */
  const chain = (levels: number) => {
    let selection = "name";
    for (let i = 0; i < levels; i += 1) selection = `relations { to { ${selection} } }`;
    return `{ actor(key: "mali") { ${selection} } }`;
  };

  it.each([
    ["five levels of relations (the issue's 100-character query)", chain(5)],
    ["three levels of relations", chain(3)],
    [
      "a chain through citations and source texts",
      `{ actor(key: "mali") { relations { citations { source { text citations { relation { citations { source { text } } } } } } } } }`,
    ],
    [
      "a page of actors with two levels of relations and citations",
      `{ actors(first: 5) { edges { node { relations { to { relations { citations { quote source { key } } } } } } } } }`,
    ],
  ])("refuses %s before execution, with the estimate and the limit", async (_name, query) => {
    const before = db.roundTrips;
    const { status, body } = await post(query);
    expect(status).toBe(400);
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors;
    expect(error.extensions.code).toBe("LIMIT_EXCEEDED");
    expect(error.extensions.maxCost).toBe(defaultLimits.maxCost);
    expect(error.extensions.cost).toBeGreaterThan(defaultLimits.maxCost);
    expect(error.message).toContain(`over the limit of ${defaultLimits.maxCost}`);
    expect(db.roundTrips).toBe(before);
  });

  it("answers two levels of relations, each list within its default bound", async () => {
    const { status, body } = await post(chain(2));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const relations = body.data.actor.relations as { to: { relations: unknown[] } }[];
    expect(relations.length).toBeGreaterThan(30);
    expect(relations.length).toBeLessThanOrEqual(bounds.relationsOfActor.default);
  });

  it("estimates the cost with the request's variables, whatever was cached for the same document", async () => {
    const query = `query ($n: Int) { actors(first: $n) { edges { node { relations { to { relations { key } } } } } } }`;
    expect((await post(query, { n: 1 })).status).toBe(200);
    const refused = await post(query, { n: 100 });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions.code).toBe("LIMIT_EXCEEDED");
    expect((await post(query, { n: 1 })).status).toBe(200);
    // The remembered estimate refuses the same request again, with the same figure.
    const again = await post(query, { n: 100 });
    expect(again.status).toBe(400);
    expect(again.body.errors[0].extensions.cost).toBe(refused.body.errors[0].extensions.cost);
    // Variables too long to remember (an extra one the operation ignores) are estimated each time.
    const padded = `query ($n: Int) { actors(first: $n) { edges { node { key relations { to { relations { key } } } } } } }`;
    const pad = "x".repeat(600);
    expect((await post(padded, { n: 100, pad })).status).toBe(400);
    expect((await post(padded, { n: 1, pad })).status).toBe(200);
    expect((await post(padded, { n: 100, pad })).status).toBe(400);
  });

  it("estimates the cost of the operation asked, of a document holding several", async () => {
    const query = `query cheap { actor(key: "mali") { key } }
      query costly { actors(first: 100) { edges { node { relations { to { relations { key } } } } } } }`;
    expect((await post(query, {}, "cheap")).status).toBe(200);
    const refused = await post(query, {}, "costly");
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions.code).toBe("LIMIT_EXCEEDED");
    expect((await post(query, {}, "cheap")).body.data.actor.key).toBe("mali");
  });

  it("says where a list was cut by its limit, and cuts nothing silently", async () => {
    const cut = await post(`{ actor(key: "mali") { relations(limit: 5) { key } } }`);
    expect(cut.body.data.actor.relations).toHaveLength(5);
    expect(cut.body.extensions.truncated).toEqual({
      lists: 1,
      first: [{ path: ["actor", "relations"], limit: 5 }],
    });
    const whole = await post(`{ actor(key: "mali") { relations { key } } }`);
    expect(whole.body.extensions?.truncated).toBeUndefined();
    expect(whole.body.data.actor.relations.length).toBeGreaterThan(5);
    // The cut list is the head of the whole one, in the same order.
    expect(whole.body.data.actor.relations.slice(0, 5)).toEqual(cut.body.data.actor.relations);
  });

  it.each([
    ["State.relations", `{ actor(key: "mali") { relations(limit: 1001) { key } } }`, 1000],
    [
      "Relation.citations",
      `{ relations(first: 1) { edges { node { citations(limit: -1) { key } } } } }`,
      500,
    ],
    [
      "Source.citations",
      `{ source(key: "src-004-dw-mali-dit-oui-russie") { citations(limit: 5000) { key } } }`,
      1000,
    ],
    ["Query.claims", `{ claims(limit: 100000) { relation { key } } }`, 1000],
  ])("refuses a limit outside the bound of %s, naming the field", async (field, query, max) => {
    const { body } = await post(query);
    expect(body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(body.errors[0].message).toContain(`"limit" of ${field} must be between 0 and ${max}`);
  });

  it("takes at most 100 global ids in nodes(ids:)", async () => {
    const ids = Array.from({ length: 101 }, (_, i) => Buffer.from(`State:x${i}`).toString("base64"));
    const { body } = await post(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(body.errors[0].message).toContain('"ids" may hold at most 100 global ids; got 101');
  });

  it("refuses a neighbourhood bigger than its limit instead of cutting it", async () => {
    const { body } = await post(`{ neighbourhood(actor: "mali", depth: 2, limit: 10) { edges { key } } }`);
    expect(body.errors[0].extensions.code).toBe("LIMIT_EXCEEDED");
    expect(body.errors[0].message).toContain("holds more than 10 relations");
    const whole = await post(`{ neighbourhood(actor: "mali", depth: 2) { edges { key } } }`);
    expect(whole.body.data.neighbourhood.edges.length).toBeGreaterThan(10);
  });

  it("stops execution at the request's item budget with one coded error", async () => {
    const small = await serve({ maxItems: 50 });
    const { status, body } = await small(`{ actor(key: "mali") { relations { to { relations { key } } } } }`);
    expect(status).toBe(400);
    expect(body.data ?? null).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions).toMatchObject({ code: "LIMIT_EXCEEDED", maxItems: 50 });
    // The same server answers what fits.
    expect((await small(`{ actor(key: "mali") { name } }`)).body).toEqual({
      data: { actor: { name: "Mali" } },
    });
  });

  it("stops execution at the response byte budget", async () => {
    const small = await serve({ maxResponseBytes: 10_000 });
    const { status, body } = await small(`{ sources(first: 5) { edges { node { key text } } } }`);
    expect(status).toBe(400);
    expect(body.errors[0].extensions).toMatchObject({ code: "LIMIT_EXCEEDED", maxResponseBytes: 10_000 });
  });

  it("stops a request that runs past its time budget with QUERY_TIMEOUT", async () => {
    const hasty = await serve({ requestTimeoutMs: 1 });
    const { status, body } = await hasty(`{ neighbourhood(actor: "mali", depth: 3) { edges { key } } }`);
    expect(status).toBe(503);
    expect(body.errors[0].extensions.code).toBe("QUERY_TIMEOUT");
  });
});
