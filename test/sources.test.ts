import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { checkGraph } from "../src/db/invariants.js";
import { applySchema } from "../src/db/schema.js";
import { migrateSourceDates, sourceDatesMigration } from "../src/db/source-date-migration.js";
import { normaliseUrl } from "../src/domain/source-metadata.js";
import { loadSeed } from "../src/seed/load.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { type GraphQLResponse, graphqlClient } from "./support/graphql.js";
import { seedDir } from "./support/seed-copy.js";
import { serveOnLoopback } from "./support/server.js";

/**
 * Sources with their provenance, against the real database: a web address stored normalised and held by one
 * source however many writes race for it, metadata corrected by updateSource while the text stays as it was,
 * the roles that may write, the migration of dates an older writer stored, and the exports' new columns.
 */

// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field below
type Data = any;

const editor = generateApiKey("alice", "editor");
const reader = generateApiKey("rita", "reader");
const apiKeys = parseApiKeys(`${editor.entry},${reader.entry}`);

const article =
  "Bamako, 12 juin 2025 – Le groupe Wagner a annoncé son départ du Mali. Africa Corps, sous le contrôle " +
  "direct du ministère russe de la Défense, prend le relais, selon un communiqué.";
const sourceFields = `key text length title publisher author language url retrievedOn
  published { value precision earliest latest }`;
const addSource = `mutation ($input: AddSourceInput!) { addSource(input: $input) { created source { ${sourceFields} } } }`;
const updateSource = `mutation ($input: UpdateSourceInput!) {
  updateSource(input: $input) { changeId replayed source { ${sourceFields} } } }`;

