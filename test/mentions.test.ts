import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { DomainError } from "../src/domain/errors.js";
import { findMentions, mentionFinder, mentionKeys, textWords } from "../src/domain/mentions.js";
import { vocabulary } from "../src/domain/vocabulary.js";
import { absorbActor, applyBatch, editActor } from "../src/ingest/service.js";
import { loadSeed } from "../src/seed/load.js";
import { mentionRows } from "../src/seed/rows.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { type GraphQLResponse, graphqlClient } from "./support/graphql.js";
import { seedDir } from "./support/seed-copy.js";
import { snapshotGraph } from "./support/snapshot.js";

// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field below
type Data = any;

const editor = generateApiKey("alice", "editor");
const admin = generateApiKey("bob", "admin");
const apiKeys = parseApiKeys([editor.entry, admin.entry].join(","));

/** Three articles written for this test that name a person no actor is yet, and two that do not. */
const naming = [
  "Bamako, 4 mai 2026 – Le colonel Issiaka Traoré-Kondé a présidé la cérémonie au camp de Kati.",
  "Selon un communiqué, ISSIAKA TRAORÉ-KONDÉ aurait rencontré des officiers russes à Bamako.",
  "Le porte-parole de l’armée, Issiaka Traore-Konde, a démenti ces informations, a rapporté Radio France Internationale.",
];
const notNaming = [
  "Issiaka, un commerçant de Kati, dit que les prix ont doublé depuis janvier.",
  "La France a annoncé le retrait de ses derniers soldats, selon Radio France Internationale.",
];

const addSource = `mutation ($input: AddSourceInput!) { addSource(input: $input) {
  source { key } mentions { start end text actor { key } } } }`;
const addActor = `mutation ($input: AddActorInput!) { addActor(input: $input) {
  mentionTextsRead actor { key mentionedIn { start end text source { key } } } } }`;
const updateActor = `mutation ($input: UpdateActorInput!) { updateActor(input: $input) {
  mentionTextsRead actor { key aliases mentionedIn { start end text source { key } } } } }`;
const sourceMentions = `query ($key: String!) { source(key: $key) { mentions { start end text actor { key } } } }`;

