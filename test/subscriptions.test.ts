import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import { subscriptionDefaults } from "../src/config.js";
import type { Database } from "../src/db/database.js";
import { loadSeed } from "../src/seed/load.js";
import { createGraphQLHandler, type HandlerOptions } from "../src/server.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { defaultLimits } from "./support/defaults.js";
import { seedDir } from "./support/seed-copy.js";
import { handlerOptions, postGraphQL, serveOnLoopback } from "./support/server.js";
import { subscribeSse } from "./support/sse.js";

/**
 * Subscriptions to the graph's changes through two replicas over one Neo4j (each server has its own feed, as
 * each process would): what one replica commits reaches the other's subscribers, in order and once; a cursor
 * resumes exactly; the limits refuse with a code; a slow consumer is dropped; the cost rule and READ_ACCESS hold.
 */

const editor = generateApiKey("alice", "editor");
const slowMachine = { ...defaultLimits, requestTimeoutMs: 60_000 };
const auth = { apiKeys: parseApiKeys(editor.entry), readAccess: "open" as const };

const changes = `subscription Changes($after: String, $filter: ChangeFilter) {
  graphChanges(after: $after, filter: $filter) { cursor relationTypes change { id operation by targets sources at } }
}`;
const addActor = `mutation ($input: AddActorInput!) { addActor(input: $input) { changeId } }`;

