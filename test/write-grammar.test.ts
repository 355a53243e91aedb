import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { checkGraph } from "../src/db/invariants.js";
import {
  canonicalLanguage,
  dateProblem,
  keyProblem,
  limits,
  nameProblem,
  textProblem,
} from "../src/domain/grammar.js";
import { loadSeed } from "../src/seed/load.js";
import { SeedError } from "../src/seed/read.js";
import { quietLog } from "./support/db.js";
import { type GraphQLResponse, graphqlClient } from "./support/graphql.js";
import { runIngest } from "./support/ingest-cli.js";
import { copySeed } from "./support/seed-copy.js";
import { seededDatabase } from "./support/server.js";
import { snapshotGraph } from "./support/snapshot.js";

/**
 * The one input grammar, as a new user meets it through the mutations: each case the write path used to store
 * is refused with a problem naming the field, the value and the rule, and a hash of the whole graph, taken
 * over Bolt before and after, shows that nothing changed. Then fast-check walks each rule's edges.
 */

// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field below
type Data = any;
type Problems = { where: string; message: string }[];

const editor = generateApiKey("alice", "editor");
const apiKeys = parseApiKeys(editor.entry);

const article =
  "Bamako, 3 mars 2026 – Le ministre malien des Affaires étrangères, Abdoulaye Diop, a reçu à Bamako " +
  "l’ambassadeur de Russie. Selon le communiqué, Moscou livrera deux hélicoptères supplémentaires aux forces " +
  "armées maliennes d’ici juin. Le Kremlin n’a pas commenté.";

const addSource = `mutation ($input: AddSourceInput!) { addSource(input: $input) { created source { key language } } }`;
const addActor = `mutation ($input: AddActorInput!) { addActor(input: $input) { actor { key name aliases } } }`;
const updateActor = `mutation ($input: UpdateActorInput!) { updateActor(input: $input) { actor { key name aliases } } }`;
const assertRelation = `mutation ($input: AssertRelationInput!) { assertRelation(input: $input) {
  relation { key citations { quote start end } } } }`;

const graphHash = async (db: Database) =>
  createHash("sha256")
    .update(await snapshotGraph(db))
    .digest("hex");