describe("mentions that stay true", () => {
  let db: Database;
  let query: (q: string, variables?: Record<string, unknown>, key?: string) => Promise<GraphQLResponse<Data>>;
  const ok = async (q: string, variables: Record<string, unknown>, key = editor.key) => {
    const response = await query(q, variables, key);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  };
  const store = async (text: string) =>
    (await ok(addSource, { input: { text, language: "fr" } })).addSource.source.key as string;
  const storedSources = async () =>
    Number((await db.read("MATCH (s:Source) RETURN count(s) AS n")).records[0]?.get("n"));

  beforeAll(async () => {
    db = await connectTestDatabase();
    query = graphqlClient(db, { apiKeys, readAccess: "open" });
  });
  beforeEach(async () => {
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog, { force: true });
  });
  afterAll(() => db.close());

  it("finds a new person in the three texts stored before, reading only the texts that name them", async () => {
    const keys: string[] = [];
    for (const text of naming) keys.push(await store(text));
    for (const text of notNaming) await store(text);
    const before = await ok(sourceMentions, { key: keys[0] });
    expect(before.source.mentions.map((m: Data) => m.actor.key)).not.toContain("issiaka-traore-konde");

    const { addActor: added } = await ok(addActor, {
      input: { key: "issiaka-traore-konde", name: "Issiaka Traoré-Kondé", kind: "PERSON" },
    });
    // The index finds the three texts that write the name; never every stored text (the seed's and the others).
    expect(added.mentionTextsRead).toBe(3);
    expect(added.mentionTextsRead).toBeLessThan(await storedSources());
    const expected = ["Issiaka Traoré-Kondé", "ISSIAKA TRAORÉ-KONDÉ", "Issiaka Traore-Konde"].map(
      (name, i) => {
        const start = (naming[i] as string).indexOf(name);
        return { source: { key: keys[i] as string }, text: name, start, end: start + name.length };
      },
    );
    expect(added.actor.mentionedIn).toEqual(expected.sort((a, b) => (a.source.key < b.source.key ? -1 : 1)));
    // A later read, with no restart, answers the same.
    const { actor } = await ok(`{ actor(key: "issiaka-traore-konde") { mentionedIn { text } } }`, {});
    expect(actor.mentionedIn.map((m: Data) => m.text).sort()).toEqual(
      ["ISSIAKA TRAORÉ-KONDÉ", "Issiaka Traore-Konde", "Issiaka Traoré-Kondé"].sort(),
    );
  });

  it('never counts "France" inside "Radio France Internationale" once RFI is a known actor', async () => {
    const key = await store(notNaming[1] as string);
    const france = (m: Data) => m.actor.key === "france";
    const before = (await ok(sourceMentions, { key })).source.mentions;
    expect(before.filter(france).map((m: Data) => m.start)).toHaveLength(2);

    const { addActor: added } = await ok(addActor, {
      input: {
        key: "rfi",
        name: "Radio France Internationale",
        aliases: ["RFI"],
        kind: "ORGANIZATION",
      },
    });
    expect(added.mentionTextsRead).toBe(1);
    const after = (await ok(sourceMentions, { key })).source.mentions;
    const rfi = after.find((m: Data) => m.actor.key === "rfi");
    expect(rfi.text).toBe("Radio France Internationale");
    expect(after.filter(france)).toEqual([{ start: 3, end: 9, text: "France", actor: { key: "france" } }]);
    // No mention of France lies inside RFI's, in any stored text.
    for (const mention of added.actor.mentionedIn) {
      const { source } = await ok(sourceMentions, { key: mention.source.key });
      const inside = source.mentions.filter(
        (m: Data) => m.actor.key === "france" && m.start >= mention.start && m.end <= mention.end,
      );
      expect(inside).toEqual([]);
    }
    // A text stored afterwards is read the same way.
    const later = await ok(addSource, {
      input: { text: "Radio France Internationale cite Paris et la France.", language: "fr" },
    });
    expect(later.addSource.mentions.map((m: Data) => [m.actor.key, m.text])).toEqual([
      ["rfi", "Radio France Internationale"],
      ["france", "Paris"],
      ["france", "France"],
    ]);
  });

  it("adds and removes aliases without resending the list, and recomputes their mentions", async () => {
    const key = await store(naming[1] as string);
    await ok(addActor, { input: { key: "issiaka", name: "Colonel Issiaka", kind: "PERSON" } });
    const added = await ok(updateActor, {
      input: { key: "issiaka", addAliases: ["Issiaka Traoré-Kondé", "Traoré-Kondé"] },
    });
    expect(added.updateActor.actor.aliases).toEqual(["Issiaka Traoré-Kondé", "Traoré-Kondé"]);
    expect(added.updateActor.mentionTextsRead).toBe(1);
    // "Traoré-Kondé" lies inside the longer "Issiaka Traoré-Kondé": one mention, the longer.
    expect(added.updateActor.actor.mentionedIn.map((m: Data) => [m.source.key, m.text])).toEqual([
      [key, "ISSIAKA TRAORÉ-KONDÉ"],
    ]);
    const removed = await ok(updateActor, {
      input: { key: "issiaka", removeAliases: ["Issiaka Traoré-Kondé"] },
    });
    expect(removed.updateActor.actor.aliases).toEqual(["Traoré-Kondé"]);
    expect(removed.updateActor.mentionTextsRead).toBe(1);
    expect(removed.updateActor.actor.mentionedIn.map((m: Data) => m.text)).toEqual(["TRAORÉ-KONDÉ"]);

    const before = await snapshotGraph(db);
    const unknown = await query(
      updateActor,
      { input: { key: "issiaka", removeAliases: ["Issiaka K."] } },
      editor.key,
    );
    expect(unknown.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(unknown.errors?.[0]?.extensions?.problems).toEqual([
      { where: "input.removeAliases.0", message: '"Issiaka K." is not an alias of this actor' },
    ]);
    const taken = await query(updateActor, { input: { key: "issiaka", addAliases: ["Bamako"] } }, editor.key);
    expect(taken.errors?.[0]?.extensions?.problems).toEqual([
      { where: "input.addAliases.0", message: 'name "bamako" is already a name of actor "mali"' },
    ]);
    const both = await query(
      updateActor,
      { input: { key: "issiaka", aliases: [], addAliases: ["Issiaka"] } },
      editor.key,
    );
    expect(both.errors?.[0]?.extensions?.problems?.[0]?.where).toBe("input.aliases");
    expect(await snapshotGraph(db)).toBe(before);
  });

  it("refuses a name that the texts' index cannot find", async () => {
    const refused = await query(addActor, { input: { key: "l-x", name: "L’", kind: "PERSON" } }, editor.key);
    expect(refused.errors?.[0]?.extensions?.problems?.[0]?.message).toMatch(/elided article/);
  });
});

