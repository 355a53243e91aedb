import { get, type Server } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { vocabulary } from "../src/domain/vocabulary.js";
import { drain } from "../src/server.js";
import { connectTestDatabase } from "./support/db.js";
import { defaultHttp } from "./support/defaults.js";
import { seededDatabase, serveOnLoopback } from "./support/server.js";

/** A real server on loopback with the given HTTP settings, over the test database. */
const serve = (db: Database, http: Partial<typeof defaultHttp> = {}) =>
  serveOnLoopback(db, { http: { ...defaultHttp, ...http } });

const post = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("limits, checked before the database is touched", () => {
  let db: Database;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    db = await seededDatabase();
    ({ server, base } = await serve(db));
  });
  afterAll(async () => {
    await drain(server, 1000);
    await db.close();
  });

  const nested = (depth: number) => {
    let selection = "key";
    for (let i = 0; i < depth; i += 1) selection = `relations { from { ${selection} } }`;
    return `{ actor(key: "mali") { ${selection} } }`;
  };

  it.each([
    ["depth", nested(8), /Query depth limit of 12 exceeded/],
    [
      "aliases",
      `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: stats { actorsByKind { key } }`).join(" ")} }`,
      /Aliases limit of 20 exceeded/,
    ],
    [
      "directives",
      `{ stats ${"@include(if: true) ".repeat(30)} { actorsByKind { key } } }`,
      /Directives limit of 20 exceeded/,
    ],
    ["tokens", `{ ${"__typename ".repeat(3500)} }`, /Token limit of 3000 exceeded/],
    [
      "cost",
      `{ ${Array.from({ length: 10 }, (_, i) => `a${i}: actors(first: 40) { edges { node { key relations { key to { key relations { key citations { quote source { key } } } } } } } }`).join(" ")} }`,
      /The query's estimated cost is \d+, over the limit of 100000/,
    ],
  ])("refuses a query over the %s limit with 400 and a message saying so", async (_name, query, message) => {
    const before = db.roundTrips;
    const started = performance.now();
    const response = await post(base, { query });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].message).toMatch(message);
    expect(body.errors[0].extensions?.code).toBe("LIMIT_EXCEEDED");
    expect(db.roundTrips).toBe(before);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("refuses a body over the size limit (413) and a POST without a length (411)", async () => {
    const huge = JSON.stringify({ query: "{ __typename }", variables: { x: "a".repeat(300_000) } });
    expect((await post(base, huge)).status).toBe(413);
    const chunked = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"query":"{ __typename }"}'));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(411);
  });

  it("reads a body no further than its Content-Length: the bytes after it are the next request", async () => {
    // What lets the service drop yoga's own streaming body limit (src/server.ts): a body cannot outgrow the
    // Content-Length that useBodyLimit checked.
    const body = '{"query":"{ __typename }"}';
    const { host, port, hostname } = new URL(base);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.end(
          `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` +
            `GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        );
      });
      let received = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk) => {
        received += chunk;
      });
      socket.on("error", reject);
      socket.on("close", () => resolve(received));
      setTimeout(() => reject(new Error(`no end after 5 s: ${received.slice(0, 200)}`)), 5000).unref();
    });
    const statuses = [...answer.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1]);
    expect(statuses).toEqual(["200", "200"]);
    expect(answer).toContain('{"data":{"__typename":"Query"}}');
    expect(answer).toContain('{"status":"ok"}');
  });
});