describe("one grammar for every write", () => {
  let db: Database;
  let source: string;
  let query: (q: string, variables?: Record<string, unknown>, key?: string) => Promise<GraphQLResponse<Data>>;

  /** Sends a write that must be refused as bad input; returns its problems after proving nothing changed. */
  const refused = async (q: string, input: Record<string, unknown>): Promise<Problems> => {
    const before = await graphHash(db);
    const response = await query(q, { input }, editor.key);
    expect(response.errors?.[0]?.extensions?.code, JSON.stringify(response.errors)).toBe("BAD_USER_INPUT");
    expect(await graphHash(db)).toBe(before);
    return response.errors?.[0]?.extensions?.problems ?? [];
  };
  const ok = async (q: string, input: Record<string, unknown>) => {
    const response = await query(q, { input }, editor.key);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  };
  // Each is a claim of its own, not more evidence for the seed's arms supply: distinct (decision 026).
  const relation = (citations: Record<string, unknown>[], more: Record<string, unknown> = {}) => ({
    type: "ARMS_SUPPLY",
    from: "russia",
    to: "mali",
    distinct: true,
    citations: citations.map((c) => ({ source, stance: "REPORTS", ...c })),
    ...more,
  });

  beforeAll(async () => {
    db = await seededDatabase();
    query = graphqlClient(db, { apiKeys, readAccess: "open" });
    source = (await ok(addSource, { text: article, language: "fr" })).addSource.source.key;
  });
  afterAll(() => db.close());

  describe("citations and relations", () => {
    it("refuses a negative start, naming the field, the value and the rule", async () => {
      const problems = await refused(assertRelation, relation([{ quote: "Moscou", start: -20 }]));
      expect(problems).toEqual([
        {
          where: "input.citations.0.start",
          message: "must be a code point offset, an integer ≥ 0 (got -20)",
        },
      ]);
    });

    it("refuses dates that contradict each other, at their own precision", async () => {
      const cite = [{ quote: "Moscou" }];
      const problems = async (dates: Record<string, string>) =>
        (await refused(assertRelation, relation(cite, dates))).map((p) => [p.where, p.message]);
      expect(await problems({ at: "2023", end: "2020" })).toEqual([
        ["input.at", 'at "2023" is after end "2020"'],
      ]);
      expect(await problems({ at: "2019-03", start: "2019-05" })).toEqual([
        ["input.at", 'at "2019-03" is before start "2019-05"'],
      ]);
      expect(await problems({ start: "2021", end: "2020-12-31" })).toEqual([
        ["input.end", 'end "2020-12-31" is before start "2021"'],
      ]);
      // "2019" holds "2019-05": within the span at the coarser precision, accepted.
      await ok(
        assertRelation,
        relation([{ quote: "Moscou livrera" }], { at: "2019", start: "2019-05", end: "2020" }),
      );
    });

    it("refuses a quote that cuts a letter from its accent or a flag in two", async () => {
      const text = "Le colonel Assimi Goi\u0308ta a rencontré Vladimir Poutine 🇷🇺 à Moscou.";
      const points = Array.from(text);
      const at = (part: string) => Array.from(text.slice(0, text.indexOf(part))).length;
      const key = (await ok(addSource, { text, language: "fr" })).addSource.source.key;
      const quoted = (start: number, end: number) =>
        relation([{ source: key, quote: points.slice(start, end).join(""), start, end }]);
      const goita = at("Goi");
      const cut = await refused(assertRelation, quoted(at("colonel"), goita + 3));
      expect(cut).toEqual([
        {
          where: "input.citations.0.end",
          message: expect.stringMatching(
            /^end \d+ falls inside a character of src-\w+ \(U\+0308 there joins/,
          ),
        },
      ]);
      const flag = at("🇷🇺");
      const half = await refused(assertRelation, quoted(at("Vladimir"), flag + 1));
      expect(half[0]).toMatchObject({ where: "input.citations.0.end", message: /U\+1F1FA there joins/ });
      const mark = await refused(assertRelation, quoted(goita + 3, goita + 6));
      expect(mark[0]).toMatchObject({ where: "input.citations.0.start", message: /U\+0308 there joins/ });
      // Whole characters: accepted.
      await ok(assertRelation, quoted(at("Assimi"), goita + 6));
      await ok(assertRelation, quoted(at("Poutine"), flag + 2));
    });

    it("refuses an empty quote at 10-10", async () => {
      const problems = await refused(assertRelation, relation([{ quote: "", start: 10, end: 10 }]));
      expect(problems).toEqual([
        { where: "input.citations.0.quote", message: "the text is empty" },
        { where: "input.citations.0.end", message: "end must be greater than start (got start 10, end 10)" },
      ]);
    });

    it("refuses an end past the source, and an end that does not fit the quote", async () => {
      const length = Array.from(article).length;
      const past = await refused(
        assertRelation,
        relation([{ quote: "juin", start: length - 2, end: length + 2 }]),
      );
      expect(past[0]?.message).toMatch(/end \d+ is past the end of src-/);
      const at = Array.from(article).indexOf("M");
      const short = await refused(assertRelation, relation([{ quote: "Moscou", start: at, end: at + 5 }]));
      expect(short[0]).toMatchObject({ where: "input.citations.0.start", message: /do not match the quote/ });
    });

    it("refuses the same citation twice in one relation", async () => {
      const problems = await refused(assertRelation, relation([{ quote: "Moscou" }, { quote: "Moscou" }]));
      expect(problems).toEqual([
        {
          where: "input.citations.1.quote",
          message: expect.stringMatching(/cites the same passage as citation 0 \(src-\w+@\d+-\d+\)/),
        },
      ]);
    });

    it("refuses a relation whose from is its to", async () => {
      const problems = await refused(assertRelation, relation([{ quote: "Moscou" }], { to: "russia" }));
      expect(problems).toEqual([
        {
          where: "input.to",
          message: 'a relation joins two different actors (got from and to both "russia")',
        },
      ]);
    });

    it("refuses a relation key that is not a key", async () => {
      const problems = await refused(
        assertRelation,
        relation([{ quote: "Moscou" }], { key: "../../etc passwd" }),
      );
      expect(problems).toEqual([
        {
          where: "input.key",
          message: expect.stringMatching(/^must be a key: .* \(got "..\/..\/etc passwd"\)$/),
        },
      ]);
    });
  });

  describe("control characters", () => {
    it.each([
      ["NUL", "\u0000"],
      ["BEL", "\u0007"],
      ["ESC", "\u001b"],
    ])("refuses %s in a name, a note, a text and a language", async (_name, char) => {
      const name = await refused(addActor, { name: `Wagner${char}`, kind: "GROUP" });
      expect(name).toEqual([
        {
          where: "input.name",
          message: `must not contain control characters (U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} at code point 6) (got ${JSON.stringify(`Wagner${char}`)})`,
        },
      ]);
      const note = await refused(assertRelation, relation([{ quote: "Moscou" }], { note: `a${char}b` }));
      expect(note[0]).toMatchObject({ where: "input.note", message: /control characters other than/ });
      const text = await refused(addSource, { text: `Un texte${char}`, language: "fr" });
      expect(text[0]).toMatchObject({ where: "input.text", message: /control characters other than/ });
      const language = await refused(addSource, { text: "Un texte.", language: `fr${char}` });
      expect(language[0]).toMatchObject({ where: "input.language", message: /BCP 47/ });
    });
    it("names and places the first control character of a text too long to show whole", async () => {
      const text = `${"Un texte assez long pour être coupé à l'affichage. ".repeat(3)}\r\nFin.`;
      const problems = await refused(addSource, { text, language: "fr" });
      expect(problems[0]).toMatchObject({
        where: "input.text",
        message: expect.stringContaining("other than \\n and \\t (U+000D at code point 153)"),
      });
    });

    it.each([
      ["a zero-width space", "\u200b", "U+200B"],
      ["a soft hyphen", "\u00ad", "U+00AD"],
      ["a byte order mark", "\ufeff", "U+FEFF"],
    ])(
      "refuses %s in a name or an alias, which would make a look-alike of another name",
      async (_n, char, code) => {
        const problems = await refused(addActor, {
          name: `Jean${char}Testeur`,
          kind: "PERSON",
          aliases: [`Testeur${char}`],
        });
        expect(problems).toEqual([
          {
            where: "input.name",
            message: `must not contain invisible format characters (${code} at code point 4) (got ${JSON.stringify(`Jean${char}Testeur`)})`,
          },
          { where: "input.aliases.0", message: expect.stringContaining(`(${code} at code point 7)`) },
        ]);
      },
    );
  });

  describe("actors", () => {
    it("makes a key from a name in another script, and asks for one where none can be made", async () => {
      const added = await ok(addActor, { name: "Владимир Путин (test)", kind: "PERSON" });
      expect(added.addActor.actor.key).toBe("vladimir-putin-test");
      expect(await refused(addActor, { name: "北京", kind: "STATE" })).toEqual([
        {
          where: "input.key",
          message:
            'cannot be made from the name "北京": no letter a-z or digit once transliterated; give a key',
        },
      ]);
    });

    it('refuses an empty name (which made an actor with key "")', async () => {
      const problems = await refused(addActor, { name: "", kind: "PERSON" });
      expect(problems.map((p) => p.where)).toEqual(["input.key", "input.name"]);
      expect(problems[1]?.message).toBe('must contain a letter or a digit (got "")');
    });

    it("refuses a key that is not a key, duplicate aliases, a 200,000-character name, an empty language", async () => {
      const key = await refused(addActor, { key: "A B/../<x>", name: "Quelqu'un", kind: "PERSON" });
      expect(key).toEqual([{ where: "input.key", message: expect.stringContaining('(got "A B/../<x>")') }]);
      const aliases = await refused(addActor, {
        name: "Sergueï Choïgou",
        kind: "PERSON",
        aliases: ["Choïgou", "Choi\u0308gou", " Choïgou "],
      });
      expect(aliases.map((p) => p.where)).toEqual(["input.aliases.1", "input.aliases.2"]);
      expect(aliases[0]?.message).toMatch(
        /^repeats alias 0 "Choïgou": aliases are distinct once Unicode-normalised/,
      );
      const long = await refused(addActor, { key: "long", name: "A".repeat(200_000), kind: "PERSON" });
      expect(long).toEqual([
        {
          where: "input.name",
          message: `must be at most 200 code points (got "${"A".repeat(40)}"… (200000 code points))`,
        },
      ]);
      const language = await refused(addSource, { text: "Un texte.", language: "" });
      expect(language).toEqual([
        {
          where: "input.language",
          message: 'must be a BCP 47 language tag such as "fr" or "pt-BR" (got "")',
        },
      ]);
    });

    it("refuses an update to an empty name and blank aliases; the actor is still found by name", async () => {
      const problems = await refused(updateActor, { key: "wagner", name: "", aliases: ["", " "] });
      expect(problems.map((p) => p.where)).toEqual(["input.name", "input.aliases.0", "input.aliases.1"]);
      const found = await query(`{ actor(name: "Wagner") { key name } }`);
      expect(found.data.actor).toEqual({ key: "wagner", name: "Wagner" });
    });

    it("stores a language in its canonical BCP 47 form", async () => {
      const stored = await ok(addSource, { text: "Texte canadien.", language: "fr-ca" });
      expect(stored.addSource.source.language).toBe("fr-CA");
    });
  });

  describe("the seed files and npm run ingest", () => {
    it("refuses a seed actor with a control character in its name or a key that is not a key, by line", async () => {
      const before = await graphHash(db);
      const copy = await copySeed();
      try {
        const nameLine = await copy.edit("actors.yaml", 'name: "Mali"', 'name: "Ma\\u0007li"');
        const keyLine = await copy.edit("actors.yaml", "- id: russia", "- id: Russia_1");
        const error = await loadSeed(db, copy.dir, quietLog, { force: true }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SeedError);
        const message = (error as SeedError).message;
        expect(message).toContain(
          `actors.yaml:${nameLine}: actors.0.name: must not contain control characters (U+0007 at code point 2) (got "Ma\\u0007li")`,
        );
        expect(message).toContain(`actors.yaml:${keyLine}: actors.1.id: must be a key:`);
      } finally {
        await copy.remove();
      }
      expect(await graphHash(db)).toBe(before);
    });

    it("refuses an ingest file breaking the grammar, naming each file and line, and changes nothing", async () => {
      const before = await graphHash(db);
      const dir = await mkdtemp(path.join(tmpdir(), "ingest-grammar-"));
      try {
        await writeFile(path.join(dir, "text.txt"), "Ivan Petrov est arrivé à Bamako.");
        await writeFile(
          path.join(dir, "batch.yaml"),
          [
            "sources:",
            "  - id: src-grammar",
            "    file: text.txt",
            '    language: ""',
            "actors:",
            '  - id: "A B/../<x>"',
            '    name: "Ivan\\u0000Petrov"',
            "    kind: PERSON",
            '    aliases: ["Petrov", "Petrov "]',
            "",
          ].join("\n"),
        );
        const result = await runIngest(path.join(dir, "batch.yaml"));
        expect(result.code).toBe(1);
        const file = path.join(dir, "batch.yaml");
        expect(result.stderr).toContain(`${file}:4: sources.0.language: must be a BCP 47 language tag`);
        expect(result.stderr).toContain(`${file}:6: actors.0.id: must be a key:`);
        expect(result.stderr).toContain(`${file}:7: actors.0.name: must not contain control characters`);
        expect(result.stderr).toContain(`${file}:9: actors.0.aliases.1: repeats alias 0 "Petrov"`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      expect(await graphHash(db)).toBe(before);
    });
  });

  describe("loaders after writes", () => {
    it("answers each of two updates in one request with its own value", async () => {
      const response = await query(
        `mutation {
          first: updateActor(input: { key: "wagner", aliases: ["Wagner", "Groupe Wagner"] }) { actor { aliases } }
          second: updateActor(input: { key: "wagner", aliases: ["Wagner", "Groupe Wagner", "PMC Wagner"] }) { actor { aliases } }
        }`,
        {},
        editor.key,
      );
      expect(response.errors).toBeUndefined();
      expect(response.data.first.actor.aliases).toEqual(["Wagner", "Groupe Wagner"]);
      expect(response.data.second.actor.aliases).toEqual(["Wagner", "Groupe Wagner", "PMC Wagner"]);
    });
  });

  describe("rule edges (fast-check)", () => {
    const control = fc.constantFrom(..."\u0000\u0007\u001b\u007f\u0085\r\u000b".split(""));
    const mark = fc.constantFrom("\u0301", "\u0308", "\u0327");
    const surrogatePair = fc.constantFrom("𝔄", "😀", "𐌰", "🇲🇱");
    const space = fc.constantFrom(" ", "\t", "\u00a0", "\u2003");
    const letter = fc.constantFrom(..."aéZß".split(""), "ï", "Ж", "東", "7");
    const piece = fc.oneof(letter, mark, surrogatePair, space);

    it("accepts a name exactly when it has a letter or digit, no control character, and fits", () => {
      fc.assert(
        fc.property(fc.array(fc.oneof(piece, control), { maxLength: 12 }), (pieces) => {
          const name = pieces.join("");
          const good =
            /[\p{L}\p{N}]/u.test(name) &&
            !/[\p{Cc}\p{Cs}]/u.test(name) &&
            Array.from(name.trim()).length <= limits.name;
          expect(nameProblem(name) === null).toBe(good);
        }),
        { seed: 20261129, numRuns: 500 },
      );
    });

    it("accepts a text exactly when it is not blank and its only control characters are \\n and \\t", () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(piece, control, fc.constantFrom("\n", "\t")), { maxLength: 12 }),
          (pieces) => {
            const text = pieces.join("");
            const good = text.trim().length > 0 && !/[^\P{Cc}\t\n]/u.test(text);
            expect(textProblem(text, limits.shortText) === null).toBe(good);
          },
        ),
        { seed: 20261129, numRuns: 500 },
      );
    });

    it("accepts a date exactly when it names a calendar year, month or day", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1000, max: 9999 }),
          fc.option(fc.integer({ min: 0, max: 13 })),
          fc.option(fc.integer({ min: 0, max: 32 })),
          (year, month, day) => {
            const pad = (n: number) => String(n).padStart(2, "0");
            const date = [year, month, month === null ? null : day]
              .filter((part) => part !== null)
              .map((part, i) => (i === 0 ? String(part) : pad(part as number)))
              .join("-");
            const real =
              month === null ||
              (month >= 1 &&
                month <= 12 &&
                (day === null || (day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate())));
            expect(dateProblem(date) === null).toBe(real);
          },
        ),
        { seed: 20261129, numRuns: 500 },
      );
    });

    it("accepts well-formed language tags and refuses the rest", () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.constantFrom("fr", "en-GB", "pt-br", "zh-Hant-TW", "es-419", "sr-Latn"),
            fc.constantFrom("", " ", "f", "fr_FR", "français", "fr-", "-fr", "fr\u0000", "12"),
          ),
          (tag) => {
            const good = /^[a-z]{2,3}(-([a-z]{4}|[a-z]{2}|\d{3}))*$/i.test(tag);
            expect(canonicalLanguage(tag) !== null).toBe(good);
          },
        ),
        { seed: 20261129, numRuns: 100 },
      );
    });

    it("stores an actor under a key exactly when the key follows the key form, refusing the rest", async () => {
      let n = 0;
      const keyChar = fc.constantFrom(..."ab9-".split(""), "A", "_", "/", " ", ".", "é", "\u0000");
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.array(keyChar, { maxLength: 6 }).map((chars) => chars.join("")),
            fc.integer({ min: limits.key - 1, max: limits.key + 1 }).map((length) => "k".repeat(length)),
          ),
          async (key) => {
            n += 1;
            const input = { key: `${key}`, name: `Clé ${n}`, kind: "GROUP" };
            const existing = await query(`query ($key: String!) { actor(key: $key) { key } }`, { key });
            if (keyProblem(key) !== null) {
              const problems = await refused(addActor, input);
              expect(problems[0]?.where).toBe("input.key");
            } else if (existing.data?.actor === null) {
              expect((await ok(addActor, input)).addActor.actor.key).toBe(key);
            }
          },
        ),
        { seed: 20261129, numRuns: 40 },
      );
    });

    it("loads valid actors and refuses invalid ones, through the mutation, changing nothing when refused", async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(piece, control), { minLength: 0, maxLength: 8 }),
          async (pieces) => {
            n += 1;
            const name = `${pieces.join("")}`;
            const input = {
              key: `prop-actor-${n}`,
              name: `${name}`,
              kind: "PERSON",
              aliases: [`x${n} ${name}`],
            };
            if (nameProblem(name) === null && nameProblem(`x${n} ${name}`) === null) {
              const stored = await query(addActor, { input }, editor.key);
              if (stored.errors) {
                // A valid name may still belong to another actor once folded: the only other refusal.
                expect(stored.errors[0]?.message).toMatch(/is already a name of actor/);
              } else expect(stored.data.addActor.actor.name).toBe(name.trim());
            } else {
              const problems = await refused(addActor, input);
              expect(problems.some((p) => p.where === "input.name" || p.where === "input.aliases.0")).toBe(
                true,
              );
            }
          },
        ),
        { seed: 20261129, numRuns: 60 },
      );
    });

    it("places quotes at 0, at the end and around surrogate pairs and combining marks, and refuses spans off by one or cutting a character", async () => {
      const text = "𝔄é\u0301 début — milieu 😀 et fin🇲🇱";
      const points = Array.from(text);
      const key = (await ok(addSource, { text, language: "fr" })).addSource.source.key;
      // Where characters (grapheme clusters) begin, in code points: a quote starts and ends only there.
      const boundaries = new Set([points.length]);
      let offset = 0;
      for (const { segment } of new Intl.Segmenter("fr", { granularity: "grapheme" }).segment(text)) {
        boundaries.add(offset);
        offset += Array.from(segment).length;
      }
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.constant(0),
            fc.constant(points.length - 1),
            fc.integer({ min: 0, max: points.length - 1 }),
          ),
          fc.integer({ min: 1, max: 6 }),
          fc.constantFrom(-1, 0, 1),
          async (start, length, shift) => {
            const end = Math.min(points.length, start + length);
            const quote = points.slice(start, end).join("");
            const citation = {
              source: key,
              quote,
              start: start + shift,
              end: end + shift,
              stance: "REPORTS",
            };
            const input = {
              type: "VISIT",
              from: "russia",
              to: "mali",
              distinct: true,
              citations: [citation],
            };
            const valid =
              start + shift >= 0 &&
              quote.trim().length > 0 &&
              boundaries.has(start + shift) &&
              boundaries.has(end + shift) &&
              (shift === 0 || points.slice(start + shift, end + shift).join("") === quote);
            if (valid) {
              const stored = await query(assertRelation, { input }, editor.key);
              const errors = stored.errors ?? [];
              // The same span twice across runs gets the same derived key: the only other refusal.
              if (errors.length > 0) expect(errors[0]?.message).toMatch(/already exists/);
              else expect(stored.data.assertRelation.relation.citations[0].quote).toBe(quote);
            } else {
              await refused(assertRelation, input);
            }
          },
        ),
        { seed: 20261129, numRuns: 60 },
      );
      expect((await checkGraph(db)).violations).toEqual([]);
    });
  });
});
