import { request, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { clientOf } from "../src/http/brakes.js";
import { drain } from "../src/server.js";
import { defaultHttp } from "./support/defaults.js";
import { seededDatabase, serveOnLoopback } from "./support/server.js";

/**
 * The brakes at the edge (src/http/brakes.ts, src/server.ts): wrong API keys rate-limited per client address,
 * connections capped in all and per address and closed when too slow, compressed bodies refused by name. Other
 * client addresses are other loopback addresses (127.0.0.2, ...), which Linux routes to the server on 127.0.0.1.
 */

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: tests check the body field by field
  body: any;
}

/** POSTs `body` to /graphql from `localAddress`, with `headers`. */
function postFrom(
  base: string,
  localAddress: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${base}/graphql`,
      {
        method: "POST",
        localAddress,
        agent: false,
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json",
          "content-length": String(Buffer.byteLength(body)),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
          }),
        );
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

const mali = JSON.stringify({ query: '{ actor(key: "mali") { name } }' });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe("brakes at the edge", () => {
  const reader = generateApiKey("reader-1", "reader");
  const windowMs = 2000;
  const maxFailures = 3;
  let db: Database;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    db = await seededDatabase();
    ({ server, base } = await serveOnLoopback(db, {
      auth: { apiKeys: parseApiKeys(reader.entry), readAccess: "open" },
      http: {
        ...defaultHttp,
        authFailures: { max: maxFailures, windowMs },
        connections: {
          max: 12,
          maxPerAddress: 4,
          headersTimeoutMs: 600,
          receiveTimeoutMs: 1200,
          keepAliveTimeoutMs: 500,
        },
      },
    }));
  });
  afterAll(async () => {
    if (server) await drain(server, 1000);
    await db?.close();
  });

  it("answers 429 with retry-after to an address after too many wrong keys, and to no other", async () => {
    const attacker = "127.0.0.2";
    for (let i = 0; i < maxFailures; i += 1) {
      const wrong = await postFrom(base, attacker, mali, bearer(`agk_wrong-${i}`));
      expect(wrong.status).toBe(401);
      expect(wrong.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    }
    const started = performance.now();
    for (const key of ["agk_wrong-again", reader.key]) {
      const refused = await postFrom(base, attacker, mali, bearer(key));
      expect(refused.status).toBe(429);
      const wait = Number(refused.headers["retry-after"]);
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(windowMs / 1000);
      expect(refused.body.errors[0]).toMatchObject({
        message: expect.stringMatching(/^Too many wrong API keys from this address \(3 within 2 s\)/),
        extensions: { code: "RATE_LIMITED", retryAfterSeconds: wait, maxFailures, windowSeconds: 2 },
      });
    }
    // The same address without a key, and the good key from another address, are served.
    const anonymous = await postFrom(base, attacker, mali);
    expect(anonymous).toMatchObject({ status: 200, body: { data: { actor: { name: "Mali" } } } });
    const other = await postFrom(base, "127.0.0.3", mali, bearer(reader.key));
    expect(other).toMatchObject({ status: 200, body: { data: { actor: { name: "Mali" } } } });

    // Once the window that began with the first failure ends, the attacker's address may try again.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, windowMs - (performance.now() - started))),
    );
    const again = await postFrom(base, attacker, mali, bearer(reader.key));
    expect(again).toMatchObject({ status: 200, body: { data: { actor: { name: "Mali" } } } });
  });

  it("answers 415 naming the encoding to a compressed body", async () => {
    const gzipped = await postFrom(base, "127.0.0.1", gzipSync(mali), { "content-encoding": "gzip" });
    expect(gzipped.status).toBe(415);
    expect(gzipped.headers["accept-encoding"]).toBe("identity");
    expect(gzipped.body.errors[0]).toEqual({
      message: 'Content-Encoding "gzip" is not supported: send the body uncompressed (identity).',
      extensions: { code: "BAD_REQUEST", contentEncoding: "gzip" },
    });
    const identity = await postFrom(base, "127.0.0.1", mali, { "content-encoding": "identity" });
    expect(identity.status).toBe(200);
  });

  /** Opens a connection from `localAddress` that sends part of a request's headers; resolves once it is open. */
  const slowClient = (localAddress: string) =>
    new Promise<{ socket: Socket; closed: Promise<{ ms: number; answer: string }> }>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port: Number(new URL(base).port), localAddress });
      let answer = "";
      socket.on("data", (chunk: Buffer) => {
        answer += chunk.toString("latin1");
      });
      socket.once("error", reject);
      socket.once("connect", () => {
        const opened = performance.now();
        socket.write("POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
        const closed = new Promise<{ ms: number; answer: string }>((done) =>
          socket.once("close", () => done({ ms: performance.now() - opened, answer })),
        );
        resolve({ socket, closed });
      });
    });

  it("closes connections past the cap per address and in all, and slow ones after the headers timeout", async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, () => slowClient("127.0.0.4")));
    // Another client is served meanwhile.
    const served = await postFrom(base, "127.0.0.1", mali);
    expect(served).toMatchObject({ status: 200, body: { data: { actor: { name: "Mali" } } } });
    const outcomes = await Promise.all(clients.map((client) => client.closed));
    // Two over the cap of 4 from one address: closed at once, with nothing said.
    const atOnce = outcomes.filter((outcome) => outcome.ms < 300);
    expect(atOnce).toHaveLength(2);
    for (const outcome of atOnce) expect(outcome.answer).toBe("");
    // The four held: answered 408 and closed once their headers took longer than 600 ms (checked every second).
    const held = outcomes.filter((outcome) => outcome.ms >= 300);
    expect(held).toHaveLength(4);
    for (const outcome of held) {
      expect(outcome.answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(outcome.ms).toBeGreaterThanOrEqual(550);
      expect(outcome.ms).toBeLessThan(600 + 1000 + 500);
    }

    // Three addresses hold 4 connections each, the cap of 12 in all: a connection from a fourth is closed at once.
    const many = await Promise.all(
      ["127.0.0.5", "127.0.0.6", "127.0.0.7"].flatMap((address) =>
        Array.from({ length: 4 }, () => slowClient(address)),
      ),
    );
    const extra = await Promise.all(Array.from({ length: 2 }, () => slowClient("127.0.0.8")));
    for (const outcome of await Promise.all(extra.map((client) => client.closed))) {
      expect(outcome.ms).toBeLessThan(300);
      expect(outcome.answer).toBe("");
    }
    const manyOutcomes = await Promise.all(many.map((client) => client.closed));
    for (const outcome of manyOutcomes) expect(outcome.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("counts an IPv6 client by its /64 network and an IPv4-mapped one by its IPv4 address", () => {
    expect(clientOf("127.0.0.1")).toBe("127.0.0.1");
    expect(clientOf("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(clientOf("2001:db8:0:1:aaaa::1")).toBe("2001:db8:0:1::/64");
    expect(clientOf("2001:db8:0:1:bbbb:cccc:dddd:eeee")).toBe("2001:db8:0:1::/64");
    expect(clientOf("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientOf("::1")).toBe("0:0:0:0::/64");
    expect(clientOf("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
  });
});
