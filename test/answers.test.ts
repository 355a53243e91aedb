import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { loadSeed } from "../src/seed/load.js";
import { readSeed, type SeedCorpus } from "../src/seed/read.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { type GraphQLResponse, graphqlClient } from "./support/graphql.js";
import { seedDir } from "./support/seed-copy.js";

// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field below
type Data = any;
type Relation = SeedCorpus["relations"][number];

const editor = generateApiKey("alice", "editor");

/**
 * Answers that do not mislead (issue 30): a timeline, a path search and the changes between two dates say how many
 * relations they left out and why; paths follow link types by default; a relation known only by its end stands at
 * its end; changes can take in an actor's officials, members and parts. Expected figures come from the seed files.
 */
describe("answers that say what they left out", () => {
  let db: Database;
  let corpus: SeedCorpus;
  let query: (q: string, variables?: Record<string, unknown>, key?: string) => Promise<GraphQLResponse<Data>>;
  const data = async (q: string, variables?: Record<string, unknown>, key?: string) => {
    const response = await query(q, variables, key);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  };
  const relationsOf = (actor: string) => corpus.relations.filter((r) => r.from === actor || r.to === actor);
  const datedSource = (r: Relation) =>
    r.citations.some((c) => corpus.sources.find((s) => s.id === c.source)?.published != null);
  const ownDate = (r: Relation) => (r.at ?? r.start ?? r.end) !== null;
  /** The omitted list an answer should give: one entry per reason with any, by reason name. */
  const omitted = (counts: Record<string, number>) =>
    Object.entries(counts)
      .filter(([, count]) => count > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([reason, count]) => ({ reason, count }));
  const typeOf = new Map<string, string>();
  let linkTypes: string[] = [];
  let allTypes: string[] = [];

  beforeAll(async () => {
    db = await connectTestDatabase();
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog);
    corpus = await readSeed(seedDir);
    for (const r of corpus.relations) typeOf.set(r.id, r.type);
    allTypes = corpus.vocabulary.relationTypes.map((t) => t.name);
    linkTypes = corpus.vocabulary.relationTypes.filter((t) => t.link).map((t) => t.name);
    query = graphqlClient(db, { apiKeys: parseApiKeys(editor.entry), readAccess: "open" });
  });
  afterAll(() => db.close());

  describe("timeline", () => {
    it("counts the undated relations it leaves out, with and without report dates", async () => {
      const mali = relationsOf("mali");
      const { own, reported } = await data(`{
        own: timeline(actor: "mali", byReportDate: false) { relations { key } omitted { reason count } }
        reported: timeline(actor: "mali") { relations { key } omitted { reason count } }
      }`);
      const undated = mali.filter((r) => !ownDate(r));
      expect(undated.length).toBeGreaterThan(0);
      expect(own.omitted).toEqual(omitted({ UNDATED: undated.length }));
      expect(own.relations.length + undated.length).toBe(mali.length);
      const unplaced = undated.filter((r) => !datedSource(r));
      expect(unplaced.length).toBeLessThan(undated.length);
      expect(reported.omitted).toEqual(omitted({ UNDATED: unplaced.length }));
      expect(reported.relations.length + unplaced.length).toBe(mali.length);
    });

    it("counts the relations of other types apart from the undated ones", async () => {
      const mali = relationsOf("mali");
      const { timeline } = await data(
        `{ timeline(actor: "mali", types: [VISIT, OFFICE]) { relations { key } omitted { reason count } } }`,
      );
      const asked = mali.filter((r) => r.type === "VISIT" || r.type === "OFFICE");
      expect(timeline.omitted).toEqual(
        omitted({
          OTHER_TYPE: mali.length - asked.length,
          UNDATED: asked.filter((r) => !ownDate(r) && !datedSource(r)).length,
        }),
      );
    });

    it("says that Wagner's relations are left out as undated rather than answering a bare empty list", async () => {
      const wagner = relationsOf("wagner");
      expect(wagner.every((r) => !ownDate(r) && !datedSource(r))).toBe(true);
      const { timeline } = await data(
        `{ timeline(actor: "wagner") { relations { key } omitted { reason count } } }`,
      );
      expect(timeline).toEqual({ relations: [], omitted: omitted({ UNDATED: wagner.length }) });
    });
  });

  describe("paths", () => {
    /** The relation keys on the shortest paths that following every type finds (as many as `all: true` gives). */
    const onEveryTypePath = async (from: string, to: string) => {
      const { paths } = await data(
        `query ($types: [RelationType!]) { paths(from: "${from}", to: "${to}", all: true, types: $types) {
           followed paths { steps { relation { key type } } } omitted { reason count } } }`,
        { types: allTypes },
      );
      expect(paths.followed).toEqual(allTypes);
      expect(paths.omitted).toEqual([]);
      return paths.paths as { steps: { relation: { key: string; type: string } }[] }[];
    };

    it("follows link types by default: France reaches Africa Corps only through denials and accusations", async () => {
      const everyType = await onEveryTypePath("france", "africa-corps");
      expect(everyType.length).toBeGreaterThan(0);
      // Following every type, each path ends in Lavrov's denial about Africa Corps: no link at all.
      for (const path of everyType) expect(path.steps.at(-1)?.relation.type).toBe("DENIAL");
      const keys = new Set(everyType.flatMap((p) => p.steps.map((s) => s.relation.key)));
      const notLinks = [...keys].filter((key) => !linkTypes.includes(typeOf.get(key) ?? ""));
      expect(notLinks.length).toBeGreaterThan(0);
      const { paths } = await data(`{ paths(from: "france", to: "africa-corps", all: true) {
        followed paths { length } omitted { reason count } } }`);
      expect(paths.followed).toEqual(linkTypes);
      expect(linkTypes).not.toContain("DENIAL");
      expect(linkTypes).not.toContain("ACCUSATION");
      expect(paths.paths).toEqual([]);
      expect(paths.omitted).toEqual(omitted({ NOT_A_LINK: notLinks.length }));
    });

    it("walks only link types from Wagner to Goïta, and leaves nothing out there", async () => {
      const { paths } = await data(`{ paths(from: "wagner", to: "assimi-goita", all: true) {
        paths { steps { relation { type } } } omitted { reason count } } }`);
      expect(paths.paths.length).toBeGreaterThan(0);
      for (const path of paths.paths)
        for (const step of path.steps) expect(linkTypes).toContain(step.relation.type);
      expect(paths.omitted).toEqual([]);
    });

    it("follows the types it is given, and says why it found nothing when they lead nowhere", async () => {
      const everyType = await onEveryTypePath("france", "africa-corps");
      const keys = new Set(everyType.flatMap((p) => p.steps.map((s) => s.relation.key)));
      const structural = ["OFFICE", "PART_OF", "MEMBER_OF"];
      const { none } = await data(`{ none: paths(from: "france", to: "africa-corps", all: true,
        types: [OFFICE, PART_OF, MEMBER_OF]) { followed paths { length } omitted { reason count } } }`);
      expect(none.followed).toEqual(structural);
      expect(none.paths).toEqual([]);
      expect(none.omitted).toEqual(
        omitted({
          OTHER_TYPE: [...keys].filter((key) => !structural.includes(typeOf.get(key) ?? "")).length,
        }),
      );
      // Given the denials to follow, it finds the very paths that following every type finds.
      const { denials } = await data(`{ denials: paths(from: "france", to: "africa-corps", all: true,
        types: [ACCUSATION, DENIAL, OFFICE, PART_OF, MEMBER_OF, PARTNERSHIP, DEPLOYMENT, SUCCESSION]) {
        paths { steps { relation { key } } } } }`);
      const found = (paths: { steps: { relation: { key: string } }[] }[]) =>
        paths.map((p) => p.steps.map((s) => s.relation.key).join(" "));
      const usable = everyType.filter((p) =>
        p.steps.every((s) =>
          [
            "ACCUSATION",
            "DENIAL",
            "OFFICE",
            "PART_OF",
            "MEMBER_OF",
            "PARTNERSHIP",
            "DEPLOYMENT",
            "SUCCESSION",
          ].includes(s.relation.type),
        ),
      );
      expect(usable.length).toBeGreaterThan(0);
      expect(found(denials.paths)).toEqual(found(usable));
    });

    it("still refuses an unknown end when only what was left out is asked", async () => {
      const response = await query(`{ paths(from: "mali", to: "atlantis") { omitted { reason count } } }`);
      expect(response.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
      expect(response.errors?.[0]?.message).toMatch(/No actor with key "atlantis" \(to\)/);
    });
  });

  describe("changes", () => {
    it("counts the relations that no window can show: undated, with no dated source", async () => {
      const never = (rs: Relation[]) => rs.filter((r) => !ownDate(r) && !datedSource(r)).length;
      const { mali, all } = await data(`{
        mali: changes(from: "2021", to: "2025", actor: "mali") { omitted { reason count } }
        all: changes(from: "2021", to: "2025") { omitted { reason count } }
      }`);
      expect(never(relationsOf("mali"))).toBeGreaterThan(0);
      expect(mali.omitted).toEqual(omitted({ UNDATED: never(relationsOf("mali")) }));
      expect(all.omitted).toEqual(omitted({ UNDATED: never(corpus.relations) }));
    });

    it("takes in the actor's officials, members and parts, one hop, with includeMembers", async () => {
      const membership = corpus.vocabulary.relationTypes.filter((t) => t.membership).map((t) => t.name);
      expect(membership.sort()).toEqual(["MEMBER_OF", "OFFICE", "PART_OF"]);
      const members = new Set(
        corpus.relations.filter((r) => r.to === "mali" && membership.includes(r.type)).map((r) => r.from),
      );
      expect(members.has("abdoulaye-diop") && members.has("malian-armed-forces")).toBe(true);
      const around = new Set(["mali", ...members]);
      const { own, wide, all } = await data(`{
        own: changes(from: "2021", to: "2025", actor: "mali") { changes { kind relation { key } } }
        wide: changes(from: "2021", to: "2025", actor: "mali", includeMembers: true) {
          changes { kind relation { key from { key } to { key } } } omitted { reason count } }
        all: changes(from: "2021", to: "2025") { changes(limit: 1000) { kind relation { key from { key } to { key } } } }
      }`);
      const named = (changes: Data[]) => changes.map((c) => `${c.kind} ${c.relation.key}`);
      const expected = all.changes.filter(
        (c: Data) => around.has(c.relation.from.key) || around.has(c.relation.to.key),
      );
      expect(named(wide.changes)).toEqual(named(expected));
      expect(wide.changes.length).toBeGreaterThan(own.changes.length);
      // Diop's visit to Moscow is his, not Mali's: only the members' view shows it.
      expect(named(own.changes)).not.toContain("BEGAN rel-diop-visit-russia");
      expect(named(wide.changes)).toContain("BEGAN rel-diop-visit-russia");
      const keys = new Set(
        corpus.relations.filter((r) => around.has(r.from) || around.has(r.to)).map((r) => r.id),
      );
      const never = corpus.relations.filter((r) => keys.has(r.id) && !ownDate(r) && !datedSource(r));
      expect(wide.omitted).toEqual(omitted({ UNDATED: never.length }));
    });

    it("refuses includeMembers without an actor", async () => {
      const response = await query(
        `{ changes(from: "2021", to: "2025", includeMembers: true) { omitted { count } } }`,
      );
      expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(response.errors?.[0]?.message).toMatch(/"includeMembers" needs "actor"/);
    });
  });

  describe("after writes", () => {
    const text =
      "Moscou, 25 août 2023 – Evgueni Prigojine, qui a dirigé le groupe Wagner jusqu’en juillet 2023, est mort " +
      "dans l’accident de son avion.";
    const quote = "Evgueni Prigojine, qui a dirigé le groupe Wagner jusqu’en juillet 2023";

    it("places an office known only by its end at its end, not at its report date", async () => {
      const { addSource } = await data(
        `mutation ($input: AddSourceInput!) { addSource(input: $input) { source { key } } }`,
        { input: { text, language: "fr", published: "2025-01-10" } },
        editor.key,
      );
      await data(
        `mutation { addActor(input: { key: "evgueni-prigojine", name: "Evgueni Prigojine", kind: PERSON }) { actor { key } } }`,
        {},
        editor.key,
      );
      const { assertRelation } = await data(
        `mutation ($input: AssertRelationInput!) { assertRelation(input: $input) { relation { key } } }`,
        {
          input: {
            type: "OFFICE",
            from: "evgueni-prigojine",
            to: "wagner",
            role: "dirigeant",
            end: "2023-07",
            citations: [{ source: addSource.source.key, quote, stance: "REPORTS" }],
          },
        },
        editor.key,
      );
      const key = assertRelation.relation.key;
      const { timeline, relation } = await data(
        `query ($key: String!) {
          timeline(actor: "wagner") { relations { key timelineDate { date { value precision } basis } } omitted { reason count } }
          relation(key: $key) { timelineDate { date { value } basis } firstReportedOn { value } }
        }`,
        { key },
      );
      expect(timeline.relations).toEqual([
        { key, timelineDate: { date: { value: "2023-07", precision: "MONTH" }, basis: "END" } },
      ]);
      expect(timeline.omitted).toEqual(omitted({ UNDATED: relationsOf("wagner").length }));
      expect(relation.timelineDate).toEqual({ date: { value: "2023-07" }, basis: "END" });
      expect(relation.firstReportedOn).toEqual({ value: "2025-01-10" });
    });

    it("counts retracted relations in a timeline, a path search and changes", async () => {
      await data(
        `mutation { retractRelation(input: { key: "rel-wagner-deployment-mali", reason: "test" }) { relation { key } } }`,
        {},
        editor.key,
      );
      const { timeline, paths, changes } = await data(`{
        timeline(actor: "wagner", byReportDate: false) { omitted { reason count } }
        paths(from: "wagner", to: "assimi-goita", all: true) { paths { steps { relation { key } } } omitted { reason count } }
        changes(from: "2021", to: "2025", actor: "wagner") { omitted { reason count } }
      }`);
      const rest = relationsOf("wagner").filter((r) => r.id !== "rel-wagner-deployment-mali");
      expect(timeline.omitted).toEqual(omitted({ RETRACTED: 1, UNDATED: rest.length }));
      expect(changes.omitted).toEqual(omitted({ RETRACTED: 1, UNDATED: rest.length }));
      for (const path of paths.paths)
        for (const step of path.steps) expect(step.relation.key).not.toBe("rel-wagner-deployment-mali");
      expect(paths.omitted).toContainEqual({ reason: "RETRACTED", count: 1 });
    });
  });
});
