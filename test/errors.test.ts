import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { DomainError, overloaded, unauthenticated } from "../src/domain/errors.js";
import { logFailure, loggedMessagePoints, loggedStackPoints } from "../src/http/error-log.js";
import { defaultLimits } from "./support/defaults.js";
import { seededDatabase, serveOnLoopback } from "./support/server.js";

/**
 * The API at its edges: every error has a code, each code answers the HTTP status the GraphQL-over-HTTP spec
 * gives for the media type asked, an unknown key in any argument is NOT_FOUND naming the argument with
 * suggestions, forms cannot be sent across sites, and HEAD works wherever GET does.
 */

const editor = generateApiKey("alice", "editor");
const reader = generateApiKey("rita", "reader");
const apiKeys = parseApiKeys([editor.entry, reader.entry].join(","));

const media = ["application/graphql-response+json", "application/json"] as const;

interface Answer {
  status: number;
  headers: Headers;
  body: {
    data?: unknown;
    errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[];
  };
}

describe("errors at the edges of the API", () => {
  let db: Database;
  let served: Awaited<ReturnType<typeof serveOnLoopback>>;
  let closed: Awaited<ReturnType<typeof serveOnLoopback>>;
  let tight: Awaited<ReturnType<typeof serveOnLoopback>>;

  beforeAll(async () => {
    db = await seededDatabase();
    served = await serveOnLoopback(db, { auth: { apiKeys, readAccess: "open" } });
    closed = await serveOnLoopback(db, { auth: { apiKeys, readAccess: "key" } });
    tight = await serveOnLoopback(db, { limits: { ...defaultLimits, maxItems: 5 } });
  });
  afterAll(async () => {
    await Promise.all([served.close(), closed.close(), tight.close()]);
    await db.close();
  });

  /** POSTs a GraphQL request as JSON, asking for `accept`. */
  const post = async (
    base: string,
    body: unknown,
    accept: string = media[0],
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const response = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  };

  /** The one error of a request, which must carry `code`. */
  const failure = async (query: string, variables: Record<string, unknown> = {}, apiKey?: string) => {
    const answer = await post(
      served.base,
      { query, variables },
      media[0],
      apiKey ? { authorization: `Bearer ${apiKey}` } : {},
    );
    expect(answer.body.errors, JSON.stringify(answer.body)).toHaveLength(1);
    return answer.body.errors?.[0] as { message: string; extensions: Record<string, unknown> };
  };

  describe("each code answers the status the GraphQL-over-HTTP spec gives, for both media types", () => {
    const deep = (levels: number) => {
      let selection = "key";
      for (let i = 0; i < levels; i += 1) selection = `relations { from { ${selection} } }`;
      return `{ actor(key: "mali") { ${selection} } }`;
    };
    const mutation = 'mutation { retractRelation(input: { key: "nope", reason: "test" }) { changeId } }';
    // [what, server, request, code, status for graphql-response+json, status for application/json]
    const cases: [string, () => string, unknown, Record<string, string>, string, number, number][] = [
      ["depth", () => served.base, { query: deep(8) }, {}, "LIMIT_EXCEEDED", 400, 400],
      [
        "aliases",
        () => served.base,
        {
          query: `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: stats { actorsByKind { key } }`).join(" ")} }`,
        },
        {},
        "LIMIT_EXCEEDED",
        400,
        400,
      ],
      [
        "directives",
        () => served.base,
        { query: `{ stats ${"@include(if: true) ".repeat(30)} { actorsByKind { key } } }` },
        {},
        "LIMIT_EXCEEDED",
        400,
        400,
      ],
      [
        "tokens",
        () => served.base,
        { query: `{ ${"__typename ".repeat(3500)} }` },
        {},
        "LIMIT_EXCEEDED",
        400,
        400,
      ],
      [
        "cost",
        () => served.base,
        { query: deep(3).replace(/relations/g, "relations(limit: 1000)") },
        {},
        "LIMIT_EXCEEDED",
        400,
        400,
      ],
      [
        "item budget",
        () => tight.base,
        { query: "{ actors(first: 10) { edges { node { key } } } }" },
        {},
        "LIMIT_EXCEEDED",
        400,
        400,
      ],
      [
        "no key where reads need one",
        () => closed.base,
        { query: "{ __typename }" },
        {},
        "UNAUTHENTICATED",
        401,
        401,
      ],
      ["a write without a key", () => served.base, { query: mutation }, {}, "UNAUTHENTICATED", 401, 401],
      [
        "a write with too low a role",
        () => served.base,
        { query: mutation },
        { authorization: `Bearer ${reader.key}` },
        "FORBIDDEN",
        403,
        403,
      ],
      ["a body that is not JSON", () => served.base, '{"query": ', {}, "BAD_REQUEST", 400, 400],
      [
        "a document that does not parse",
        () => served.base,
        { query: "{ nope" },
        {},
        "GRAPHQL_PARSE_FAILED",
        400,
        200,
      ],
      [
        "a document that does not validate",
        () => served.base,
        { query: "{ nope }" },
        {},
        "GRAPHQL_VALIDATION_FAILED",
        400,
        200,
      ],
      [
        "a literal a scalar refuses",
        () => served.base,
        { query: '{ timeline(actor: "mali", asOf: "2021-02-30") { relations { key } } }' },
        {},
        "BAD_USER_INPUT",
        400,
        200,
      ],
      [
        "a variable that cannot be coerced",
        () => served.base,
        {
          query: 'query ($d: Date) { timeline(actor: "mali", asOf: $d) { relations { key } } }',
          variables: { d: "soon" },
        },
        {},
        "BAD_USER_INPUT",
        400,
        200,
      ],
      [
        "an argument out of its range (a field error)",
        () => served.base,
        { query: '{ neighbourhood(actor: "mali", depth: 0) { nodes { key } } }' },
        {},
        "BAD_USER_INPUT",
        200,
        200,
      ],
      [
        "an unknown key (a field error)",
        () => served.base,
        { query: '{ neighbourhood(actor: "atlantis") { nodes { key } } }' },
        {},
        "NOT_FOUND",
        200,
        200,
      ],
      [
        "a write on an unknown key",
        () => served.base,
        { query: mutation },
        { authorization: `Bearer ${editor.key}` },
        "NOT_FOUND",
        200,
        200,
      ],
    ];

    it.each(cases)("%s", async (_what, server, body, headers, code, modern, legacy) => {
      for (const [accept, status] of [
        [media[0], modern],
        [media[1], legacy],
      ] as const) {
        const answer = await post(server(), body, accept, headers);
        expect(answer.status, `${accept}: ${JSON.stringify(answer.body)}`).toBe(status);
        expect(answer.body.errors?.[0]?.extensions?.code, accept).toBe(code);
        // The http extension is for yoga's status, never for the client.
        expect(answer.body.errors?.[0]?.extensions?.http).toBeUndefined();
      }
    });

    it("refuses a mutation over GET with 405 for both media types", async () => {
      const url = `${served.base}/graphql?query=${encodeURIComponent('mutation { retractRelation(input: {key: "x", reason: "y"}) { changeId } }')}`;
      for (const accept of media) {
        const response = await fetch(url, { headers: { accept } });
        expect(response.status, accept).toBe(405);
        expect((await response.json()).errors[0].extensions.code).toBe("BAD_REQUEST");
      }
    });
  });

  describe("the framework's errors carry a code", () => {
    it.each([
      ['{ node(id: "%%%") { id } }', /Invalid|global id/i],
      ['{ node(id: "bm9wZTpub3Bl") { id } }', /names nothing/],
      ['{ actors(after: "not-a-cursor") { totalCount } }', /cursor/],
      ['{ relations(after: "T2Zmc2V0Q29ubmVjdGlvbjotMQ==") { totalCount } }', /cursor/],
      ["query ($n: Int!) { actors(first: $n) { totalCount } }", /\$n/],
    ])("%s answers BAD_USER_INPUT", async (query, message) => {
      const error = await failure(query);
      expect(error.extensions.code).toBe("BAD_USER_INPUT");
      expect(error.message).toMatch(message);
    });

    it("a missing variable or an operation it cannot pick is a request error: 400 or 200 by media type", async () => {
      for (const [accept, status] of [
        [media[0], 400],
        [media[1], 200],
      ] as const) {
        const missing = await post(
          served.base,
          { query: "query ($n: Int!) { actors(first: $n) { totalCount } }" },
          accept,
        );
        expect(missing.status, accept).toBe(status);
        expect(missing.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
        const many = await post(
          served.base,
          { query: "query A { __typename } query B { __typename }" },
          accept,
        );
        expect(many.status, accept).toBe(status);
        expect(many.body.errors?.[0]?.extensions?.code).toBe("OPERATION_RESOLUTION_FAILURE");
      }
    });
  });

  describe("an unknown key in an argument is NOT_FOUND, naming the argument, with suggestions", () => {
    it.each([
      [
        '{ relations(filter: { speaker: "lavrov" }) { totalCount } }',
        "actor",
        "lavrov",
        "filter.speaker",
        "sergei-lavrov",
      ],
      [
        '{ relations(filter: { source: "004" }) { totalCount } }',
        "source",
        "004",
        "filter.source",
        "src-004-dw-mali-dit-oui-russie",
      ],
      [
        '{ relations(filter: { actor: "Russie" }) { totalCount } }',
        "actor",
        "Russie",
        "filter.actor",
        "russia",
      ],
      ['{ paths(from: "France", to: "mali") { paths { length } } }', "actor", "France", "from", "france"],
      ['{ paths(from: "mali", to: "wagnr") { paths { length } } }', "actor", "wagnr", "to", "wagner"],
      ['{ timeline(actor: "goita") { relations { key } } }', "actor", "goita", "actor", "assimi-goita"],
      [
        '{ timeline(actor: "mali", other: "Moscou") { relations { key } } }',
        "actor",
        "Moscou",
        "other",
        "russia",
      ],
      ['{ neighbourhood(actor: "lavrov") { nodes { key } } }', "actor", "lavrov", "actor", "sergei-lavrov"],
      [
        '{ subgraph(actors: ["mali", "lavrov"]) { nodes { key } } }',
        "actor",
        "lavrov",
        "actors",
        "sergei-lavrov",
      ],
      ['{ claims(actor: "wagner-group") { relation { key } } }', "actor", "wagner-group", "actor", "wagner"],
      ['{ history(key: "lavrov") { id } }', "actor, relation or source", "lavrov", "key", "sergei-lavrov"],
    ])("%s", async (query, what, key, argument, suggestion) => {
      const error = await failure(query);
      expect(error.extensions.code).toBe("NOT_FOUND");
      expect(error.message).toContain(`No ${what} with key "${key}" (${argument}); did you mean`);
      expect(error.message).toContain(`"${suggestion}"`);
      expect(error.extensions).toMatchObject({ key, argument });
      const suggestions = error.extensions.suggestions as string[];
      expect(suggestions).toContain(suggestion);
      expect(suggestions.length).toBeLessThanOrEqual(3);
    });

    it("names the input of a write, with suggestions", async () => {
      const error = await failure(
        'mutation { updateActor(input: { key: "lavrov", description: "x" }) { changeId } }',
        {},
        editor.key,
      );
      expect(error.extensions).toMatchObject({ code: "NOT_FOUND", key: "lavrov", argument: "input.key" });
      expect(error.extensions.suggestions).toContain("sergei-lavrov");
    });

    it("suggests relation keys for an unknown relation to retract, and retracts nothing", async () => {
      const error = await failure(
        'mutation { retractRelation(input: { key: "rel-diop-visit", reason: "test" }) { changeId } }',
        {},
        editor.key,
      );
      expect(error.extensions).toMatchObject({
        code: "NOT_FOUND",
        key: "rel-diop-visit",
        argument: "input.key",
      });
      expect(error.extensions.suggestions).toContain("rel-diop-visit-russia");
      const answer = await post(served.base, {
        query: '{ relation(key: "rel-diop-visit-russia") { retraction { at } } }',
      });
      expect(answer.body).toEqual({ data: { relation: { retraction: null } } });
    });

    it("suggests keys for the unknown actors of a relation to write, among its problems", async () => {
      const error = await failure(
        `mutation { assertRelation(input: { type: VISIT, from: "lavrov", to: "mali", at: "2021",
          citations: [{ source: "src-004-dw-mali-dit-oui-russie", quote: "Lavrov", speaker: "moscou", stance: REPORTS }] }) { changeId } }`,
        {},
        editor.key,
      );
      expect(error.extensions.code).toBe("BAD_USER_INPUT");
      expect(error.extensions.problems).toEqual(
        expect.arrayContaining([
          { where: "input.from", message: 'unknown actor "lavrov"; did you mean "sergei-lavrov"?' },
          expect.objectContaining({
            where: "input.citations.0.speaker",
            message: expect.stringMatching(/^unknown actor "moscou"; did you mean "russia"/),
          }),
        ]),
      );
    });

    it("offers no suggestion when nothing is close, and never lets the key reach Lucene's syntax", async () => {
      for (const key of ["zzzzqqq", "*", "name:* OR x~", "!!!"]) {
        const error = await failure("query ($k: String!) { neighbourhood(actor: $k) { nodes { key } } }", {
          k: key,
        });
        expect(error.extensions.code, key).toBe("NOT_FOUND");
        // Lucene's syntax is dropped: only the words "name", "or" and "x" are looked for.
        if (!key.includes("name")) expect(error.extensions.suggestions, key).toBeUndefined();
      }
    });

    it("answers the relations of a known speaker and source as before, and an empty history for a seed record", async () => {
      const answer = await post(served.base, {
        query: `{ a: relations(filter: { speaker: "russian-foreign-ministry", source: "src-004-dw-mali-dit-oui-russie" }) { totalCount }
          h: history(key: "mali") { id } }`,
      });
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data).toMatchObject({ h: [] });
    });

    it("refuses a direction without an actor, which would be ignored", async () => {
      const error = await failure("{ relations(filter: { direction: OUTGOING }) { totalCount } }");
      expect(error.extensions.code).toBe("BAD_USER_INPUT");
      expect(error.message).toMatch(/"direction" OUTGOING needs "actor"/);
    });
  });

  describe("cross-site requests", () => {
    const form = (contentType: string, body: BodyInit, headers: Record<string, string> = {}) =>
      fetch(`${served.base}/graphql`, {
        method: "POST",
        headers: { "content-type": contentType, origin: "https://elsewhere.example", ...headers },
        body,
      });
    const query = "{ __typename }";

    it("refuses a form POST without a CSRF header with 403, and runs it with one", async () => {
      const bodies: [string, () => BodyInit][] = [
        ["application/x-www-form-urlencoded", () => new URLSearchParams({ query }).toString()],
        ["text/plain", () => JSON.stringify({ query })],
      ];
      for (const [contentType, body] of bodies) {
        const refused = await form(contentType, body());
        expect(refused.status, contentType).toBe(403);
        expect((await refused.json()).errors[0].extensions.code).toBe("BAD_REQUEST");
      }
      const multipart = new FormData();
      multipart.set("operations", JSON.stringify({ query }));
      multipart.set("map", "{}");
      const refused = await fetch(`${served.base}/graphql`, { method: "POST", body: multipart });
      expect(refused.status).toBe(403);
      for (const header of ["x-graphql-csrf", "graphql-require-preflight"]) {
        const allowed = await form(
          "application/x-www-form-urlencoded",
          new URLSearchParams({ query }).toString(),
          { [header]: "1" },
        );
        expect(allowed.status, header).toBe(200);
        expect((await allowed.json()).data).toEqual({ __typename: "Query" });
      }
    });

    it("lets JSON requests through as before (GraphiQL, the explorer and the notebook send JSON)", async () => {
      const answer = await post(served.base, { query }, media[1], { origin: "https://elsewhere.example" });
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual({ __typename: "Query" });
    });
  });

  describe("HEAD wherever GET works", () => {
    const query = encodeURIComponent("{ __typename }");
    it.each<[string, string | null, Record<string, string>]>([
      [`/graphql?query=${query}`, "application/graphql-response+json", { accept: media[0] }],
      [`/graphql?query=${query}`, "application/json", {}],
      ["/graphql", "text/html", { accept: "text/html" }],
      ["/health", "application/json", {}],
      ["/ready", "application/json", {}],
      ["/live", null, {}],
      ["/", "text/html", {}],
      ["/explorer/explorer.js", "text/javascript", {}],
      ["/explorer/explorer.css", "text/css", {}],
      ["/explorer/vendor/cytoscape.esm.min.mjs", "text/javascript", {}],
      ["/export/actors.csv", "text/csv", {}],
    ])("HEAD %s answers 200 as GET does, without a body", async (path, type, headers) => {
      const get = await fetch(`${served.base}${path}`, { headers });
      const head = await fetch(`${served.base}${path}`, { method: "HEAD", headers });
      expect(head.status).toBe(200);
      expect(head.status).toBe(get.status);
      if (type) expect(head.headers.get("content-type")).toContain(type);
      expect(head.headers.get("content-type")).toBe(get.headers.get("content-type"));
      expect(await head.text()).toBe("");
    });

    it("refuses a mutation over HEAD as over GET", async () => {
      const mutation = encodeURIComponent(
        'mutation { retractRelation(input: {key: "x", reason: "y"}) { changeId } }',
      );
      const head = await fetch(`${served.base}/graphql?query=${mutation}`, {
        method: "HEAD",
        headers: { authorization: `Bearer ${editor.key}` },
      });
      expect(head.status).toBe(405);
    });
  });

  describe("what an error echoes and a log line holds is cut to size (issue 29)", () => {
    /** The service's log lines, as pino writes them. */
    const lines: string[] = [];
    const log = pino({ level: "debug", base: undefined }, { write: (line: string) => lines.push(line) });
    let logging: Awaited<ReturnType<typeof serveOnLoopback>>;
    beforeAll(async () => {
      logging = await serveOnLoopback(db, { log });
    });
    afterAll(() => logging.close());

    it("answers an unknown actor key of 200 KB in a small answer and a small info line without a stack", async () => {
      const key = "x".repeat(200_000);
      lines.length = 0;
      const response = await fetch(`${logging.base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: media[0] },
        body: JSON.stringify({
          query: "query ($k: String!) { neighbourhood(actor: $k) { nodes { key } } }",
          variables: { k: key },
        }),
      });
      const text = await response.text();
      // Before: 400 KB (the key in the message and in extensions.key).
      expect(text.length).toBeLessThan(2_000);
      const [error] = JSON.parse(text).errors;
      expect(error.extensions.code).toBe("NOT_FOUND");
      expect(error.message).toMatch(/^No actor with key "x{40}"… \(200000 code points\) \(actor\)/);
      expect(error.extensions.key).toMatch(/^x{120}… \(200000 code points\)$/);
      // Before: one error-level line of 601 KB with the stack.
      const entries = lines.map((line) => JSON.parse(line));
      for (const line of lines) expect(line.length).toBeLessThan(2_000);
      const failure = entries.find((entry) => entry.error?.code === "NOT_FOUND");
      expect(failure).toMatchObject({ level: 30, component: "yoga" });
      expect(failure.error.stack).toBeUndefined();
      expect(entries.filter((entry) => entry.level >= 50)).toEqual([]);
    });

    it("logs client errors at info, refusals under load at warn, both without stacks; failures at error with one", () => {
      lines.length = 0;
      const long = "y".repeat(100_000);
      logFailure(log, new DomainError("CONFLICT", long), "client");
      logFailure(log, unauthenticated("No such key"), "client");
      logFailure(log, overloaded("Too much", {}), "load");
      logFailure(log, new Error(long), "server");
      const entries = lines.map((line) => JSON.parse(line));
      expect(entries.map((entry) => [entry.msg, entry.level, entry.error.stack === undefined])).toEqual([
        ["client", 30, true],
        ["client", 30, true],
        ["load", 40, true],
        ["server", 50, false],
      ]);
      for (const line of lines) expect(line.length).toBeLessThan(loggedStackPoints * 2);
      expect(entries[0].error.message).toBe(`${"y".repeat(loggedMessagePoints)}… (100000 code points)`);
      expect(entries[3].error.stack).toMatch(/^Error: y{300}… \(100000 code points\)\n {4}at /);
    });
  });
});
