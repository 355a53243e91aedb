import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { projectRoot } from "../src/domain/project.js";
import { seededDatabase, serveOnLoopback } from "./support/server.js";
import { snapshotGraph } from "./support/snapshot.js";

/**
 * More than a thousand generated bad requests over real HTTP. Whatever they hold, the service answers with a
 * 4xx (or a 200 carrying GraphQL errors), never a 5xx, never leaks Cypher or a stack trace, keeps serving, and
 * leaves the database exactly as it was. The generators are seeded: a failure replays the same requests.
 */

interface BadRequest {
  body: string | Buffer;
  contentType: string;
}

const json = (query: string, variables?: unknown): BadRequest => ({
  body: JSON.stringify({ query, variables }),
  contentType: "application/json",
});

const injections = [
  "'}) MATCH (n) DETACH DELETE n //",
  '"}) MATCH (n) DETACH DELETE n RETURN 1 //',
  "mali' OR 1=1 --",
  "$where",
  "` MATCH (n) SET n.x = 1 //",
  "\\u0000",
  "\u0000\u0001\u0002",
  "🇲🇱".repeat(50),
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "CALL db.index.fulltext.drop('actor_names')",
];
const luceneSyntax = [
  "*",
  "name:*",
  "goita~",
  "(",
  ")",
  "\\",
  '"',
  "AND OR NOT",
  "[a TO z]",
  "/.*/",
  "+-&&||!{}^~?:",
  "searchNames:mali^10",
];