describe("subscriptions", () => {
  let db: Database;
  let a: string;
  let b: string;
  const closers: (() => Promise<void>)[] = [];
  const serve = async (overrides: Partial<HandlerOptions> = {}) => {
    const server = await serveOnLoopback(db, { auth, limits: slowMachine, ...overrides });
    closers.push(server.close);
    return server.base;
  };
  let written = 0;
  /** Adds a new actor through `base`: its change id and when the answer came (performance.now(), ms). */
  const write = async (base: string) => {
    written += 1;
    const name = `Abonné Numéro ${written} ${Date.now()}`;
    const answer = await postGraphQL(base, addActor, { input: { name, kind: "PERSON" } }, editor.key);
    expect(answer.body.errors).toBeUndefined();
    return { id: answer.body.data.addActor.changeId as string, at: performance.now() };
  };

  beforeAll(async () => {
    // A minute per transaction and request: a write on this shared, loaded machine has taken over 10 s.
    db = await connectTestDatabase({ queryTimeoutMs: 60_000 });
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog);
    a = await serve();
    b = await serve();
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await db.close();
  });

  it("delivers each change written through one replica to a subscriber of another, in order, once, within 1 s", async () => {
    // The first read of the history plans its query: on this loaded machine that alone has taken seconds.
    const warm = await subscribeSse(a, changes);
    await write(b);
    await warm.waitFor(1, 30_000);
    warm.close();
    const subscriber = await subscribeSse(a, changes);
    expect(subscriber.status).toBe(200);
    const writes: { id: string; at: number }[] = [];
    for (let i = 0; i < 8; i += 1) writes.push(await write(b));
    await subscriber.waitFor(8, 5000);
    // Nothing more comes: once each.
    await new Promise((resolve) => setTimeout(resolve, 600));
    subscriber.close();
    const received = subscriber.results.map((r) => r.result.data.graphChanges);
    expect(received.map((e) => e.change.id)).toEqual(writes.map((w) => w.id));
    expect(received.every((e) => e.change.operation === "addActor" && e.change.by === "alice")).toBe(true);
    const latencies = subscriber.results.map((r, i) => r.at - (writes[i]?.at ?? 0));
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });

  it("resumes from a cursor on another replica with exactly what was missed, then live", async () => {
    const first = await subscribeSse(a, changes);
    const seen = await write(b);
    await first.waitFor(1, 5000);
    first.close();
    const cursor = first.results[0]?.result.data.graphChanges.cursor;
    expect(first.results[0]?.result.data.graphChanges.change.id).toBe(seen.id);
    const missed = [await write(a), await write(b), await write(a)];
    const again = await subscribeSse(b, changes, { after: cursor });
    await again.waitFor(3, 5000);
    const live = await write(a);
    await again.waitFor(4, 5000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    again.close();
    expect(again.results.map((r) => r.result.data.graphChanges.change.id)).toEqual([
      ...missed.map((w) => w.id),
      live.id,
    ]);
  });

  it("filters by actors, relation types and kinds over WebSocket, and refuses past the connection's limit", async () => {
    const base = await serve({ subscriptions: { ...subscriptionDefaults, perConnection: 2 } });
    const client = createClient({
      url: `${base.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
    });
    // biome-ignore lint/suspicious/noExplicitAny: results are checked field by field
    const collect = (variables: Record<string, unknown>, into: any[]) =>
      new Promise<void>((resolve) => {
        client.subscribe(
          { query: changes, variables },
          { next: (value) => into.push(value), error: (error) => into.push({ error }), complete: resolve },
        );
      });
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const visits: any[] = [];
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const mali: any[] = [];
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const refused: any[] = [];
    void collect({ filter: { relationTypes: ["VISIT"], kinds: ["assertRelation"] } }, visits);
    void collect({ filter: { actors: ["mali"] } }, mali);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await collect({}, refused);
    expect(refused[0]?.errors?.[0]?.extensions?.code).toBe("LIMIT_EXCEEDED");
    expect(refused[0]?.errors?.[0]?.extensions?.maxPerConnection).toBe(2);

    await write(b);
    const text = `Le ${Date.now()}, Assimi Goïta s'est rendu en visite officielle en Russie.`;
    const visit = await postGraphQL(
      b,
      `mutation ($text: String!, $key: String!) {
        addSource(input: { key: $key, title: "Visite", language: "fr", text: $text }) { created }
        assertRelation(input: { type: VISIT, from: "assimi-goita", to: "russia", distinct: true,
          citations: [{ source: $key, quote: "Assimi Goïta s'est rendu en visite officielle en Russie", stance: REPORTS }] }) { changeId }
      }`,
      { text, key: `src-visite-${Date.now()}` },
      editor.key,
    );
    expect(visit.body.errors).toBeUndefined();
    const withMali = await postGraphQL(
      b,
      `mutation { updateActor(input: { key: "mali", description: "État d'Afrique de l'Ouest, abonné ${Date.now()}." }) { changeId } }`,
      {},
      editor.key,
    );
    expect(withMali.body.errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await client.dispose();
    expect(visits.map((v) => v.data.graphChanges.change.id)).toEqual([
      visit.body.data.assertRelation.changeId,
    ]);
    expect(visits[0].data.graphChanges.relationTypes).toEqual(["VISIT"]);
    expect(mali.map((m) => m.data.graphChanges.change.id)).toEqual([withMali.body.data.updateActor.changeId]);
  });

  it("refuses past one address's subscriptions, over the cost limit, and without a key where reads need one", async () => {
    const base = await serve({ subscriptions: { ...subscriptionDefaults, perAddress: 2 } });
    const open = [await subscribeSse(base, changes), await subscribeSse(base, changes)];
    const third = await subscribeSse(base, changes);
    await third.waitFor(1, 5000);
    expect(third.results[0]?.result.errors[0].extensions.code).toBe("LIMIT_EXCEEDED");
    expect(third.results[0]?.result.errors[0].extensions.maxPerAddress).toBe(2);
    for (const s of open) s.close();

    const cheap = await serve({ limits: { ...slowMachine, maxCost: 50 } });
    const costly = await subscribeSse(
      cheap,
      `subscription { sourceProposals(source: "src-002-mae-russe-cooperation-mali") { proposals { key status } } }`,
    );
    await costly.waitFor(1, 5000);
    expect(costly.results[0]?.result.errors[0].extensions.code).toBe("LIMIT_EXCEEDED");
    expect(costly.results[0]?.result.errors[0].extensions.maxCost).toBe(50);

    const closed = await serve({ auth: { ...auth, readAccess: "key" } });
    const anonymous = await subscribeSse(closed, changes);
    expect(anonymous.status).toBe(401);
    anonymous.close();
    const withKey = await subscribeSse(closed, changes, {}, editor.key);
    expect(withKey.status).toBe(200);
    withKey.close();
  });

  it("drops a consumer that does not read, with SLOW_CONSUMER, and writes do not wait for it", async () => {
    const handler = createGraphQLHandler(
      handlerOptions(db, { auth, limits: slowMachine, subscriptions: { ...subscriptionDefaults, queue: 3 } }),
    );
    // In process, without a socket: nothing buffers what the subscriber does not read.
    const response = await handler.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: changes }),
    });
    expect(response.status).toBe(200);
    const times: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const started = performance.now();
      await write(b);
      times.push(performance.now() - started);
    }
    await new Promise((resolve) => setTimeout(resolve, 800));
    const text = await response.text();
    const events = [...text.matchAll(/^data: (\{.*\})$/gm)].map((m) => JSON.parse(m[1] as string));
    const last = events.at(-1);
    expect(last.errors[0].extensions.code).toBe("SLOW_CONSUMER");
    expect(last.errors[0].extensions.maxQueued).toBe(3);
    expect(text).toMatch(/event: complete\ndata:\n\n$/);
    // Fewer than the ten changes reached it, and the writes all went through.
    expect(events.length - 1).toBeLessThan(10);
    expect(times).toHaveLength(10);
  });
});