describe("sources with their provenance", () => {
  let db: Database;
  let query: (q: string, variables?: Record<string, unknown>, key?: string) => Promise<GraphQLResponse<Data>>;
  let wagner: Data;

  const ok = async (q: string, input: Record<string, unknown>) => {
    const response = await query(q, { input }, editor.key);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  };
  /** The stored sources, whole, to show that a refused write changed none. */
  const storedSources = async () =>
    (
      await db.read(
        "MATCH (s:Source) RETURN s {.*, publishedDate: toString(s.publishedDate)} AS s ORDER BY s.id",
      )
    ).records.map((r) => r.get("s"));
  const refused = async (q: string, input: Record<string, unknown>, code: string, key = editor.key) => {
    const before = await storedSources();
    const response = await query(q, { input }, key);
    expect(response.errors?.[0]?.extensions?.code, JSON.stringify(response.errors)).toBe(code);
    expect(await storedSources()).toEqual(before);
    return response.errors?.[0] as Data;
  };

  beforeAll(async () => {
    // The first write after a seed load plans its queries anew: on a loaded machine it took over the default
    // 10 s (QUERY_TIMEOUT), unrelated to what is tested here.
    db = await connectTestDatabase({ queryTimeoutMs: 60_000 });
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog);
    query = graphqlClient(db, { apiKeys, readAccess: "open" });
    wagner = (
      await ok(addSource, {
        text: article,
        language: "fr",
        publisher: "Agence test",
        author: "A. Touré",
        published: "2025-06",
        url: "HTTPS://WWW.Example.COM:443/afrique/wagner-mali/../wagner-quitte-le-mali?id=7#commentaires",
        retrievedOn: "2026-12-01",
      })
    ).addSource.source;
  });
  afterAll(() => db.close());

  it("stores a new source's provenance: the address normalised, the date as relations give theirs", () => {
    expect(wagner).toMatchObject({
      publisher: "Agence test",
      author: "A. Touré",
      language: "fr",
      url: "https://www.example.com/afrique/wagner-quitte-le-mali?id=7",
      retrievedOn: "2026-12-01",
      published: { value: "2025-06", precision: "MONTH", earliest: "2025-06-01", latest: "2025-06-30" },
    });
  });

  it("gives the provenance in search results", async () => {
    const response = await query(`{ searchSources(query: "Wagner départ") {
      edges { node { key url retrievedOn publisher published { value precision } } } } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data.searchSources.edges).toContainEqual({
      node: {
        key: wagner.key,
        url: "https://www.example.com/afrique/wagner-quitte-le-mali?id=7",
        retrievedOn: "2026-12-01",
        publisher: "Agence test",
        published: { value: "2025-06", precision: "MONTH" },
      },
    });
  });

  it("normalises web addresses with the WHATWG URL parser, and names the rule an address breaks", () => {
    expect(normaliseUrl("http://Example.ORG:80/a/./b/../c#x")).toEqual({ url: "http://example.org/a/c" });
    expect(normaliseUrl("https://example.org")).toEqual({ url: "https://example.org/" });
    expect(normaliseUrl("https://example.org:8443/p?q=1&r=2")).toEqual({
      url: "https://example.org:8443/p?q=1&r=2",
    });
    expect(normaliseUrl("https://Bücher.example/über")).toEqual({
      url: "https://xn--bcher-kva.example/%C3%BCber",
    });
    expect(normaliseUrl("ftp://x")).toEqual({ problem: 'must be http or https (got "ftp://x")' });
    expect(normaliseUrl("javascript:alert(1)")).toEqual({
      problem: 'must be http or https (got "javascript:alert(1)")',
    });
    expect(normaliseUrl("www.example.org/a")).toEqual({
      problem:
        'must be an absolute http or https address such as "https://example.org/a" (got "www.example.org/a")',
    });
    expect(normaliseUrl("https://user:secret@example.org/")).toEqual({
      problem: 'must not hold a user name or password (got "https://user:secret@example.org/")',
    });
    expect(normaliseUrl("https://example.org/a b")).toEqual({
      problem: 'must be one web address without spaces or control characters (got "https://example.org/a b")',
    });
    expect("problem" in normaliseUrl(`https://example.org/${"a".repeat(2_000)}`)).toBe(true);
  });

  it("refuses bad provenance naming the field, the value and the rule, and writes nothing", async () => {
    const text = "Un autre texte, jamais stocké.";
    const bad = async (fields: Record<string, unknown>) =>
      (await refused(addSource, { text, language: "fr", ...fields }, "BAD_USER_INPUT")).extensions.problems;
    expect(await bad({ url: "ftp://x" })).toEqual([
      { where: "input.url", message: 'must be http or https (got "ftp://x")' },
    ]);
    expect(await bad({ retrievedOn: "2026-12" })).toEqual([
      { where: "input.retrievedOn", message: 'must be a day "YYYY-MM-DD" (got "2026-12")' },
    ]);
    expect(await bad({ retrievedOn: "2026-02-30" })).toEqual([
      { where: "input.retrievedOn", message: 'no such date "2026-02-30"' },
    ]);
    expect(await bad({ published: "juin 2025", language: "fr_FR!" })).toEqual([
      {
        where: "input.published",
        message: 'must be a date "YYYY", "YYYY-MM" or "YYYY-MM-DD" (got "juin 2025")',
      },
      {
        where: "input.language",
        message: 'must be a BCP 47 language tag such as "fr" or "pt-BR" (got "fr_FR!")',
      },
    ]);
  });

  it("refuses a second source at the same address, however it is written, naming the first", async () => {
    const error = await refused(
      addSource,
      {
        text: "Une autre version de la page.",
        language: "fr",
        url: "https://www.example.com:443/afrique/wagner-quitte-le-mali?id=7#haut",
      },
      "CONFLICT",
    );
    expect(error.message).toContain(`is already the address of source "${wagner.key}"`);
    expect(error.message).toMatch(/^input\.url: /);
    expect(error.extensions).toMatchObject({
      source: wagner.key,
      url: "https://www.example.com/afrique/wagner-quitte-le-mali?id=7",
    });
  });

  it("stores one source when two writes of the same address arrive at once", async () => {
    const url = "https://news.example.net/mali/2025/06/12";
    const answers = await Promise.all(
      ["Première version du texte.", "Seconde version du texte."].map((text) =>
        query(addSource, { input: { text, language: "fr", url } }, editor.key),
      ),
    );
    const codes = answers.map((a) => a.errors?.[0]?.extensions?.code ?? "OK").sort();
    expect(codes).toEqual(["CONFLICT", "OK"]);
    const { records } = await db.read("MATCH (s:Source {url: $url}) RETURN s.id AS key", { url });
    expect(records.map((r) => r.get("key"))).toEqual([
      answers.find((a) => !a.errors)?.data.addSource.source.key,
    ]);
  });

  it("corrects a source's metadata with updateSource, never its text, and records the change", async () => {
    const correction = {
      key: wagner.key,
      title: "Wagner quitte le Mali",
      author: null,
      published: "2025-06-12",
      url: "https://www.example.com/afrique/wagner-quitte-le-mali",
      retrievedOn: "2026-12-02",
      clientKey: "fix-wagner-source",
    };
    const { updateSource: updated } = await ok(updateSource, correction);
    expect(updated.replayed).toBe(false);
    expect(updated.source).toEqual({
      ...wagner,
      title: "Wagner quitte le Mali",
      author: null,
      published: { value: "2025-06-12", precision: "DAY", earliest: "2025-06-12", latest: "2025-06-12" },
      url: "https://www.example.com/afrique/wagner-quitte-le-mali",
      retrievedOn: "2026-12-02",
    });
    expect(updated.source.text).toBe(article);
    const { records } = await db.read(
      `MATCH (s:Source {id: $key}) MATCH (c:Change {id: $changeId})
       RETURN s.publishedDate = date('2025-06-12') AS dated, s.author IS NULL AS cleared, c.operation AS operation,
              c.details AS details`,
      { key: wagner.key, changeId: updated.changeId },
    );
    expect(records[0]?.get("dated")).toBe(true);
    expect(records[0]?.get("cleared")).toBe(true);
    expect(records[0]?.get("operation")).toBe("updateSource");
    expect(JSON.parse(records[0]?.get("details")).before).toMatchObject({
      author: "A. Touré",
      published: "2025-06",
    });

    // The same request again under its key is answered again and writes nothing.
    const again = await ok(updateSource, correction);
    expect(again.updateSource).toMatchObject({ replayed: true, changeId: updated.changeId });
    wagner = updated.source;
  });

  it("has no way to change a text, and refuses metadata it cannot take", async () => {
    const textChange = await refused(
      updateSource,
      { key: wagner.key, text: "Un texte réécrit." },
      "BAD_USER_INPUT",
    );
    expect(textChange.message).toContain('Field "text" is not defined by type "UpdateSourceInput"');
    const problems = async (input: Record<string, unknown>) =>
      (await refused(updateSource, { key: wagner.key, ...input }, "BAD_USER_INPUT")).extensions.problems;
    expect(await problems({})).toEqual([
      {
        where: "input",
        message:
          "changes nothing: give at least one of title, publisher, author, published, language, url and " +
          "retrievedOn (a source's text never changes)",
      },
    ]);
    expect(await problems({ language: null })).toEqual([
      {
        where: "input.language",
        message: 'cannot be cleared: every source has a language; give a BCP 47 tag such as "fr"',
      },
    ]);
    expect(await problems({ url: "mailto:redaction@example.com" })).toEqual([
      { where: "input.url", message: 'must be http or https (got "mailto:redaction@example.com")' },
    ]);
    const taken = await refused(
      updateSource,
      { key: "src-004-dw-mali-dit-oui-russie", url: "https://WWW.example.com/afrique/wagner-quitte-le-mali" },
      "CONFLICT",
    );
    expect(taken.message).toContain(`is already the address of source "${wagner.key}"`);
    const missing = await refused(updateSource, { key: "src-nowhere", title: "X" }, "NOT_FOUND");
    expect(missing.message).toContain('No source with key "src-nowhere" (input.key)');
  });

  it("lets only editors write provenance", async () => {
    const input = { key: wagner.key, publisher: "Quelqu'un d'autre" };
    await refused(updateSource, input, "UNAUTHENTICATED", "");
    const forbidden = await refused(updateSource, input, "FORBIDDEN", reader.key);
    expect(forbidden.message).toContain("This needs the editor role");
    await refused(
      addSource,
      { text: "Texte d'un lecteur.", language: "fr", url: "https://example.org/r" },
      "FORBIDDEN",
      reader.key,
    );
  });

  it("migrates the dates an older writer stored, once, at start-up, leaving what reads as no date", async () => {
    await db.driver.executeQuery(
      `MATCH (m:Migration {id: $id}) DELETE m
       CREATE (:Source {id: 'old-month', file: 'a.txt', language: 'fr', text: 'Un.', length: 3, published: '2021-06'})
       CREATE (:Source {id: 'old-date', file: 'b.txt', language: 'fr', text: 'Deux.', length: 5,
                        published: date('2021-11-11')})
       CREATE (:Source {id: 'old-time', file: 'c.txt', language: 'fr', text: 'Trois.', length: 6,
                        published: '2022-03-04T08:30:00Z'})
       CREATE (:Source {id: 'old-text', file: 'd.txt', language: 'fr', text: 'Quatre.', length: 7,
                        published: '11/11/2021'})`,
      { id: sourceDatesMigration },
      { database: db.name },
    );
    await applySchema(db, quietLog);
    const dates = async () =>
      (
        await query(`{ a: source(key: "old-month") { published { value precision earliest latest } }
        b: source(key: "old-date") { published { value precision earliest latest } }
        c: source(key: "old-time") { published { value precision earliest latest } }
        d: source(key: "old-text") { published { value } } }`)
      ).data;
    const migrated = {
      a: {
        published: { value: "2021-06", precision: "MONTH", earliest: "2021-06-01", latest: "2021-06-30" },
      },
      b: {
        published: { value: "2021-11-11", precision: "DAY", earliest: "2021-11-11", latest: "2021-11-11" },
      },
      c: {
        published: { value: "2022-03-04", precision: "DAY", earliest: "2022-03-04", latest: "2022-03-04" },
      },
      d: { published: null },
    };
    expect(await dates()).toEqual(migrated);
    const { records } = await db.read(
      `MATCH (s:Source) WHERE s.id STARTS WITH 'old-'
       RETURN s.id AS key, s.published AS published, toString(s.publishedDate) AS date ORDER BY key`,
    );
    expect(records.map((r) => r.toObject())).toEqual([
      { key: "old-date", published: "2021-11-11", date: "2021-11-11" },
      { key: "old-month", published: "2021-06", date: "2021-06-01" },
      { key: "old-text", published: "11/11/2021", date: null },
      { key: "old-time", published: "2022-03-04", date: "2022-03-04" },
    ]);
    // Recorded: the next start-up reads one node. Run anew, it finds nothing more to rewrite.
    expect(await migrateSourceDates(db, quietLog)).toBeNull();
    await db.driver.executeQuery(
      "MATCH (m:Migration {id: $id}) DELETE m",
      { id: sourceDatesMigration },
      { database: db.name },
    );
    expect(await migrateSourceDates(db, quietLog)).toEqual({ rewritten: 0, unreadable: 1 });
    expect(await dates()).toEqual(migrated);
    await db.driver.executeQuery(
      "MATCH (s:Source) WHERE s.id STARTS WITH 'old-' DELETE s",
      {},
      { database: db.name },
    );
  });

  it("holds stored addresses to the rule in the graph checker", async () => {
    expect((await checkGraph(db)).violations).toEqual([]);
    await db.driver.executeQuery(
      "MATCH (s:Source {id: 'src-004-dw-mali-dit-oui-russie'}) SET s.url = 'HTTP://DW.com/fr#top'",
      {},
      { database: db.name },
    );
    try {
      expect((await checkGraph(db)).violations).toEqual([
        {
          rule: "grammar",
          key: "src-004-dw-mali-dit-oui-russie",
          message: 'url "HTTP://DW.com/fr#top" is not a normalised http(s) address',
        },
      ]);
    } finally {
      await db.driver.executeQuery(
        "MATCH (s:Source {id: 'src-004-dw-mali-dit-oui-russie'}) REMOVE s.url",
        {},
        { database: db.name },
      );
    }
  });

  it("exports each source's address and retrieval day as CSV columns", async () => {
    const served = await serveOnLoopback(db);
    try {
      const response = await fetch(`${served.base}/export/sources.csv`);
      expect(response.status).toBe(200);
      const rows = parse(await response.text(), { columns: true }) as Record<string, string>[];
      expect(Object.keys(rows[0] ?? {})).toEqual(
        expect.arrayContaining(["url", "retrieved_on", "published"]),
      );
      expect(rows.find((r) => r.id === wagner.key)).toMatchObject({
        url: "https://www.example.com/afrique/wagner-quitte-le-mali",
        retrieved_on: "2026-12-02",
        published: "2025-06-12",
        published_precision: "DAY",
      });
      expect(rows.find((r) => r.id === "src-004-dw-mali-dit-oui-russie")).toMatchObject({
        url: "",
        retrieved_on: "",
      });
    } finally {
      await served.close();
    }
  });
});