/** Each class of bad request: a name and how to make one. */
const classes: [string, number, fc.Arbitrary<BadRequest>][] = [
  [
    "malformed JSON",
    150,
    fc.string({ maxLength: 200 }).map((s) => ({ body: `{"query": ${s}`, contentType: "application/json" })),
  ],
  [
    "wrong content type",
    100,
    fc
      .constantFrom(
        "text/plain",
        "application/xml",
        "multipart/form-data",
        "image/png",
        "application/javascript",
        "garbage/x",
      )
      .map((contentType) => ({ body: '{"query":"{ __typename }"}', contentType })),
  ],
  [
    "huge string",
    60,
    fc
      .integer({ min: 50_000, max: 400_000 })
      .map((n) =>
        json("query ($q: String!) { searchActors(query: $q) { totalCount } }", { q: "a ".repeat(n / 2) }),
      ),
  ],
  [
    "huge list",
    60,
    fc.integer({ min: 51, max: 20_000 }).map((n) =>
      json("query ($a: [String!]!) { subgraph(actors: $a) { nodes { key } } }", {
        a: Array.from({ length: n }, (_, i) => `k${i}`),
      }),
    ),
  ],
  [
    "invalid UTF-8",
    100,
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => {
      const prefix = new TextEncoder().encode('{"query":"{ actor(name: \\"');
      const suffix = new TextEncoder().encode('\\") { key } }"}');
      const invalid = Uint8Array.from([0xff, 0xfe, ...bytes, 0xc3]);
      return { body: Buffer.from([...prefix, ...invalid, ...suffix]), contentType: "application/json" };
    }),
  ],
  [
    "deeply nested variables",
    80,
    fc.integer({ min: 50, max: 5000 }).map((depth) => ({
      // Written out by hand: JSON.stringify itself overflows the stack on objects this deep.
      body: `{"query":"query ($f: RelationsFilter) { relations(filter: $f) { totalCount } }","variables":{"f":${'{"actor":'.repeat(depth)}"mali"${"}".repeat(depth)}}}`,
      contentType: "application/json",
    })),
  ],
  [
    "cyclic fragments",
    50,
    fc.integer({ min: 2, max: 20 }).map((n) => {
      const fragments = Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${(i + 1) % n} }`);
      return json(`{ ...F0 } ${fragments.join(" ")}`);
    }),
  ],
  [
    "Cypher injection in arguments",
    200,
    fc
      .tuple(
        fc.constantFrom(...injections),
        fc.constantFrom(
          "query ($v: String!) { actor(key: $v) { key } }",
          "query ($v: String!) { actor(name: $v) { key } }",
          "query ($v: String!) { relations(filter: { actor: $v }) { totalCount } }",
          "query ($v: String!) { relations(filter: { source: $v, speaker: $v }) { totalCount } }",
          "query ($v: String!) { neighbourhood(actor: $v) { nodes { key } } }",
          'query ($v: String!) { paths(from: $v, to: "mali") { paths { length } } }',
          'query ($v: String!) { timeline(actor: "mali", other: $v) { relations { key } } }',
          "query ($v: String!) { history(key: $v) { id } }",
          "query ($v: String!) { source(key: $v) { key } }",
        ),
      )
      .map(([value, query]) => json(query, { v: value })),
  ],
  [
    "Lucene injection in search",
    120,
    fc
      .tuple(fc.constantFrom(...luceneSyntax), fc.constantFrom(...luceneSyntax, "mali", "goita", ""))
      .map(([a, b]) =>
        json("query ($q: String!) { searchActors(query: $q) { totalCount } }", { q: `${a} ${b}` }),
      ),
  ],
  ["garbage documents", 100, fc.string({ minLength: 1, maxLength: 300 }).map((s) => json(s))],
  [
    "wrong variable types",
    100,
    fc
      .constantFrom<[string, unknown]>(
        ['query ($d: Int) { neighbourhood(actor: "mali", depth: $d) { nodes { key } } }', 1e12],
        ['query ($d: Int) { neighbourhood(actor: "mali", depth: $d) { nodes { key } } }', "three"],
        ['query ($d: Date) { timeline(actor: "mali", asOf: $d) { relations { key } } }', "yesterday"],
        ['query ($d: Date) { timeline(actor: "mali", asOf: $d) { relations { key } } }', "2021-13-45"],
        ["query ($n: Int) { actors(first: $n) { totalCount } }", -5],
        ["query ($n: Int) { actors(first: $n) { totalCount } }", 2 ** 40],
        ["query ($c: String) { actors(after: $c) { totalCount } }", "not-a-cursor"],
        ["query ($k: [ActorKind!]) { actors(kinds: $k) { totalCount } }", ["DRAGON"]],
        ["query ($i: ID!) { node(id: $i) { id } }", "bm9wZTpub3Bl"],
        ["query ($i: ID!) { node(id: $i) { id } }", "%%%"],
      )
      .map(([query, value]) => json(query, { d: value, n: value, c: value, k: value, i: value })),
  ],
];

describe("a thousand bad requests", () => {
  let db: Database;
  let served: Awaited<ReturnType<typeof serveOnLoopback>>;
  let base: string;
  beforeAll(async () => {
    db = await seededDatabase();
    served = await serveOnLoopback(db);
    base = served.base;
  });
  afterAll(async () => {
    await served.close();
    await db.close();
  });

  it("answers every one with a clear 4xx or a GraphQL error, and changes nothing", async () => {
    const before = await snapshotGraph(db);
    const summary: Record<string, Record<string, number>> = {};
    let sent = 0;
    for (const [name, count, arbitrary] of classes) {
      const statuses: Record<string, number> = {};
      for (const request of fc.sample(arbitrary, { numRuns: count, seed: 20261126 })) {
        const response = await fetch(`${base}/graphql`, {
          method: "POST",
          headers: { "content-type": request.contentType, accept: "application/graphql-response+json" },
          body: typeof request.body === "string" ? request.body : new Blob([new Uint8Array(request.body)]),
        });
        const text = await response.text();
        sent += 1;
        expect(response.status, `${name}: ${text.slice(0, 200)}`).toBeLessThan(500);
        // Messages may echo the bad value back (that names what was wrong); they never show the database's
        // own error text, Cypher positions or a stack frame.
        expect(text, name).not.toMatch(
          /Neo4jError|Neo\.(Client|Transient|Database)Error|\(offset: \d+\)|at [^ ]+\.(ts|js):\d+/,
        );
        const key =
          response.status === 200
            ? text.includes('"errors"')
              ? "200 with errors"
              : "200"
            : String(response.status);
        statuses[key] = (statuses[key] ?? 0) + 1;
      }
      summary[name] = statuses;
    }
    expect(sent).toBeGreaterThanOrEqual(1000);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await snapshotGraph(db)).toBe(before);
    await mkdir(path.join(projectRoot, "test-results"), { recursive: true });
    await writeFile(
      path.join(projectRoot, "test-results", "bad-requests.json"),
      `${JSON.stringify({ sent, summary }, null, 2)}\n`,
    );
    console.info(`bad requests sent: ${sent}\n${JSON.stringify(summary, null, 1)}`);
  });
});
