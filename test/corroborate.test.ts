import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { checkGraph } from "../src/db/invariants.js";
import { vocabulary } from "../src/domain/vocabulary.js";
import { readIngestFiles } from "../src/ingest/files.js";
import { applyBatch } from "../src/ingest/service.js";
import { loadSeed } from "../src/seed/load.js";
import { readSeed, SeedError } from "../src/seed/read.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { type GraphQLResponse, graphqlClient } from "./support/graphql.js";
import { copySeed, seedDir } from "./support/seed-copy.js";
import { snapshotGraph } from "./support/snapshot.js";

// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field below
type Data = any;

const editor = generateApiKey("alice", "editor");
const apiKeys = parseApiKeys(editor.entry);

/**
 * A sixth source, written for this test (not from the seed): a 2025 dispatch on Wagner leaving Mali, which
 * reports Wagner's deployment, carries the Malian government's denial of it, and Bamako's praise of its
 * military cooperation with Moscou, which a European diplomat disputes.
 */
const dispatch =
  "Bamako, 7 juin 2025 – Le groupe paramilitaire russe Wagner a annoncé son départ du Mali, affirmant avoir " +
  "« accompli sa mission ». Selon plusieurs sources sécuritaires, les combattants de Wagner, déployés au Mali " +
  "depuis la fin de l’année 2021, seront remplacés par l’Africa Corps, placé sous l’autorité du ministère russe " +
  "de la Défense.\n\nLes autorités de la transition n’ont pourtant jamais reconnu cette présence : « Il n’y a " +
  "pas de mercenaires au Mali, seulement des instructeurs russes », répète le gouvernement malien dans un " +
  "communiqué. Le ministre des Affaires étrangères, Abdoulaye Diop, a salué « une coopération militaire " +
  "exemplaire » entre Bamako et Moscou. Un diplomate européen en poste à Bamako conteste ce tableau : « ce " +
  "n’est pas une coopération, c’est une dépendance ».";

const wagner = "rel-wagner-deployment-mali";
const cooperation = "rel-mali-military-cooperation-russia";

const supporting = {
  quote: "les combattants de Wagner, déployés au Mali depuis la fin de l’année 2021",
  stance: "REPORTS",
};
const denying = {
  quote: "Il n’y a pas de mercenaires au Mali, seulement des instructeurs russes",
  speaker: "malian-transition-government",
  stance: "DENIES",
};

const citeRelation = `mutation ($input: CiteRelationInput!) { citeRelation(input: $input) {
  changeId replayed citations { key quote start end stance speaker { key } source { key } }
  relation { key contested citations(limit: 100) { key } } } }`;
const withdrawCitation = `mutation ($input: WithdrawCitationInput!) { withdrawCitation(input: $input) {
  changeId replayed citation { key withdrawal { by reason at } }
  relation { key contested citations(limit: 100) { key } withdrawnCitations { key withdrawal { by reason } } } } }`;
const ledgerOf = (key: string) => `{ relation(key: "${key}") { contested
  ledger { citations sources stances { stance citations sources } } } }`;

