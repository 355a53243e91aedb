import { readFile } from "node:fs/promises";
import { isInputObjectType, isInterfaceType, isObjectType, isSpecifiedScalarType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { schema } from "../src/graphql/schema.js";
import { printedSchema, sdlFile } from "../src/graphql/sdl.js";
import { loadSeed } from "../src/seed/load.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { type GraphQLResponse, graphqlClient } from "./support/graphql.js";
import { seedDir } from "./support/seed-copy.js";

// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field below
type Data = any;

describe("GraphQL API over the seed corpus", () => {
  let db: Database;
  let query: (q: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<Data>>;
  /** Runs a query that must succeed and returns its data. */
  const data = async (q: string, variables?: Record<string, unknown>) => {
    const response = await query(q, variables);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  };
  /** Runs a query that must fail and returns its one error. */
  const failure = async (q: string, variables?: Record<string, unknown>) => {
    const response = await query(q, variables);
    expect(response.errors).toHaveLength(1);
    return response.errors?.[0] as { message: string; extensions?: { code?: string } };
  };

  beforeAll(async () => {
    db = await connectTestDatabase();
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog);
    query = graphqlClient(db);
  });
  afterAll(() => db.close());

  describe("actors", () => {
    it("finds an actor by key, and by any of its spellings", async () => {
      for (const name of ["Goïta", "GOITA", "goita", "Assimi  Goïta", "Colonel Assimi Goita"]) {
        const result = await data(`query ($name: String) { actor(name: $name) { key } }`, { name });
        expect(result.actor?.key ?? null, name).toBe(name.startsWith("Colonel") ? null : "assimi-goita");
      }
      const russia = await data(
        `{ a: actor(name: "Moscou") { key } b: actor(name: "Kremlin") { key } c: actor(name: "Fédération de Russie") { key } }`,
      );
      expect([russia.a.key, russia.b.key, russia.c.key]).toEqual(["russia", "russia", "russia"]);
      expect((await data(`{ actor(key: "sergei-lavrov") { name kind __typename } }`)).actor).toEqual({
        name: "Sergueï Lavrov",
        kind: "PERSON",
        __typename: "Person",
      });
    });

    it("types each actor by its kind behind the Actor interface", async () => {
      const result =
        await data(`{ mali: actor(key: "mali") { __typename } wagner: actor(key: "wagner") { __typename }
        barkhane: actor(key: "barkhane") { __typename } }`);
      expect(result).toEqual({
        mali: { __typename: "State" },
        wagner: { __typename: "PrivateMilitaryCompany" },
        barkhane: { __typename: "MilitaryOperation" },
      });
    });

    it("searches names and aliases ignoring accents, case and punctuation, filtered by kind", async () => {
      const search = async (q: string, kinds?: string[]) =>
        (
          await data(
            `query ($q: String!, $kinds: [ActorKind!]) { searchActors(query: $q, kinds: $kinds) {
          totalCount edges { node { key } } } }`,
            { q, kinds },
          )
        ).searchActors;
      expect((await search("GOÏTA!")).edges.map((e: Data) => e.node.key)).toEqual(["assimi-goita"]);
      expect((await search("lavrov")).edges.map((e: Data) => e.node.key)).toEqual(["sergei-lavrov"]);
      expect((await search("russie")).edges.map((e: Data) => e.node.key)).toContain("russia");
      const states = await search("russie", ["STATE"]);
      expect(states.edges.map((e: Data) => e.node.key)).toEqual(["russia"]);
      // Lucene syntax in a search term is just punctuation: it cannot change the query.
      expect((await search('lavrov) OR name:* AND "')).edges.map((e: Data) => e.node.key)).toEqual([]);
      expect((await search("lavrov~ ^")).totalCount).toBe(1);
    });

    it("pages with cursors in a stable order, with totalCount", async () => {
      const page = async (after?: string) =>
        (
          await data(
            `query ($after: String) { actors(first: 10, after: $after) { totalCount
          edges { cursor node { key } } pageInfo { hasNextPage endCursor } } }`,
            { after },
          )
        ).actors;
      const keys: string[] = [];
      let cursor: string | undefined;
      let total = 0;
      for (;;) {
        const result = await page(cursor);
        total = result.totalCount;
        keys.push(...result.edges.map((e: Data) => e.node.key));
        if (!result.pageInfo.hasNextPage) break;
        cursor = result.pageInfo.endCursor;
      }
      expect(keys).toHaveLength(total);
      expect(keys).toEqual([...keys].sort());
      expect(new Set(keys).size).toBe(total);
    });
  });

  describe("relations", () => {
    it("answers a relation with its endpoints, time qualifiers and citations", async () => {
      const { relation } = await data(`{ relation(key: "rel-diop-visit-russia") { type from { key } to { key }
        at { value precision earliest latest } citations { quote start end stance speaker { key } source { key } } } }`);
      expect(relation.type).toBe("VISIT");
      expect(relation.from.key).toBe("abdoulaye-diop");
      expect(relation.at).toEqual({
        value: "2021-11-11",
        precision: "DAY",
        earliest: "2021-11-11",
        latest: "2021-11-11",
      });
      expect(relation.citations.length).toBeGreaterThan(0);
      expect(relation.citations[0].source.key).toBe("src-004-dw-mali-dit-oui-russie");
    });

    it("filters by type, actor and direction, source, speaker, stance and date window", async () => {
      const relations = async (filter: Record<string, unknown>) =>
        (
          await data(
            `query ($filter: RelationsFilter) { relations(filter: $filter, first: 100) { totalCount
          edges { node { key type from { key } to { key } at { value } start { value }
          citations { stance speaker { key } source { key } } } } } }`,
            { filter },
          )
        ).relations;
      const visits = await relations({ types: ["VISIT"] });
      expect(visits.totalCount).toBeGreaterThan(3);
      expect(visits.edges.every((e: Data) => e.node.type === "VISIT")).toBe(true);

      const outOfRussia = await relations({ actor: "russia", direction: "OUTGOING" });
      expect(outOfRussia.edges.every((e: Data) => e.node.from.key === "russia")).toBe(true);
      const intoRussia = await relations({ actor: "russia", direction: "INCOMING" });
      expect(intoRussia.edges.every((e: Data) => e.node.to.key === "russia")).toBe(true);
      const both = await relations({ actor: "russia" });
      expect(both.totalCount).toBe(outOfRussia.totalCount + intoRussia.totalCount);

      const fromDw = await relations({ source: "src-004-dw-mali-dit-oui-russie" });
      expect(fromDw.totalCount).toBeGreaterThan(0);
      for (const e of fromDw.edges) {
        expect(e.node.citations.some((c: Data) => c.source.key === "src-004-dw-mali-dit-oui-russie")).toBe(
          true,
        );
      }
      const byMinistry = await relations({ speaker: "russian-foreign-ministry" });
      expect(byMinistry.totalCount).toBeGreaterThan(0);
      const denied = await relations({ stances: ["DENIES"] });
      expect(denied.edges.every((e: Data) => e.node.citations.some((c: Data) => c.stance === "DENIES"))).toBe(
        true,
      );

      const in2021 = await relations({ from: "2021-01-01", to: "2021-12-31" });
      expect(in2021.totalCount).toBeGreaterThan(0);
      for (const e of in2021.edges) {
        const begin = e.node.at?.value ?? e.node.start?.value;
        expect(begin <= "2021-12-31").toBe(true);
      }
    });

    it("counts an event dated to a month as overlapping any window inside that month", async () => {
      const { relations } = await data(`{ relations(filter: { from: "2021-05-15", to: "2021-05-20" }) {
        edges { node { key } } } }`);
      expect(relations.edges.map((e: Data) => e.node.key)).toContain("rel-goita-rise-to-power-mali");
    });

    it("lists claims with each side's citations", async () => {
      const { claims } =
        await data(`{ claims { relation { key contested } supporting { stance speaker { key } }
        denying { stance speaker { key } quote } } }`);
      expect(claims.length).toBeGreaterThanOrEqual(2);
      for (const claim of claims) {
        expect(claim.relation.contested).toBe(true);
        expect(claim.supporting.length).toBeGreaterThan(0);
        expect(claim.denying.every((c: Data) => c.stance === "DENIES")).toBe(true);
      }
      const wagner = claims.find((c: Data) => c.relation.key === "rel-wagner-deployment-mali");
      expect(wagner.denying.map((c: Data) => c.speaker.key)).toContain("malian-transition-government");
    });

    it("tells a timeline in date order", async () => {
      // Dated relations only: undated ones placed by their report date are the claims suite's.
      const { timeline } = await data(
        `{ timeline(actor: "mali", byReportDate: false) { relations { key at { earliest } start { earliest } } } }`,
      );
      const dates = timeline.relations.map((r: Data) => r.at?.earliest ?? r.start?.earliest);
      expect(dates.length).toBeGreaterThan(3);
      expect(dates.every((d: string | undefined) => typeof d === "string")).toBe(true);
      expect(dates).toEqual([...dates].sort());
      const pair = await data(`{ timeline(actor: "barkhane", other: "serval") { relations { key } } }`);
      expect(pair.timeline.relations.length).toBeGreaterThan(0);
    });
  });

  describe("traversals", () => {
    it("returns the neighbourhood of an actor, deeper with depth, filtered by type", async () => {
      const hood = async (depth: number, types?: string[]) =>
        (
          await data(
            `query ($depth: Int, $types: [RelationType!]) { neighbourhood(actor: "wagner", depth: $depth, types: $types) {
          nodes { key } edges { key type from { key } to { key } } } }`,
            { depth, types },
          )
        ).neighbourhood;
      const one = await hood(1);
      const two = await hood(2);
      expect(one.nodes.map((n: Data) => n.key)).toContain("mali");
      expect(two.nodes.length).toBeGreaterThan(one.nodes.length);
      const keys = new Set(two.nodes.map((n: Data) => n.key));
      for (const edge of two.edges) expect(keys.has(edge.from.key) && keys.has(edge.to.key)).toBe(true);
      // Each actor and relation once, by key (code point order, as Cypher's), however often the hops reach it.
      for (const list of [two.nodes, two.edges, one.nodes, one.edges]) {
        const listed = list.map((x: Data) => x.key);
        expect(listed).toEqual([...new Set(listed)].sort());
      }
      const deployments = await hood(2, ["DEPLOYMENT"]);
      expect(deployments.edges.every((e: Data) => e.type === "DEPLOYMENT")).toBe(true);
    });

    it("gives a subgraph whose edges all stay among its nodes", async () => {
      const { subgraph } = await data(`{ subgraph(actors: ["mali", "russia"], depth: 1) { nodes { key }
        edges { from { key } to { key } } } }`);
      const keys = new Set(subgraph.nodes.map((n: Data) => n.key));
      expect(keys.has("mali") && keys.has("russia")).toBe(true);
      for (const edge of subgraph.edges) expect(keys.has(edge.from.key) && keys.has(edge.to.key)).toBe(true);
    });

    it("finds the shortest path from Wagner to Goïta, each step cited", async () => {
      const { paths } = (
        await data(`{ paths(from: "wagner", to: "assimi-goita") { paths { length steps { from { key } to { key }
        forward relation { citations { quote } } } } } }`)
      ).paths;
      expect(paths).toHaveLength(1);
      const [path] = paths;
      expect(path.steps[0].from.key).toBe("wagner");
      expect(path.steps.at(-1).to.key).toBe("assimi-goita");
      for (let i = 1; i < path.steps.length; i += 1)
        expect(path.steps[i].from.key).toBe(path.steps[i - 1].to.key);
      for (const step of path.steps) expect(step.relation.citations.length).toBeGreaterThan(0);
      const all = await data(`{ paths(from: "wagner", to: "assimi-goita", all: true) { paths { length } } }`);
      expect(all.paths.paths.every((p: Data) => p.length === path.length)).toBe(true);
      const none = await data(
        `{ paths(from: "wagner", to: "assimi-goita", maxHops: 1) { paths { length } } }`,
      );
      expect(none.paths.paths).toEqual([]);
    });

    it("travels in time: asOf keeps only what was in force that day", async () => {
      const asOf = async (day: string) =>
        (
          await data(
            `query ($day: Date) { subgraph(actors: ["mali"], depth: 2, asOf: $day) {
          edges { key at { earliest } start { earliest } end { latest } } } }`,
            { day },
          )
        ).subgraph.edges;
      const before = await asOf("2021-06-01");
      const after = await asOf("2025-12-31");
      expect(before.length).toBeGreaterThan(0);
      expect(after.length).toBeGreaterThan(before.length);
      for (const edge of before) {
        const begin = edge.at?.earliest ?? edge.start?.earliest;
        expect(begin <= "2021-06-01").toBe(true);
        if (edge.end) expect(edge.end.latest >= "2021-06-01").toBe(true);
      }
      expect(before.map((e: Data) => e.key)).not.toContain("rel-russian-instructors-deployment-mali");
    });
  });

  describe("sources, citations and stats", () => {
    it("gives each source with its quotes, the relations it supports and the actors it mentions", async () => {
      const { source } = await data(`{ source(key: "src-004-dw-mali-dit-oui-russie") { title author
        published { value precision earliest latest } url retrievedOn language
        text citations { quote start end context(chars: 40) { before quote after } } relations { key }
        mentions { actor { key } start end text } } }`);
      expect(source).toMatchObject({
        title: "Le Mali dit oui à la Russie",
        author: "Mahamadou Kane",
        published: { value: "2021-11-11", precision: "DAY", earliest: "2021-11-11", latest: "2021-11-11" },
        // The article states neither where it was read nor when: unknown stays null.
        url: null,
        retrievedOn: null,
        language: "fr",
      });
      const points = Array.from(source.text as string);
      for (const citation of source.citations) {
        expect(points.slice(citation.start, citation.end).join("")).toBe(citation.quote);
        expect(citation.context.quote).toBe(citation.quote);
        expect(source.text).toContain(`${citation.context.before}${citation.quote}${citation.context.after}`);
        expect(Array.from(citation.context.before as string).length).toBeLessThanOrEqual(40);
      }
      expect(source.relations.length).toBeGreaterThan(0);
      const lavrov = source.mentions.find((m: Data) => m.actor.key === "sergei-lavrov");
      expect(lavrov.text).toBe("Serguei Lavrov");
      for (const mention of source.mentions) {
        expect(points.slice(mention.start, mention.end).join("")).toBe(mention.text);
      }
      const starts = source.mentions.map((m: Data) => m.start);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
    });

    it("resolves global ids through node() for every node type", async () => {
      const ids = await data(`{ actor(key: "mali") { id } relation(key: "rel-diop-visit-russia") { id
        citations { id } } source(key: "src-000-apa-diop-sputnik") { id } }`);
      const nodes = await data(
        `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename
        ... on Actor { key } ... on Relation { key } ... on Citation { key } ... on Source { key } } }`,
        {
          ids: [ids.actor.id, ids.relation.id, ids.relation.citations[0].id, ids.source.id],
        },
      );
      expect(nodes.nodes).toEqual([
        { __typename: "State", key: "mali" },
        { __typename: "Relation", key: "rel-diop-visit-russia" },
        { __typename: "Citation", key: "rel-diop-visit-russia#1" },
        { __typename: "Source", key: "src-000-apa-diop-sputnik" },
      ]);
    });

    it("counts actors per kind and relations per type", async () => {
      const { stats } = await data("{ stats { actorsByKind { key count } relationsByType { key count } } }");
      const { records } = await db.read("MATCH ()-[r:RELATION]->() RETURN count(r) AS n");
      const total = stats.relationsByType.reduce((sum: number, row: Data) => sum + row.count, 0);
      expect(total).toBe(records[0]?.get("n"));
      expect(stats.actorsByKind.find((row: Data) => row.key === "STATE").count).toBeGreaterThanOrEqual(4);
    });
  });

  describe("errors", () => {
    it.each([
      [
        '{ neighbourhood(actor: "mali", depth: 9) { nodes { key } } }',
        "LIMIT_EXCEEDED",
        /"depth" may be at most 3; got 9/,
      ],
      [
        '{ neighbourhood(actor: "mali", depth: 0) { nodes { key } } }',
        "BAD_USER_INPUT",
        /"depth" must be at least 1/,
      ],
      [
        '{ paths(from: "mali", to: "russia", maxHops: 20) { paths { length } } }',
        "LIMIT_EXCEEDED",
        /"maxHops" may be at most 6/,
      ],
      ['{ neighbourhood(actor: "atlantis") { nodes { key } } }', "NOT_FOUND", /No actor with key "atlantis"/],
      [
        '{ paths(from: "mali", to: "atlantis") { paths { length } } }',
        "NOT_FOUND",
        /No actor with key "atlantis"/,
      ],
      [
        '{ timeline(actor: "mali", asOf: "2021-02-30") { relations { key } } }',
        "BAD_USER_INPUT",
        /Date must be a calendar date/,
      ],
      ["{ actors(first: 500) { totalCount } }", "BAD_USER_INPUT", /"first" must be between 0 and 100/],
      ['{ actor(key: "mali", name: "Mali") { key } }', "BAD_USER_INPUT", /exactly one of "key" and "name"/],
      [
        '{ relations(filter: { from: "2022-01-01", to: "2021-01-01" }) { totalCount } }',
        "BAD_USER_INPUT",
        /"from" is after "to"/,
      ],
    ])("%s answers %s", async (q, code, message) => {
      const error = await failure(q);
      expect(error.extensions?.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(error.message).not.toMatch(/MATCH|Neo4j|\bat .*\.ts:\d+/);
    });

    it("an unknown id in node() and nodes() is null, not an error, as an unknown key in a lookup", async () => {
      const globalId = (type: string, key: string) => Buffer.from(`${type}:${key}`).toString("base64");
      const ids = [globalId("State", "atlantis"), globalId("Relation", "nope"), globalId("Source", "nope")];
      const result = await data(
        `query ($id: ID!, $ids: [ID!]!) { node(id: $id) { id } nodes(ids: $ids) { id }
          actor(key: "atlantis") { key } relation(key: "nope") { key } source(key: "nope") { key } }`,
        { id: ids[0], ids },
      );
      expect(result).toEqual({
        node: null,
        nodes: [null, null, null],
        actor: null,
        relation: null,
        source: null,
      });
      // The same id form names a real actor, so the nulls above are about the keys, not the ids.
      expect(
        (await data(`query ($id: ID!) { node(id: $id) { id } }`, { id: globalId("State", "mali") })).node,
      ).toEqual({
        id: globalId("State", "mali"),
      });
    });
  });

  it("costs round trips that depend on the depth of a query, not on the number of results", async () => {
    const deep = `query ($first: Int) { actors(first: $first) { edges { node { key
      relations(limit: 10) { key to { key relations(limit: 10) { key citations(limit: 3) { quote source { key } } } } } } } } }`;
    const count = async (first: number) => {
      const before = db.roundTrips;
      const response = await data(deep, { first });
      return { trips: db.roundTrips - before, actors: response.actors.edges.length };
    };
    const small = await count(2);
    const large = await count(40);
    expect(large.actors).toBe(40);
    expect(small.actors).toBe(2);
    // The page of actors with their relations, then the other actors' relations with their citations and the
    // citations' sources.
    expect(large.trips).toBe(small.trips);
    expect(large.trips).toBe(2);
  });

  it("reads a page's actors with their relations as each actor alone would have them", async () => {
    const relations = "relations(limit: 4, direction: OUTGOING) { key type to { key name } }";
    const page = await data(`{ actors(first: 40) { edges { node { key ${relations} } } } }`);
    const actors = page.actors.edges.map((e: Data) => e.node);
    expect(actors.length).toBe(40);
    expect(actors.filter((a: Data) => a.relations.length > 0).length).toBeGreaterThan(5);
    for (const actor of actors) {
      const alone = await data(`query ($key: String!) { actor(key: $key) { key ${relations} } }`, {
        key: actor.key,
      });
      expect(actor).toEqual(alone.actor);
    }
  });

  it("answers an actor with its cited relations, a neighbourhood, a path and a relation page in one round trip each", async () => {
    const citationFields =
      "key quote reportedOn { value precision } source { key title published { value } }";
    const trips = async (query: string) => {
      const before = db.roundTrips;
      const response = await data(query);
      return { trips: db.roundTrips - before, response };
    };
    const oneHop = await trips(
      `{ actor(key: "mali") { name relations(types: [ARMS_SUPPLY]) { key from { key } to { key } citations { ${citationFields} } } } }`,
    );
    expect(oneHop.trips).toBe(1);
    // The citations (and their sources) fetched with the relations are those the loaders find.
    const relations = oneHop.response.actor.relations as { key: string; citations: unknown[] }[];
    expect(relations.length).toBeGreaterThan(0);
    for (const relation of relations) {
      const alone = await data(
        `query ($key: String!) { relation(key: $key) { citations { ${citationFields} } } }`,
        {
          key: relation.key,
        },
      );
      expect(relation.citations).toEqual(alone.relation.citations);
    }
    for (const query of [
      `{ neighbourhood(actor: "wagner", depth: 2) { nodes { key name } edges { key type } } }`,
      `{ paths(from: "wagner", to: "france") { paths { steps { from { key } to { key } relation { key citations { quote } } } } } }`,
      `{ relations(first: 5, filter: { actor: "russia" }) { totalCount edges { node { key citations { quote } } } } }`,
    ]) {
      expect((await trips(query)).trips, query).toBe(1);
    }
  });
});

describe("schema documentation", () => {
  it("describes every type, field and argument, so that GraphiQL documents the whole API", () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__") || isSpecifiedScalarType(type)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of "args" in field ? field.args : []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("schema/schema.graphql", () => {
  it("is the SDL the code prints (run npm run schema:print after changing the API)", async () => {
    expect(await readFile(sdlFile, "utf8")).toBe(printedSchema());
  });
});