describe("the finder over many actors", () => {
  it("finds what findMentions finds against every actor, on any text and names", () => {
    const piece = fc.oneof(
      fc.constantFrom(
        "Mali",
        "mali",
        "MALI",
        "Goïta",
        "Goi\u0301ta",
        "de",
        "la",
        "l’",
        "d'",
        "ﬁ",
        "𐌰",
        "12",
        "-",
        " ",
        ", ",
      ),
      fc.string({ maxLength: 3 }),
    );
    const name = fc
      .array(piece, { minLength: 1, maxLength: 4 })
      .map((parts) => parts.join(""))
      .filter((n) => /[\p{L}\p{N}]/u.test(n));
    const actors = fc.uniqueArray(fc.tuple(name, fc.array(name, { maxLength: 2 })), {
      maxLength: 12,
      selector: ([n]) => n,
    });
    fc.assert(
      fc.property(actors, fc.array(piece, { maxLength: 40 }), (list, parts) => {
        const named = list.map(([n, aliases], i) => ({ id: `a${i}`, name: n, aliases }));
        const text = parts.join("");
        expect(mentionFinder(named).find(text)).toEqual(findMentions(text, named));
        // Only the actors with a mention key among the text's words (what a recount reads) find the same.
        const words = new Set(textWords(text));
        const keyed = named.filter((a) => mentionKeys([a.name, ...a.aliases]).some((key) => words.has(key)));
        expect(mentionFinder(keyed).find(text)).toEqual(findMentions(text, named));
      }),
      { numRuns: 2000 },
    );
  });
});

/**
 * Property: after any sequence of writes (sources stored, actors added, renamed, given or losing aliases,
 * merged), the stored mentions are exactly those that recomputing every text against every actor gives.
 */