describe("corroborating and withdrawing evidence", () => {
  let db: Database;
  let query: (q: string, variables?: Record<string, unknown>, key?: string) => Promise<GraphQLResponse<Data>>;
  let source: string;
  const ok = async (q: string, variables: Record<string, unknown> = {}) => {
    const response = await query(q, variables, editor.key);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  };
  /** Runs a write that must fail with `code`, and proves the graph did not change. */
  const refused = async (q: string, variables: Record<string, unknown>, code: string) => {
    const before = await snapshotGraph(db);
    const response = await query(q, variables, editor.key);
    expect(response.errors?.[0]?.extensions?.code, JSON.stringify(response.errors)).toBe(code);
    expect(await snapshotGraph(db)).toBe(before);
    return response.errors?.[0] as NonNullable<GraphQLResponse["errors"]>[number];
  };
  const cite = (relation: string, citations: Record<string, unknown>[], clientKey?: string) => ({
    input: { relation, citations: citations.map((c) => ({ source, ...c })), clientKey },
  });
  const stanceCounts = (ledger: Data) =>
    Object.fromEntries(ledger.stances.map((s: Data) => [s.stance, s.citations]));

  beforeAll(async () => {
    db = await connectTestDatabase();
    query = graphqlClient(db, { apiKeys, readAccess: "open" });
  });
  beforeEach(async () => {
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog, { force: true });
    const added = await ok(
      `mutation ($input: AddSourceInput!) { addSource(input: $input) { source { key } } }`,
      { input: { text: dispatch, language: "fr", title: "Wagner quitte le Mali", published: "2025-06-07" } },
    );
    source = added.addSource.source.key;
  });
  afterAll(() => db.close());

  it("cites an existing relation with a supporting and a denying quote: one relation, one claim, counted", async () => {
    const before = (await ok(ledgerOf(wagner))).relation;
    const claimsBefore = (await ok(`{ claims(actor: "wagner") { relation { key } } }`)).claims;
    const { citeRelation: cited } = await ok(citeRelation, cite(wagner, [supporting, denying]));

    expect(cited.replayed).toBe(false);
    expect(cited.relation.key).toBe(wagner);
    expect(cited.relation.contested).toBe(true);
    expect(cited.citations.map((c: Data) => [c.key, c.stance, c.speaker?.key ?? null])).toEqual([
      [`${wagner}#c1`, "REPORTS", null],
      [`${wagner}#c2`, "DENIES", "malian-transition-government"],
    ]);
    // Each quote is the source's exact text at its code-point offsets.
    const points = [...dispatch];
    for (const c of cited.citations) expect(points.slice(c.start, c.end).join("")).toBe(c.quote);
    expect(cited.relation.citations.map((c: Data) => c.key)).toContain(`${wagner}#c2`);

    const after = (await ok(ledgerOf(wagner))).relation;
    expect(after.ledger.citations).toBe(before.ledger.citations + 2);
    expect(after.ledger.sources).toBe(before.ledger.sources + 1);
    expect(stanceCounts(after.ledger)).toEqual({
      ...stanceCounts(before.ledger),
      REPORTS: (stanceCounts(before.ledger).REPORTS ?? 0) + 1,
      DENIES: stanceCounts(before.ledger).DENIES + 1,
    });
    // Still one relation of that type between Wagner and Mali, and claims lists it once.
    const { records } = await db.read(
      "MATCH (:Actor {id: 'wagner'})-[r:RELATION {type: 'DEPLOYMENT'}]->(:Actor {id: 'mali'}) RETURN count(r) AS n",
    );
    expect(Number(records[0]?.get("n"))).toBe(1);
    const claims = (await ok(`{ claims(actor: "wagner") { relation { key } denying { key } } }`)).claims;
    expect(claims.map((c: Data) => c.relation.key)).toEqual(claimsBefore.map((c: Data) => c.relation.key));
    expect(claims.filter((c: Data) => c.relation.key === wagner)).toHaveLength(1);
    expect(claims.find((c: Data) => c.relation.key === wagner).denying.map((c: Data) => c.key)).toContain(
      `${wagner}#c2`,
    );
    // The history shows the addition, by whom, from which source.
    const history = (await ok(`{ history(key: "${wagner}") { by operation details } }`)).history;
    const entry = history.at(-1);
    expect([entry.by, entry.operation]).toEqual(["alice", "citeRelation"]);
    expect(JSON.parse(entry.details).result.citations).toEqual([`${wagner}#c1`, `${wagner}#c2`]);
    expect((await checkGraph(db)).violations).toEqual([]);
  });

  it("makes an uncontested relation contested with a DENIES citation", async () => {
    expect((await ok(ledgerOf(cooperation))).relation.contested).toBe(false);
    const { citeRelation: cited } = await ok(
      citeRelation,
      cite(cooperation, [
        { quote: "une coopération militaire exemplaire", speaker: "abdoulaye-diop", stance: "ASSERTS" },
        { quote: "ce n’est pas une coopération, c’est une dépendance", stance: "DENIES" },
      ]),
    );
    expect(cited.relation.contested).toBe(true);
    const claims = (await ok(`{ claims(actor: "mali") { relation { key } } }`)).claims;
    expect(claims.filter((c: Data) => c.relation.key === cooperation)).toHaveLength(1);
    expect((await checkGraph(db)).violations).toEqual([]);
  });

  it("writes once when the same request is sent twice, or ten times at once", async () => {
    const request = cite(wagner, [supporting, denying], "cite-wagner-2025");
    const first = (await ok(citeRelation, request)).citeRelation;
    const again = (await ok(citeRelation, request)).citeRelation;
    expect(again.replayed).toBe(true);
    expect(again.changeId).toBe(first.changeId);

    const concurrent = cite(
      cooperation,
      [{ quote: "une coopération militaire exemplaire", stance: "REPORTS" }],
      "c",
    );
    const answers = await Promise.all(Array.from({ length: 10 }, () => ok(citeRelation, concurrent)));
    const changeIds = new Set(answers.map((a) => a.citeRelation.changeId));
    expect(changeIds.size).toBe(1);
    expect(answers.filter((a) => !a.citeRelation.replayed)).toHaveLength(1);
    const { records } = await db.read(
      "MATCH (c:Citation) WHERE c.sourceId = $source RETURN c.relationId AS relation, count(c) AS n ORDER BY relation",
      { source },
    );
    expect(records.map((r) => [r.get("relation"), Number(r.get("n"))])).toEqual([
      [cooperation, 1],
      [wagner, 2],
    ]);
    const changes = await db.read("MATCH (c:Change {operation: 'citeRelation'}) RETURN count(c) AS n");
    expect(Number(changes.records[0]?.get("n"))).toBe(2);
    expect((await checkGraph(db)).violations).toEqual([]);
  });

  it("refuses bad citations with the assertRelation rules, naming the field, writing nothing", async () => {
    const notVerbatim = await refused(
      citeRelation,
      cite(wagner, [{ quote: "Wagner a quitté le Mali", stance: "REPORTS" }]),
      "BAD_USER_INPUT",
    );
    expect(notVerbatim.message).toContain("input.citations.0.quote: the quote is not found verbatim");
    const unknownSpeaker = await refused(
      citeRelation,
      cite(wagner, [{ ...denying, speaker: "gouvernement-malien" }]),
      "BAD_USER_INPUT",
    );
    expect(unknownSpeaker.message).toContain(
      'input.citations.0.speaker: unknown actor "gouvernement-malien"',
    );
    const badOffsets = await refused(
      citeRelation,
      cite(wagner, [{ ...supporting, start: 3, end: 20 }]),
      "BAD_USER_INPUT",
    );
    expect(badOffsets.message).toContain("do not match the quote");
    const missing = await refused(citeRelation, cite("rel-wagner-deployment-mal", [supporting]), "NOT_FOUND");
    expect(missing.message).toContain("did you mean");
    // A passage the relation already cites is refused, whatever its stance.
    await ok(citeRelation, cite(wagner, [supporting]));
    const twice = await refused(
      citeRelation,
      cite(wagner, [{ ...supporting, stance: "ASSERTS" }]),
      "BAD_USER_INPUT",
    );
    expect(twice.message).toContain(`already cites this passage (citation "${wagner}#c1")`);
  });

  it("withdraws a citation with a reason: readable with its withdrawal, no longer counted", async () => {
    const { citeRelation: cited } = await ok(
      citeRelation,
      cite(cooperation, [{ quote: "ce n’est pas une coopération, c’est une dépendance", stance: "DENIES" }]),
    );
    const key = cited.citations[0].key;
    expect(cited.relation.contested).toBe(true);
    const ledgerBefore = (await ok(ledgerOf(cooperation))).relation.ledger;

    const { withdrawCitation: withdrawn } = await ok(withdrawCitation, {
      input: { citation: key, reason: "An anonymous diplomat's opinion, not a denial of the cooperation." },
    });
    expect(withdrawn.citation.withdrawal).toMatchObject({
      by: "alice",
      reason: "An anonymous diplomat's opinion, not a denial of the cooperation.",
    });
    expect(Date.parse(withdrawn.citation.withdrawal.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(withdrawn.relation.contested).toBe(false);
    expect(withdrawn.relation.citations.map((c: Data) => c.key)).not.toContain(key);
    expect(withdrawn.relation.withdrawnCitations.map((c: Data) => c.key)).toEqual([key]);
    const ledger = (await ok(ledgerOf(cooperation))).relation.ledger;
    expect(ledger.citations).toBe(ledgerBefore.citations - 1);
    expect(stanceCounts(ledger).DENIES).toBeUndefined();
    const claims = (await ok(`{ claims(actor: "mali") { relation { key } } }`)).claims;
    expect(claims.map((c: Data) => c.relation.key)).not.toContain(cooperation);
    // Still readable by its global id, with its withdrawal.
    const id = Buffer.from(`Citation:${key}`).toString("base64");
    const node = (await ok(`{ node(id: "${id}") { ... on Citation { key quote withdrawal { by } } } }`)).node;
    expect(node).toMatchObject({ key, withdrawal: { by: "alice" } });
    const history = (await ok(`{ history(key: "${cooperation}") { operation } }`)).history;
    expect(history.map((c: Data) => c.operation).slice(-2)).toEqual(["citeRelation", "withdrawCitation"]);
    expect((await checkGraph(db)).violations).toEqual([]);

    // Withdrawn twice: refused.
    await refused(withdrawCitation, { input: { citation: key, reason: "again" } }, "CONFLICT");
  });

  it("keeps cited and withdrawn evidence of seed relations through a seed reload", async () => {
    await ok(
      citeRelation,
      cite(cooperation, [{ quote: "ce n’est pas une coopération, c’est une dépendance", stance: "DENIES" }]),
    );
    const seeded = (await ok(`{ relation(key: "${wagner}") { citations { key } } }`)).relation.citations;
    await ok(withdrawCitation, { input: { citation: seeded[0].key, reason: "test" } });
    await loadSeed(db, seedDir, quietLog, { force: true });
    expect((await ok(ledgerOf(cooperation))).relation.contested).toBe(true);
    const { relation } = await ok(
      `{ relation(key: "${wagner}") { withdrawnCitations { key withdrawal { by } } } }`,
    );
    expect(relation.withdrawnCitations).toEqual([{ key: seeded[0].key, withdrawal: { by: "alice" } }]);
    expect((await checkGraph(db)).violations).toEqual([]);
  });

  it("refuses to withdraw a relation's last live citation, an unknown citation, or without a reason", async () => {
    const { citeRelation: cited } = await ok(citeRelation, cite(wagner, [supporting]));
    // Withdraw every citation of a one-citation seed relation but... its only one.
    const { relation } = await ok(`{ relation(key: "rel-lavrov-office-russia") { citations { key } } }`);
    const [last, ...others] = relation.citations.map((c: Data) => c.key);
    for (const key of others) await ok(withdrawCitation, { input: { citation: key, reason: "test" } });
    const lastOne = await refused(
      withdrawCitation,
      { input: { citation: last, reason: "test" } },
      "CONFLICT",
    );
    expect(lastOne.message).toContain("last live citation of relation");
    expect(lastOne.message).toContain("retractRelation");
    expect(lastOne.extensions).toMatchObject({
      rule: "LAST_LIVE_CITATION",
      relation: "rel-lavrov-office-russia",
    });

    const unknown = await refused(
      withdrawCitation,
      { input: { citation: `${wagner}#c9`, reason: "test" } },
      "NOT_FOUND",
    );
    expect(unknown.message).toContain(`${wagner}#c9`);
    const malformed = await refused(
      withdrawCitation,
      { input: { citation: "not a citation", reason: "test" } },
      "BAD_USER_INPUT",
    );
    expect(malformed.message).toContain("input.citation");
    const noReason = await refused(
      withdrawCitation,
      { input: { citation: cited.citations[0].key, reason: "   " } },
      "BAD_USER_INPUT",
    );
    expect(noReason.message).toContain("input.reason");
    expect((await checkGraph(db)).violations).toEqual([]);
  });

  describe("the same relation asserted again", () => {
    const assert = `mutation ($input: AssertRelationInput!) { assertRelation(input: $input) { relation { key } } }`;
    const deployment = (extra: Record<string, unknown> = {}) => ({
      input: {
        type: "DEPLOYMENT",
        from: "wagner",
        to: "mali",
        citations: [{ source, ...supporting }],
        ...extra,
      },
    });

    it("is refused with CONFLICT naming the existing relation and citeRelation", async () => {
      const error = await refused(assert, deployment(), "CONFLICT");
      expect(error.message).toContain(`relation "${wagner}" already states this fact`);
      expect(error.message).toContain(`citeRelation(input: { relation: "${wagner}"`);
      // Compatible dates (the seed's is undated) and the other direction of a symmetric type are the same too.
      await refused(assert, deployment({ start: "2021-12" }), "CONFLICT");
      const symmetric = await refused(
        assert,
        {
          input: {
            type: "COOPERATION",
            from: "russia",
            to: "mali",
            citations: [{ source, quote: "une coopération militaire exemplaire", stance: "REPORTS" }],
          },
        },
        "CONFLICT",
      );
      expect(symmetric.message).toContain('relation "rel-mali-cooperation-russia"');
    });

    it("accepts a distinct fact, a relation whose only match is retracted, and another role", async () => {
      const distinct = await ok(assert, deployment({ distinct: true }));
      expect(distinct.assertRelation.relation.key).not.toBe(wagner);
      // Now two live ones state it: a third is refused, naming the first.
      await refused(assert, deployment({ note: "third" }), "CONFLICT");
      const office = await ok(assert, {
        input: {
          type: "OFFICE",
          from: "abdoulaye-diop",
          to: "mali",
          role: "porte-parole",
          citations: [{ source, quote: "Abdoulaye Diop", stance: "REPORTS" }],
        },
      });
      expect(office.assertRelation.relation.key).toMatch(/^rel-abdoulaye-diop-office-mali-/);
      // Once the live ones are retracted, the fact may be asserted again (a correction).
      for (const key of [wagner, distinct.assertRelation.relation.key]) {
        await ok(`mutation { retractRelation(input: { key: "${key}", reason: "test" }) { changeId } }`);
      }
      const again = await ok(assert, deployment({ start: "2021-12" }));
      expect(again.assertRelation.relation.key).not.toBe(wagner);
    });

    it("is refused the same way in an ingest file", async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "ingest-"));
      try {
        const file = path.join(dir, "wagner.yaml");
        await writeFile(
          file,
          [
            "relations:",
            "  - id: rel-wagner-in-mali-again",
            "    type: DEPLOYMENT",
            "    from: wagner",
            "    to: mali",
            "    citations:",
            `      - source: ${source}`,
            `        quote: "${supporting.quote}"`,
            "        speaker: null",
            "        stance: REPORTS",
            "",
          ].join("\n"),
        );
        const { batch, locate } = await readIngestFiles([file]);
        const writer = { name: "cli:test", role: "admin" as const };
        const before = await snapshotGraph(db);
        const refusal = applyBatch(db, vocabulary, writer, batch, { operation: "ingest", locate });
        await expect(refusal).rejects.toMatchObject({ code: "CONFLICT", details: { existing: wagner } });
        await expect(refusal).rejects.toThrow(`${file}:3: relation "${wagner}" already states this fact`);
        expect(await snapshotGraph(db)).toBe(before);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("is refused in the seed files, naming the file and line", async () => {
      const seed = await copySeed();
      try {
        await seed.edit(
          "relations.yaml",
          "relations:\n",
          [
            "relations:",
            "  - id: rel-wagner-deployment-mali-again",
            "    type: DEPLOYMENT",
            "    from: mali",
            "    to: wagner",
            "    role: null",
            "    at: null",
            "    start: null",
            "    end: null",
            "    note: null",
            "    citations:",
            "      - source: src-000-apa-diop-sputnik",
            '        quote: "Wagner"',
            "        start: 2037",
            "        end: 2043",
            "        speaker: null",
            "        stance: REPORTS",
            "",
          ].join("\n"),
        );
        // Another direction of a directed type is another fact: accepted.
        await expect(readSeed(seed.dir)).resolves.toBeDefined();
        await seed.edit("relations.yaml", "    from: mali\n    to: wagner", "    from: wagner\n    to: mali");
        const error = await readSeed(seed.dir).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SeedError);
        expect((error as SeedError).problems).toEqual([
          {
            file: "relations.yaml",
            line: expect.any(Number),
            // The later of the two is refused, naming the earlier one.
            message: expect.stringContaining(`relation "${wagner}-again" already states this fact`),
          },
        ]);
      } finally {
        await seed.remove();
      }
    });
  });
});