describe("GraphQL over HTTP", () => {
  let db: Database;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    db = await connectTestDatabase();
    ({ server, base } = await serve(db, { corsOrigins: ["https://explorer.example"] }));
  });
  afterAll(async () => {
    await drain(server, 1000);
    await db.close();
  });

  it("answers with the media type asked for", async () => {
    const modern = await post(base, { query: "{ __typename }" });
    expect(modern.headers.get("content-type")).toMatch(/^application\/graphql-response\+json/);
    const legacy = await post(base, { query: "{ __typename }" }, { accept: "application/json" });
    expect(legacy.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("takes queries over GET but refuses mutations there with 405", async () => {
    const query = await fetch(`${base}/graphql?query=${encodeURIComponent("{ __typename }")}`);
    expect(query.status).toBe(200);
    const mutation = await fetch(
      `${base}/graphql?query=${encodeURIComponent('mutation { retractRelation(input: {key: "x", reason: "y"}) { changeId } }')}`,
      { headers: { accept: "application/graphql-response+json" } },
    );
    expect(mutation.status).toBe(405);
    expect(mutation.headers.get("allow")).toBe("POST");
  });

  it("answers 400 to a document that does not parse or validate, and 415 to a body it cannot read", async () => {
    expect((await post(base, { query: "{ nope" })).status).toBe(400);
    expect((await post(base, { query: "{ nope }" })).status).toBe(400);
    const xml = await post(base, "<query/>", { "content-type": "application/xml" });
    expect(xml.status).toBe(415);
  });

  it("sends security headers, and CORS headers only to the origins configured", async () => {
    const allowed = await post(base, { query: "{ __typename }" }, { origin: "https://explorer.example" });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://explorer.example");
    const other = await post(base, { query: "{ __typename }" }, { origin: "https://evil.example" });
    expect(other.headers.get("access-control-allow-origin")).not.toBe("https://evil.example");
    expect(allowed.headers.get("x-content-type-options")).toBe("nosniff");
    expect(allowed.headers.get("x-frame-options")).toBe("DENY");
    expect(allowed.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("in production mode serves neither GraphiQL nor introspection", async () => {
    const production = await serve(db, { graphiql: false, introspection: false });
    try {
      const page = await fetch(`${production.base}/graphql`, { headers: { accept: "text/html" } });
      expect(await page.text()).not.toContain("GraphiQL");
      const introspection = await post(production.base, { query: "{ __schema { types { name } } }" });
      expect(introspection.status).toBe(400);
      expect((await introspection.json()).errors[0].message).toMatch(/introspection/i);
      expect((await post(production.base, { query: "{ __typename }" })).status).toBe(200);
    } finally {
      await drain(production.server, 1000);
    }
  });
});

describe("the explorer's files", () => {
  let db: Database;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    db = await connectTestDatabase();
    ({ server, base } = await serve(db));
  });
  afterAll(async () => {
    await drain(server, 1000);
    await db.close();
  });

  /** The status of a GET sent with the path exactly as written (fetch would resolve its dot segments). */
  const rawStatus = (path: string) =>
    new Promise<number | undefined>((resolve, reject) => {
      get(`${base}${path}`, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).on("error", reject);
    });

  it("serves the page's modules and style sheet by extension, and HEAD as GET", async () => {
    const main = await fetch(`${base}/explorer/explorer.js`);
    expect(main.status).toBe(200);
    expect(main.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await main.text()).toContain('from "./state.js"');
    const state = await fetch(`${base}/explorer/state.js`, { method: "HEAD" });
    expect(state.status).toBe(200);
    expect(state.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await fetch(`${base}/explorer/explorer.css`)).headers.get("content-type")).toBe(
      "text/css; charset=utf-8",
    );
    const vendored = await fetch(`${base}/explorer/vendor/cytoscape.esm.min.mjs`);
    expect(vendored.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    // The review page is the second page, at its own path, with its own modules.
    const review = await fetch(`${base}/review`);
    expect(review.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await review.text()).toContain('src="/explorer/review.js"');
    expect((await fetch(`${base}/explorer/review.js`)).status).toBe(200);
    expect((await fetch(`${base}/review/`)).status).toBe(404);
  });

  it("refuses what is not a served file of the folder: types, tsconfig, traversal, missing files", async () => {
    for (const path of [
      "/explorer/tsconfig.json",
      "/explorer/globals.d.ts",
      "/explorer/nothing.js",
      "/explorer/..%2f..%2fpackage.json",
      "/explorer/vendor/..%2f..%2fpackage.json",
      "/explorer/vendor/constructor",
    ]) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    }
    expect(await rawStatus("/explorer/../../package.json")).toBe(404);
    expect(await rawStatus("/explorer/../src/config.ts")).toBe(404);
  });

  it("serves the vocabulary's kind colours and relation families, each type in one family", async () => {
    const response = await fetch(`${base}/explorer/vocabulary.json`);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const served = (await response.json()) as {
      actorKinds: { name: string; colour: string }[];
      relationFamilies: { name: string; types: string[] }[];
      stances: string[];
    };
    expect(served.stances).toEqual(vocabulary.stances.map((s) => s.name));
    expect(served.actorKinds).toEqual(vocabulary.actorKinds.map(({ name, colour }) => ({ name, colour })));
    expect(served.actorKinds.find((k) => k.name === "STATE")?.colour).toBe("#3b6fd8");
    expect(served.relationFamilies.map((f) => f.name)).toEqual(
      vocabulary.relationFamilies.map((f) => f.name),
    );
    expect(served.relationFamilies.flatMap((f) => f.types).sort()).toEqual(
      vocabulary.relationTypes.map((t) => t.name).sort(),
    );
  });
});
