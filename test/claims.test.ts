import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { openExport } from "../src/db/export.js";
import { firstDay, lastDay } from "../src/domain/dates.js";
import { exportFiles, exportText } from "../src/export/formats.js";
import { loadSeed } from "../src/seed/load.js";
import { readSeed, type SeedCorpus } from "../src/seed/read.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { type GraphQLResponse, graphqlClient } from "./support/graphql.js";
import { seedDir } from "./support/seed-copy.js";

// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field below
type Data = any;

const editor = generateApiKey("alice", "editor");

/**
 * The analyst's questions about claims and time (issue 16), each in one query against the seed. Expected values
 * are computed here from the seed files and the article texts, independently of the database's Cypher.
 */
describe("claims and time", () => {
  let db: Database;
  let corpus: SeedCorpus;
  let query: (q: string, variables?: Record<string, unknown>, key?: string) => Promise<GraphQLResponse<Data>>;
  const data = async (q: string, variables?: Record<string, unknown>, key?: string) => {
    const response = await query(q, variables, key);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  };
  const relationsOf = (page: Data): string[] => page.edges.map((e: Data) => e.node.key).sort();
  const day = (value: string, bound: "first" | "last") =>
    (bound === "first" ? firstDay(value) : lastDay(value)).toString();
  const textOf = (source: string) => corpus.sources.find((s) => s.id === source)?.text ?? "";

  beforeAll(async () => {
    db = await connectTestDatabase();
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog);
    corpus = await readSeed(seedDir);
    query = graphqlClient(db, { apiKeys: parseApiKeys(editor.entry), readAccess: "open" });
  });
  afterAll(() => db.close());

  describe("the stance ledger", () => {
    it("counts the relations that rest on a single source, and filters and sorts by it", async () => {
      const single = corpus.relations.filter((r) => new Set(r.citations.map((c) => c.source)).size === 1);
      const { one, many, ranked } = await data(`{
        one: relations(first: 100, filter: { singleSource: true }) { totalCount edges { node { key } } }
        many: relations(first: 100, filter: { singleSource: false }) { totalCount }
        ranked: relations(first: 100, orderBy: MOST_SOURCES) { edges { node { key ledger { sources } } } }
      }`);
      expect(one.totalCount).toBe(single.length);
      expect(relationsOf(one)).toEqual(single.map((r) => r.id).sort());
      expect(one.totalCount + many.totalCount).toBe(corpus.relations.length);
      const sources = ranked.edges.map((e: Data) => e.node.ledger.sources);
      expect(sources).toEqual([...sources].sort((a: number, b: number) => b - a));
      expect(sources[0]).toBe(
        Math.max(...corpus.relations.map((r) => new Set(r.citations.map((c) => c.source)).size)),
      );
    });

    it("tallies each side of a claim: citations, distinct sources and speakers per stance", async () => {
      const seeded = corpus.relations.find((r) => r.id === "rel-wagner-deployment-mali");
      const { claims } = await data(`{
        claims(actor: "wagner") {
          relation { key }
          ledger { citations sources singleSource assertedOnlyByAParty
                   stances { stance citations sources unattributed speakers { key } } }
          denying(speaker: "malian-transition-government") { quote }
        }
      }`);
      const claim = claims.find((c: Data) => c.relation.key === "rel-wagner-deployment-mali");
      const expected = ["ACCUSES", "DENIES"].map((stance) => {
        const cited = seeded?.citations.filter((c) => c.stance === stance) ?? [];
        return {
          stance,
          citations: cited.length,
          sources: new Set(cited.map((c) => c.source)).size,
          unattributed: cited.filter((c) => c.speaker === null).length,
          speakers: [...new Set(cited.flatMap((c) => (c.speaker ? [c.speaker] : [])))]
            .sort()
            .map((key) => ({ key })),
        };
      });
      expect(claim.ledger.stances).toEqual(expected);
      // Western chancelleries and France accuse; the Malian transition government denies, in 003.
      expect(expected[0]?.speakers.map((s) => s.key)).toEqual(["france", "western-countries"]);
      expect(claim.ledger.singleSource).toBe(false);
      expect(claim.ledger.assertedOnlyByAParty).toBe(false);
      expect(claim.denying.map((c: Data) => c.quote)).toEqual(
        seeded?.citations.filter((c) => c.stance === "DENIES").map((c) => c.quote),
      );
      for (const c of claim.denying) expect(textOf("src-003-sikou-bah-visite-lavrov")).toContain(c.quote);
    });

    it("flags relations that only their own parties assert", async () => {
      // A party: an end of the relation, or an actor PART_OF one or holding an OFFICE in one.
      const partOf = (speaker: string, end: string) =>
        speaker === end ||
        corpus.relations.some(
          (p) => ["PART_OF", "OFFICE"].includes(p.type) && p.from === speaker && p.to === end,
        );
      const expected = corpus.relations
        .filter((r) => {
          const stating = r.citations.filter((c) => c.stance !== "DENIES");
          return (
            stating.length > 0 &&
            stating.every((c) => c.speaker !== null && (partOf(c.speaker, r.from) || partOf(c.speaker, r.to)))
          );
        })
        .map((r) => r.id)
        .sort();
      const { relations } = await data(
        `{ relations(first: 100, filter: { assertedOnlyByAParty: true }) { edges { node { key } } } }`,
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(relationsOf(relations)).toEqual(expected);
    });
  });

  describe("claims linked to their answers", () => {
    it("goes from Lavrov's denial to the attacks it denies, and back", async () => {
      const { denial, attacks } = await data(`{
        denial: relation(key: "rel-lavrov-denial-africa-corps") { type addresses { key type contested } }
        attacks: relation(key: "rel-africa-corps-attack-local-inhabitants") {
          answeredBy { key type from { key } }
          citations(stances: [DENIES]) { quote speaker { key } }
        }
      }`);
      expect(denial.type).toBe("DENIAL");
      expect(denial.addresses).toEqual([
        { key: "rel-africa-corps-attack-local-inhabitants", type: "ATTACK", contested: true },
      ]);
      expect(attacks.answeredBy).toEqual([
        { key: "rel-lavrov-denial-africa-corps", type: "DENIAL", from: { key: "sergei-lavrov" } },
      ]);
      // 002: "M. Lavrov avait qualifié d'infondées les accusations portées contre l'Africa Corps concernant des
      // attaques": the denial and the attacks it answers are one sentence.
      expect(attacks.citations).toHaveLength(1);
      expect(textOf("src-002-mae-russe-cooperation-mali")).toContain(attacks.citations[0].quote);
      expect(attacks.citations[0].speaker.key).toBe("sergei-lavrov");
    });

    it("links every accusation and denial the seed says addresses a relation, both ways", async () => {
      const links = corpus.relations.flatMap((r) =>
        r.addresses.map((addressed): [string, string] => [r.id, addressed]),
      );
      expect(links.length).toBeGreaterThan(0);
      const keys = [...new Set(links.flat())];
      const { nodes } = await data(
        `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Relation { key addresses { key } answeredBy { key } } } }`,
        {
          ids: keys.map((key) => Buffer.from(`Relation:${key}`).toString("base64")),
        },
      );
      const byKey = new Map<string, Data>(nodes.map((n: Data) => [n.key, n]));
      for (const [from, to] of links) {
        expect(byKey.get(from).addresses.map((a: Data) => a.key)).toContain(to);
        expect(byKey.get(to).answeredBy.map((a: Data) => a.key)).toContain(from);
      }
      // The Russian instructors' membership of Wagner: charged by the Western chancelleries, denied by Mali.
      expect(
        byKey.get("rel-russian-instructors-member-of-wagner").answeredBy.map((a: Data) => a.key),
      ).toEqual([
        "rel-malian-transition-government-denial-france",
        "rel-western-countries-accusation-russian-instructors",
      ]);
    });

    it("writes a denial that addresses a claim, and refuses one that addresses nothing", async () => {
      const assert = `mutation ($input: AssertRelationInput!) {
        assertRelation(input: $input) { relation { key addresses { key } } } }`;
      const input = (addresses: string[]) => ({
        type: "DENIAL",
        from: "malian-transition-government",
        to: "western-countries",
        addresses,
        citations: [
          {
            source: "src-001-mali-russie-partenariat",
            quote: "le gouvernement malien réfute cette caractérisation",
            speaker: null,
            stance: "REPORTS",
          },
        ],
      });
      const bad = await query(assert, { input: input(["rel-nothing-here"]) }, editor.key);
      expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(JSON.stringify(bad.errors?.[0]?.extensions?.problems)).toContain(
        'unknown relation \\"rel-nothing-here\\"',
      );
      const written = await data(
        assert,
        { input: input(["rel-russian-instructors-member-of-wagner"]) },
        editor.key,
      );
      const key = written.assertRelation.relation.key;
      expect(written.assertRelation.relation.addresses).toEqual([
        { key: "rel-russian-instructors-member-of-wagner" },
      ]);
      const { relation } = await data(
        `{ relation(key: "rel-russian-instructors-member-of-wagner") { answeredBy { key } } }`,
      );
      expect(relation.answeredBy.map((a: Data) => a.key)).toContain(key);
      await data(
        `mutation ($key: String!) { retractRelation(input: { key: $key, reason: "test" }) { relation { key } } }`,
        { key },
        editor.key,
      );
      const after = await data(
        `{ relation(key: "rel-russian-instructors-member-of-wagner") { answeredBy { key } } }`,
      );
      expect(after.relation.answeredBy.map((a: Data) => a.key)).not.toContain(key);
    });

    it("exports what a relation addresses and where it happens", async () => {
      const source = await openExport(db, { file: "relations.csv", timeoutMs: 30_000 });
      let text = "";
      for await (const chunk of exportText(exportFiles["relations.csv"] as never, source)) text += chunk;
      const header = text.split("\n")[0]?.split(",") ?? [];
      expect(header).toEqual(expect.arrayContaining(["addresses", "places", "place_actor_ids"]));
      const line = text.split("\n").find((l) => l.startsWith("rel-lavrov-denial-africa-corps,"));
      expect(line).toContain("rel-africa-corps-attack-local-inhabitants");
      const attack = text.split("\n").find((l) => l.startsWith("rel-africa-corps-attack-local-inhabitants,"));
      expect(attack).toContain("Mali | d’autres pays d’Afrique");
    });
  });

  describe("time on two axes", () => {
    /** The seed's relations with their own period (first day of at/start, last day of end or of at). */
    const held = () =>
      corpus.relations.map((r) => {
        const own = r.at ?? r.start;
        return {
          id: r.id,
          first: own ? day(own, "first") : null,
          last: r.end ? day(r.end, "last") : r.at ? day(r.at, "last") : null,
          end: r.end ? day(r.end, "last") : null,
        };
      });
    const published = (source: string) => corpus.sources.find((s) => s.id === source)?.published ?? null;

    it("answers what was in force at some time in 2021, and in May 2021", async () => {
      const inForce = (period: string) =>
        held()
          .filter(
            (r) =>
              r.first !== null && r.first <= day(period, "last") && (r.end ?? "9999") >= day(period, "first"),
          )
          .map((r) => r.id)
          .sort();
      const { year, month, dayOf } = await data(`{
        year: relations(first: 100, filter: { asOf: "2021" }) { edges { node { key } } }
        month: relations(first: 100, filter: { asOf: "2021-05" }) { edges { node { key } } }
        dayOf: relations(first: 100, filter: { asOf: "2021-04-30" }) { edges { node { key } } }
      }`);
      expect(relationsOf(year)).toEqual(inForce("2021"));
      expect(relationsOf(month)).toEqual(inForce("2021-05"));
      // Goïta came to power in May 2021 (000): in force in May and in 2021, not yet on the last day of April.
      expect(relationsOf(month)).toContain("rel-goita-rise-to-power-mali");
      expect(relationsOf(dayOf)).not.toContain("rel-goita-rise-to-power-mali");
      // The joint operations were suspended in June and resumed in July 2021 (004): in 2021, not in May.
      expect(relationsOf(year)).toContain("rel-malian-armed-forces-suspension-barkhane");
      expect(relationsOf(month)).not.toContain("rel-malian-armed-forces-suspension-barkhane");
    });

    it("answers what began, ended or was first reported between 2021 and 2025, with citations", async () => {
      const from = day("2021", "first");
      const to = day("2025", "last");
      const expected = corpus.relations.flatMap((r) => {
        const found: string[] = [];
        if (r.at && day(r.at, "first") <= to && day(r.at, "last") >= from) found.push(`BEGAN ${r.id}`);
        if (r.start && day(r.start, "first") <= to && day(r.start, "last") >= from)
          found.push(`BEGAN ${r.id}`);
        if (r.end && day(r.end, "first") <= to && day(r.end, "last") >= from) found.push(`ENDED ${r.id}`);
        const dates = r.citations.flatMap((c) => published(c.source) ?? []).sort();
        const first = dates[0];
        if (first && day(first, "first") <= to && day(first, "last") >= from)
          found.push(`FIRST_REPORTED ${r.id}`);
        return found;
      });
      const { changes } = (
        await data(`{
        changes(from: "2021", to: "2025") {
          changes { kind on { value earliest } relation { key } citations { source { key published { value } } } }
        }
      }`)
      ).changes;
      expect(changes.map((c: Data) => `${c.kind} ${c.relation.key}`).sort()).toEqual(expected.sort());
      const dates = changes.map((c: Data) => c.on.earliest);
      expect(dates).toEqual([...dates].sort());
      for (const change of changes) {
        expect(change.citations.length).toBeGreaterThan(0);
        if (change.kind === "FIRST_REPORTED") {
          for (const c of change.citations) expect(c.source.published.value).toBe(change.on.value);
        }
      }
      // Goïta's visit to Moscow in June 2025 (002) began in the window; the suspension ended in July 2021 (004).
      expect(changes.map((c: Data) => `${c.kind} ${c.relation.key}`)).toEqual(
        expect.arrayContaining([
          "BEGAN rel-goita-visit-russia",
          "ENDED rel-malian-armed-forces-suspension-barkhane",
        ]),
      );
      const { narrow } = await data(`{ narrow: changes(from: "2021-06", to: "2021-07", actor: "barkhane") {
        changes { kind relation { key } } } }`);
      expect(narrow.changes.map((c: Data) => `${c.kind} ${c.relation.key}`)).toEqual([
        "BEGAN rel-malian-armed-forces-suspension-barkhane",
        "ENDED rel-malian-armed-forces-suspension-barkhane",
      ]);
    });

    it("answers what was known on 1 January 2022: only what sources published by then say", async () => {
      const knownBy = (date: string) =>
        corpus.relations
          .filter((r) =>
            r.citations.some((c) => {
              const p = published(c.source);
              return p !== null && day(p, "last") <= day(date, "last");
            }),
          )
          .map((r) => r.id)
          .sort();
      const { known, before } = await data(`{
        known: relations(first: 100, filter: { knownOn: "2022-01-01" }) {
          edges { node { key citations(knownOn: "2022-01-01") { reportedOn { value precision } source { key } } } }
        }
        before: relations(filter: { knownOn: "2021-11-10" }) { totalCount }
      }`);
      expect(knownBy("2022-01-01").length).toBeGreaterThan(0);
      expect(relationsOf(known)).toEqual(knownBy("2022-01-01"));
      // Only DW's article is dated (11 novembre 2021); the day before it, nothing was known.
      expect(before.totalCount).toBe(0);
      for (const edge of known.edges) {
        for (const c of edge.node.citations) {
          expect(c.reportedOn).toEqual({ value: "2021-11-11", precision: "DAY" });
          expect(c.source.key).toBe("src-004-dw-mali-dit-oui-russie");
        }
      }
      expect(textOf("src-004-dw-mali-dit-oui-russie")).toContain("11 novembre 2021");
    });

    it("places undated relations on a timeline by their report date, marked as such", async () => {
      const { placed, own } = await data(`{
        placed: timeline(actor: "mali") { relations { key at { value } start { value } timelineDate { date { value earliest } basis } } }
        own: timeline(actor: "mali", byReportDate: false) { relations { key timelineDate { basis } } }
      }`).then((d: Data) => ({ placed: d.placed.relations, own: d.own.relations }));
      const dates = placed.map((r: Data) => r.timelineDate.date.earliest);
      expect(dates).toEqual([...dates].sort());
      const reported = placed.filter((r: Data) => r.timelineDate.basis === "REPORTED");
      expect(reported.length).toBeGreaterThan(0);
      for (const r of reported) {
        expect(r.at).toBeNull();
        expect(r.start).toBeNull();
        expect(r.timelineDate.date.value).toBe("2021-11-11");
      }
      expect(own.every((r: Data) => r.timelineDate.basis !== "REPORTED")).toBe(true);
      expect(own.length + reported.length).toBe(placed.length);
    });

    it("refuses a date that is no calendar period", async () => {
      const response = await query(`{ relations(filter: { asOf: "2021-13" }) { totalCount } }`);
      expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(response.errors?.[0]?.message).toMatch(/YYYY, YYYY-MM or YYYY-MM-DD/);
    });
  });

  describe("citations by speaker and stance", () => {
    it("gives Lavrov's own quotes on the relations he speaks to", async () => {
      const his = corpus.relations.flatMap((r) => r.citations.filter((c) => c.speaker === "sergei-lavrov"));
      const { relations } = await data(`{
        relations(filter: { speaker: "sergei-lavrov" }) {
          totalCount
          edges { node { key citations(speaker: "sergei-lavrov") { quote speaker { key } stance } } }
        }
      }`);
      expect(relations.totalCount).toBe(new Set(his.map((c) => c.id.split("#")[0])).size);
      const quotes = relations.edges.flatMap((e: Data) => e.node.citations);
      expect(quotes.map((c: Data) => c.quote).sort()).toEqual(his.map((c) => c.quote).sort());
      expect(quotes.every((c: Data) => c.speaker.key === "sergei-lavrov")).toBe(true);
      const { source } = await data(`{ source(key: "src-002-mae-russe-cooperation-mali") {
        citations(speaker: "sergei-lavrov", stances: [DENIES]) { quote relation { key } } } }`);
      expect(source.citations).toEqual([
        {
          quote: "M. Lavrov avait qualifié d’infondées les accusations portées contre l’Africa Corps",
          relation: { key: "rel-africa-corps-attack-local-inhabitants" },
        },
      ]);
    });

    it("answers NOT_FOUND with suggestions for an unknown speaker", async () => {
      const response = await query(
        `{ relation(key: "rel-lavrov-visit-mali") { citations(speaker: "lavrov") { quote } } }`,
      );
      const error = response.errors?.[0];
      expect(error?.extensions?.code).toBe("NOT_FOUND");
      expect(error?.extensions).toMatchObject({ key: "lavrov", suggestions: ["sergei-lavrov"] });
    });
  });

  describe("places", () => {
    it("says where the attacks happened, linked to Mali where the place is a state", async () => {
      const withMali = corpus.relations
        .filter((r) => r.places.some((p) => p.actor === "mali"))
        .map((r) => r.id)
        .sort();
      const { relations, attack } = await data(`{
        relations(filter: { place: "mali" }) { edges { node { key } } }
        attack: relation(key: "rel-africa-corps-attack-local-inhabitants") { places { name actor { key kind } } }
      }`);
      expect(relationsOf(relations)).toEqual(withMali);
      expect(attack.places).toEqual([
        { name: "Mali", actor: { key: "mali", kind: "STATE" } },
        { name: "d’autres pays d’Afrique", actor: null },
      ]);
      expect(textOf("src-002-mae-russe-cooperation-mali")).toContain(
        "au Mali et dans d’autres pays d’Afrique",
      );
    });
  });

  describe("the corpus review", () => {
    it("keeps one arms supply from Russia to Mali, a truthful suspension and succession", async () => {
      const { relations, succession, suspension } = await data(`{
        relations(filter: { types: [ARMS_SUPPLY], actor: "russia", direction: OUTGOING }) {
          totalCount edges { node { to { key } start { value } ledger { sources } } }
        }
        succession: relation(key: "rel-russia-succession-ussr") { citations { quote speaker { key } } }
        suspension: relation(key: "rel-malian-armed-forces-suspension-barkhane") {
          addresses { type } start { value } end { value }
        }
      }`);
      expect(relations.edges.filter((e: Data) => e.node.to.key === "mali")).toEqual([
        { node: { to: { key: "mali" }, start: { value: "2021" }, ledger: { sources: 5 } } },
      ]);
      // Whatever Diop is quoted saying on the succession names the USSR.
      for (const c of succession.citations.filter((c: Data) => c.speaker?.key === "abdoulaye-diop")) {
        expect(c.quote).toMatch(/URSS/);
      }
      expect(suspension).toEqual({
        addresses: [{ type: "JOINT_OPERATION" }],
        start: { value: "2021-06" },
        end: { value: "2021-07" },
      });
    });
  });
});