describe("incremental recomputation equals a full one", () => {
  let db: Database;
  const writer = { name: "property", role: "admin" as const };
  beforeAll(async () => {
    db = await connectTestDatabase();
    await resetDatabase(db);
  });
  afterAll(() => db.close());

  const word = fc.constantFrom(
    "Radio",
    "France",
    "FRANCE",
    "Internationale",
    "Mali",
    "Goïta",
    "Goita",
    "GOÏTA",
    "Assimi",
    "armée",
    "Armee",
    "Wagner",
    "Groupe",
    "de",
    "la",
    "Sud",
  );
  const separator = fc.constantFrom(" ", " ", " ", ", ", ". ", " l’", " d'", "-", " (", ") ");
  const text = fc
    .array(fc.tuple(word, separator), { minLength: 2, maxLength: 30 })
    .map((parts) => `Texte : ${parts.map(([w, s]) => w + s).join("")}fin.`);
  const name = fc
    .array(fc.tuple(word, fc.constantFrom(" ", "-")), { minLength: 1, maxLength: 3 })
    .map((parts) => parts.map(([w, s], i) => (i === 0 ? w : s + w)).join(""));
  const operation = fc.oneof(
    { arbitrary: text.map((t) => ({ kind: "source" as const, text: t })), weight: 3 },
    {
      arbitrary: fc
        .tuple(name, fc.array(name, { maxLength: 2 }))
        .map(([n, aliases]) => ({ kind: "actor" as const, name: n, aliases })),
      weight: 3,
    },
    {
      arbitrary: fc.tuple(fc.nat(), name).map(([a, n]) => ({ kind: "addAlias" as const, a, name: n })),
      weight: 2,
    },
    {
      arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([a, i]) => ({ kind: "removeAlias" as const, a, i })),
      weight: 1,
    },
    {
      arbitrary: fc.tuple(fc.nat(), name).map(([a, n]) => ({ kind: "rename" as const, a, name: n })),
      weight: 1,
    },
    {
      arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => ({ kind: "merge" as const, a, b })),
      weight: 1,
    },
  );
  type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

  const locate = (section: string, index: number, path: readonly (string | number)[]) =>
    `${section}.${index}.${path.join(".")}`;

  /** Applies one write; a write the rules refuse (a name another actor has) changes nothing and is skipped. */
  async function apply(op: Operation, actors: string[], counter: { n: number }) {
    const pick = (n: number) => actors[n % actors.length] as string;
    try {
      if (op.kind === "source") {
        await applyBatch(
          db,
          vocabulary,
          writer,
          { sources: [{ id: null, text: op.text, language: "fr" }], actors: [], relations: [] },
          { operation: "addSource", locate },
        );
      } else if (op.kind === "actor") {
        counter.n += 1;
        const id = `actor-${counter.n}`;
        await applyBatch(
          db,
          vocabulary,
          writer,
          {
            sources: [],
            relations: [],
            actors: [{ id, name: op.name, aliases: op.aliases, kind: "PERSON" }],
          },
          { operation: "addActor", locate },
        );
        actors.push(id);
      } else if (actors.length === 0) {
        return;
      } else if (op.kind === "addAlias") {
        await editActor(db, vocabulary, writer, pick(op.a), { addAliases: [op.name] });
      } else if (op.kind === "removeAlias") {
        const key = pick(op.a);
        const { records } = await db.read("MATCH (a:Actor {id: $key}) RETURN a.aliases AS aliases", { key });
        const aliases = (records[0]?.get("aliases") ?? []) as string[];
        if (aliases.length === 0) return;
        await editActor(db, vocabulary, writer, key, {
          removeAliases: [aliases[op.i % aliases.length] as string],
        });
      } else if (op.kind === "rename") {
        await editActor(db, vocabulary, writer, pick(op.a), { name: op.name });
      } else {
        const [into, from] = [pick(op.a), pick(op.b)];
        if (into === from) return;
        await absorbActor(db, writer, into, from);
        actors.splice(actors.indexOf(from), 1);
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }

  /** Every source's mention rows as stored, and as a recomputation of every text against every actor gives them. */
  async function storedAndRecomputed() {
    const sources = await db.read(
      `MATCH (s:Source) RETURN s.id AS key, s.text AS text,
         COLLECT { MATCH (s)-[m:MENTIONS]->(a:Actor) RETURN [a.id, m.starts, m.ends] } AS rows ORDER BY key`,
    );
    const actors = (
      await db.read("MATCH (a:Actor) RETURN a.id AS id, a.name AS name, a.aliases AS aliases ORDER BY id")
    ).records.map((r) => ({
      id: r.get("id") as string,
      name: r.get("name") as string,
      aliases: r.get("aliases") as string[],
    }));
    const sorted = (rows: unknown[][]) => rows.map((row) => JSON.stringify(row)).sort();
    return sources.records.map((r) => ({
      key: r.get("key") as string,
      stored: sorted(r.get("rows")),
      recomputed: sorted(
        mentionRows(r.get("key"), findMentions(r.get("text"), actors)).map((row) => [
          row.actorId,
          row.starts,
          row.ends,
        ]),
      ),
    }));
  }

  it("stores the same mentions as recomputing every text from scratch", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 4, maxLength: 14 }), async (operations) => {
        await db.driver.executeQuery(
          "MATCH (n) WHERE n:Source OR n:Actor OR n:Change DETACH DELETE n",
          {},
          { database: db.name },
        );
        const actors: string[] = [];
        const counter = { n: 0 };
        for (const op of operations) await apply(op, actors, counter);
        for (const source of await storedAndRecomputed()) {
          expect(source.stored, source.key).toEqual(source.recomputed);
        }
      }),
      { numRuns: 25 },
    );
  }, 600_000);
});
