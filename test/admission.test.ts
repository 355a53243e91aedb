import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { lockGraph } from "../src/db/writes.js";
import { defaultLimits } from "./support/defaults.js";
import { postGraphQL, seededDatabase, serveOnLoopback } from "./support/server.js";

/**
 * Admission control (src/http/admission.ts): a request executes only when its estimated cost fits beside what
 * is executing; others wait their turn in order, and one that finds the queue full or waits too long answers
 * 503 OVERLOADED with Retry-After. To hold the room for as long as the test wants, a write is made to wait on
 * the graph's write lock, which the test holds in a transaction of its own.
 */
describe("admission control", () => {
  let db: Database;
  let close: () => Promise<void>;
  let base: string;
  const editor = generateApiKey("alice", "editor");

  /** Room for one request of cost up to 1,000 at a time, one waiting, each waiting at most 1.5 s. */
  const limits = { ...defaultLimits, maxCostInFlight: 1000, maxQueued: 1, queueTimeoutMs: 1500 };

  const post = (query: string, variables: Record<string, unknown> = {}, key?: string) =>
    postGraphQL(base, query, variables, key);
  const cheapRead = '{ actor(key: "mali") { name } }';
  const addActor = (name: string) =>
    post(
      "mutation ($input: AddActorInput!) { addActor(input: $input) { actor { key } } }",
      { input: { name, kind: "PERSON" } },
      editor.key,
    );

  /** Runs `during` while a write is executing and waiting on the graph's write lock, then lets it finish. */
  async function whileRoomIsHeld<T>(during: () => Promise<T>) {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = db.writeTransaction(async (tx) => {
      await lockGraph(tx);
      locked();
      await held;
      // Rolled back: the test's transaction writes nothing.
      throw new Error("rollback");
    });
    await lockTaken;
    const write = addActor(`Admission Test ${Date.now()}`);
    // The write is admitted and then waits on the lock; a moment lets it reach the lock.
    await new Promise((resolve) => setTimeout(resolve, 200));
    try {
      return { during: await during(), write };
    } finally {
      release();
      await holder.catch(() => {});
    }
  }

  beforeAll(async () => {
    db = await seededDatabase();
    const server = await serveOnLoopback(db, {
      limits,
      auth: { apiKeys: parseApiKeys(editor.entry), readAccess: "open" },
    });
    base = server.base;
    close = server.close;
    // Once planned by Neo4j, the write ends well within the queue time once the lock is let go.
    expect((await addActor("Admission Warm-up")).status).toBe(200);
  });
  afterAll(async () => {
    await close();
    await db.close();
  });

  it("makes a request wait while the room is taken, and answers it once the room is free", async () => {
    const { during, write } = await whileRoomIsHeld(async () => {
      const waiting = post(cheapRead);
      const early = await Promise.race([
        waiting.then(() => "answered"),
        new Promise((resolve) => setTimeout(() => resolve("still waiting"), 150)),
      ]);
      return { waiting, early };
    });
    expect(during.early).toBe("still waiting");
    expect((await write).status).toBe(200);
    const answer = await during.waiting;
    // Released within its queue time (1.5 s), it executes normally.
    expect(answer.status).toBe(200);
    expect(answer.body.data.actor.name).toBe("Mali");
  });

  it("refuses at once, with OVERLOADED and the figures, a request that finds the queue full", async () => {
    const { during, write } = await whileRoomIsHeld(async () => {
      const queued = post(cheapRead);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const at = performance.now();
      const refused = await post(cheapRead);
      return { queued, refused, ms: performance.now() - at };
    });
    expect(during.refused.status).toBe(503);
    expect(during.refused.retryAfter).toBe("1");
    expect(during.ms).toBeLessThan(300);
    const [error] = during.refused.body.errors;
    expect(error.extensions).toMatchObject({
      code: "OVERLOADED",
      waiting: 1,
      maxQueued: 1,
      costInFlight: 1000,
      maxCostInFlight: 1000,
    });
    expect(error.message).toMatch(/1 requests are already waiting.*try again/);
    expect((await write).status).toBe(200);
    expect((await during.queued).status).toBe(200);
  });

  it("frees the place of a request whose client leaves while it waits", async () => {
    const { during, write } = await whileRoomIsHeld(async () => {
      const client = new AbortController();
      const left = fetch(`${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: cheapRead }),
        signal: client.signal,
      }).catch((error: Error) => error.name);
      await new Promise((resolve) => setTimeout(resolve, 50));
      client.abort();
      await new Promise((resolve) => setTimeout(resolve, 50));
      // The only place in the queue is free again: this one waits instead of being refused.
      const waiting = post(cheapRead);
      return { left: await left, waiting };
    });
    expect(during.left).toBe("AbortError");
    expect((await write).status).toBe(200);
    expect((await during.waiting).status).toBe(200);
  });

  it("bounds the answers' bytes held at once across requests, and gives them back when each ends", async () => {
    const key = "src-004-dw-mali-dit-oui-russie";
    const { records } = await db.read("MATCH (s:Source {id: $key}) RETURN size(s.text) AS n", { key });
    const length = records[0]?.get("n") as number;
    // Room for one copy of the text at a time, not two.
    const maxBytesInFlight = length + 2000;
    const server = await serveOnLoopback(db, { limits: { ...defaultLimits, maxBytesInFlight } });
    try {
      const one = `{ source(key: "${key}") { text } }`;
      for (let i = 0; i < 3; i += 1) {
        const answer = await postGraphQL(server.base, one);
        expect(answer.status).toBe(200);
        expect(answer.body.data.source.text).toHaveLength(length);
      }
      const two = `{ a: source(key: "${key}") { text } b: source(key: "${key}") { text } }`;
      const refused = await postGraphQL(server.base, two);
      expect(refused.status).toBe(503);
      expect(refused.retryAfter).toBe("1");
      expect(refused.body.errors).toHaveLength(1);
      expect(refused.body.errors[0].extensions).toMatchObject({ code: "OVERLOADED", maxBytesInFlight });
      expect(refused.body.errors[0].extensions.bytesInFlight).toBeGreaterThan(maxBytesInFlight);
      // Its bytes were given back too.
      expect((await postGraphQL(server.base, one)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("refuses a request that waits longer than the queue timeout, and the room comes back after", async () => {
    const { during, write } = await whileRoomIsHeld(async () => {
      // The lock is held past the queue timeout.
      const answer = await post(cheapRead);
      return answer;
    });
    expect(during.status).toBe(503);
    expect(during.body.errors[0].extensions.code).toBe("OVERLOADED");
    expect(during.body.errors[0].message).toContain(`waited ${limits.queueTimeoutMs} ms`);
    expect((await write).status).toBe(200);
    // The room came back whole: requests go through again, a waiting one included.
    const answers = await Promise.all([post(cheapRead), post(cheapRead)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
  });
});
