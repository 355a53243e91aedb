import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { checkGraph } from "../src/db/invariants.js";
import { refreshSearchFields } from "../src/db/search.js";
import { loadSeed } from "../src/seed/load.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { type GraphQLResponse, graphqlClient } from "./support/graphql.js";
import { seedDir } from "./support/seed-copy.js";
import { snapshotGraph } from "./support/snapshot.js";

// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field below
type Data = any;

const reader = generateApiKey("rita", "reader");
const editor = generateApiKey("alice", "editor");
const admin = generateApiKey("bob", "admin");
const apiKeys = parseApiKeys([reader.entry, editor.entry, admin.entry].join(","));

/** A short article, as an analyst would paste it: it names known actors and states one new relation. */
const article =
  "Bamako, 3 mars 2026 – Le ministre malien des Affaires étrangères, Abdoulaye Diop, a reçu à Bamako " +
  "l’ambassadeur de Russie. Selon le communiqué, Moscou livrera deux hélicoptères supplémentaires aux forces " +
  "armées maliennes d’ici juin. Le Kremlin n’a pas commenté.";

const addSource = `mutation ($input: AddSourceInput!) { addSource(input: $input) {
  created changeId replayed source { key text length } mentions { actor { key } start end text } } }`;
const assertRelation = `mutation ($input: AssertRelationInput!) { assertRelation(input: $input) {
  changeId replayed relation { key type from { key } to { key } at { value precision }
  citations { quote start end stance speaker { key } source { key } } } } }`;

describe("write path", () => {
  let db: Database;
  let query: (q: string, variables?: Record<string, unknown>, key?: string) => Promise<GraphQLResponse<Data>>;
  const ok = async (q: string, variables: Record<string, unknown>, key?: string) => {
    const response = await query(q, variables, key);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  };
  /** Runs a write that must fail with `code`, and proves the graph did not change. */
  const refused = async (
    q: string,
    variables: Record<string, unknown>,
    key: string | undefined,
    code: string,
  ) => {
    const before = await snapshotGraph(db);
    const response = await query(q, variables, key);
    expect(response.errors?.[0]?.extensions?.code, JSON.stringify(response.errors)).toBe(code);
    expect(await snapshotGraph(db)).toBe(before);
    return response.errors?.[0] as NonNullable<GraphQLResponse["errors"]>[number];
  };
  const sourceKey = async () =>
    (await ok(addSource, { input: { text: article, language: "fr" } }, editor.key)).addSource.source
      .key as string;
  /** Retracts relation `key` as the editor. */
  const retract = (key: string, reason = "test") =>
    ok(
      `mutation { retractRelation(input: { key: "${key}", reason: "${reason}" }) { changeId } }`,
      {},
      editor.key,
    );

  beforeAll(async () => {
    db = await connectTestDatabase();
    query = graphqlClient(db, { apiKeys, readAccess: "open" });
  });
  beforeEach(async () => {
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog, { force: true });
  });
  afterAll(() => db.close());

  describe("roles", () => {
    const input = { input: { text: article, language: "fr" } };
    it("refuses a write without a key, with a wrong key, or with too low a role, changing nothing", async () => {
      expect((await refused(addSource, input, undefined, "UNAUTHENTICATED")).message).toMatch(
        /needs an API key/,
      );
      expect((await refused(addSource, input, "agk_not-a-real-key", "UNAUTHENTICATED")).message).toMatch(
        /not valid/,
      );
      expect((await refused(addSource, input, reader.key, "FORBIDDEN")).message).toBe(
        'This needs the editor role; the key of "rita" has reader.',
      );
      const merge = `mutation { mergeActors(input: { into: "mali", from: "bamako-x" }) { changeId } }`;
      await refused(merge, {}, editor.key, "FORBIDDEN");
    });

    it("keeps reads open by default, and closes them when READ_ACCESS=key", async () => {
      expect((await query("{ stats { actorsByKind { key } } }")).errors).toBeUndefined();
      const closed = graphqlClient(db, { apiKeys, readAccess: "key" });
      const anonymous = await closed("{ stats { actorsByKind { key } } }");
      expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect((await closed("{ stats { actorsByKind { key } } }", {}, reader.key)).errors).toBeUndefined();
    });
  });

  describe("addSource", () => {
    it("stores the exact text and answers every known actor it names, with offsets", async () => {
      const result = (await ok(addSource, { input: { text: article, language: "fr" } }, editor.key))
        .addSource;
      expect(result.created).toBe(true);
      expect(result.source.text).toBe(article);
      expect(result.source.length).toBe(Array.from(article).length);
      const points = Array.from(article);
      const named = result.mentions.map((m: Data) => [m.actor.key, m.text]);
      for (const m of result.mentions) expect(points.slice(m.start, m.end).join("")).toBe(m.text);
      expect(named).toEqual(
        expect.arrayContaining([
          ["mali", "Bamako"],
          ["abdoulaye-diop", "Abdoulaye Diop"],
          ["russia", "Moscou"],
          ["russia", "Kremlin"],
          ["malian-armed-forces", "forces armées maliennes"],
        ]),
      );
    });

    it("answers at most `limit` mentions, in text order, and says when it cut them", async () => {
      const mentions = `mutation ($input: AddSourceInput!, $limit: Int) {
        addSource(input: $input) { mentions(limit: $limit) { actor { key } start } } }`;
      const input = { text: article, language: "fr" };
      const all = await query(mentions, { input }, editor.key);
      const two = await query(mentions, { input, limit: 2 }, editor.key);
      const found = (all.data as Data).addSource.mentions;
      expect(found.length).toBeGreaterThan(2);
      expect((two.data as Data).addSource.mentions).toEqual(found.slice(0, 2));
      expect((two as Data).extensions.truncated).toEqual({
        lists: 1,
        first: [{ path: ["addSource", "mentions"], limit: 2 }],
      });
      const tooMany = await query(mentions, { input, limit: 1001 }, editor.key);
      expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    });

    it("stores the same text once", async () => {
      const first = (await ok(addSource, { input: { text: article, language: "fr" } }, editor.key)).addSource;
      const before = await snapshotGraph(db);
      const again = (await ok(addSource, { input: { text: article, language: "fr" } }, editor.key)).addSource;
      expect(again.source.key).toBe(first.source.key);
      expect(again.created).toBe(false);
      expect(again.changeId).toBeNull();
      const { records } = await db.read("MATCH (s:Source {id: $key}) RETURN count(s) AS n", {
        key: first.source.key,
      });
      expect(records[0]?.get("n")).toBe(1);
      // Nothing was written, so not even the history changed.
      expect(await snapshotGraph(db)).toEqual(before);
    });

    it("rejects a bad date or an empty text", async () => {
      const error = await refused(
        addSource,
        { input: { text: " ", language: "fr", published: "2026-02-30" } },
        editor.key,
        "BAD_USER_INPUT",
      );
      expect(error.extensions?.problems).toEqual([
        { where: "input.text", message: "the text is empty" },
        { where: "input.published", message: 'no such date "2026-02-30"' },
      ]);
    });
  });

  describe("assertRelation", () => {
    it("round trip: ingest an article, find its mentions, cite a quote, see the relation in traversals", async () => {
      const key = await sourceKey();
      const quote = "Moscou livrera deux hélicoptères supplémentaires aux forces armées maliennes d’ici juin";
      const input = {
        type: "ARMS_SUPPLY",
        from: "russia",
        to: "malian-armed-forces",
        note: "Announced in an undated communiqué quoted by the article of 3 March 2026.",
        citations: [{ source: key, quote, stance: "REPORTS" }],
      };
      const { relation } = (await ok(assertRelation, { input }, editor.key)).assertRelation;
      expect(relation.citations[0]).toMatchObject({
        quote,
        start: article.indexOf(quote),
        stance: "REPORTS",
      });

      const hood = await ok(
        `{ neighbourhood(actor: "malian-armed-forces", types: [ARMS_SUPPLY]) {
        edges { key citations { quote source { key } } } } }`,
        {},
      );
      const edge = hood.neighbourhood.edges.find((e: Data) => e.key === relation.key);
      expect(edge.citations).toEqual([{ quote, source: { key } }]);
      const fromSource = await ok(`query ($key: String!) { source(key: $key) { relations { key } } }`, {
        key,
      });
      expect(fromSource.source.relations.map((r: Data) => r.key)).toEqual([relation.key]);
    });

    it.each([
      [{ quote: "Moscou livrera trois hélicoptères" }, "input.citations.0.quote", /not found verbatim/],
      [
        { quote: "Moscou livrera", start: 5 },
        "input.citations.0.start",
        /offsets 5-19 do not match the quote: the quote is at /,
      ],
      [{ speaker: "kremlin-spokesman" }, "input.citations.0.speaker", /unknown actor "kremlin-spokesman"/],
      [{ source: "src-unknown" }, "input.citations.0.source", /unknown source "src-unknown"/],
    ])("rejects a bad citation %o, changing nothing", async (change, where, message) => {
      const key = await sourceKey();
      const citation = { source: key, quote: "Moscou livrera", stance: "REPORTS", ...change };
      const input = { type: "ARMS_SUPPLY", from: "russia", to: "mali", citations: [citation] };
      const error = await refused(assertRelation, { input }, editor.key, "BAD_USER_INPUT");
      expect(error.extensions?.problems?.[0]?.where).toBe(where);
      expect(error.extensions?.problems?.[0]?.message).toMatch(message);
    });

    it("asks for offsets when a quote occurs twice, and rejects unknown actors and empty citations", async () => {
      const key = await sourceKey();
      const twice = {
        type: "VISIT",
        from: "abdoulaye-diop",
        to: "mali",
        citations: [{ source: key, quote: "Bamako", stance: "REPORTS" }],
      };
      const error = await refused(assertRelation, { input: twice }, editor.key, "BAD_USER_INPUT");
      expect(error.extensions?.problems?.[0]?.message).toMatch(/occurs 2 times .*give start/);
      const unknown = {
        ...twice,
        from: "nobody",
        citations: [{ source: key, quote: "Bamako", start: 0, stance: "REPORTS" }],
      };
      expect(
        (await refused(assertRelation, { input: unknown }, editor.key, "BAD_USER_INPUT")).message,
      ).toMatch(/input.from: unknown actor "nobody"/);
      const none = { ...twice, citations: [] };
      expect((await refused(assertRelation, { input: none }, editor.key, "BAD_USER_INPUT")).message).toMatch(
        /at least one citation/,
      );
    });

    it("is idempotent under a client key, and refuses the key for another request", async () => {
      const key = await sourceKey();
      const input = {
        type: "ARMS_SUPPLY",
        from: "russia",
        to: "mali",
        // A delivery of its own, not more evidence for the seed's arms supply (decision 026).
        distinct: true,
        clientKey: "alice-2026-03-03-1",
        citations: [{ source: key, quote: "Moscou livrera deux hélicoptères", stance: "REPORTS" }],
      };
      const first = (await ok(assertRelation, { input }, editor.key)).assertRelation;
      const before = await snapshotGraph(db);
      const again = (await ok(assertRelation, { input }, editor.key)).assertRelation;
      expect(again).toMatchObject({
        replayed: true,
        changeId: first.changeId,
        relation: { key: first.relation.key },
      });
      expect(await snapshotGraph(db)).toBe(before);
      const other = { ...input, to: "malian-armed-forces" };
      expect((await refused(assertRelation, { input: other }, editor.key, "CONFLICT")).message).toBe(
        'input.clientKey: "alice-2026-03-03-1" was already used for a different assertRelation request ' +
          "(a key names one request: send that one again, or use a new key for this one).",
      );
    });
  });

  describe("actors, merges, retractions and history", () => {
    const addActor = `mutation ($input: AddActorInput!) { addActor(input: $input) { actor { key name kind aliases } } }`;
    const updateActor = `mutation ($input: UpdateActorInput!) { updateActor(input: $input) { actor { key name aliases } } }`;
    /** The message of an addActor refused as bad input. */
    const refusedActor = async (input: Data) =>
      (await refused(addActor, { input }, editor.key, "BAD_USER_INPUT")).message;

    it("adds and updates actors, refusing a name another actor has", async () => {
      const added = await ok(
        addActor,
        { input: { name: "Sergueï Choïgou", kind: "PERSON", aliases: ["Choïgou"] } },
        editor.key,
      );
      expect(added.addActor.actor).toEqual({
        key: "serguei-choigou",
        name: "Sergueï Choïgou",
        kind: "PERSON",
        aliases: ["Choïgou"],
      });
      expect(await refusedActor({ key: "bamako-city", name: "Bamako", kind: "ORGANIZATION" })).toMatch(
        /name "bamako" is already a name of actor "mali"/,
      );
      const updated = await ok(
        updateActor,
        { input: { key: "serguei-choigou", aliases: ["Choïgou", "Shoigu"] } },
        editor.key,
      );
      expect(updated.updateActor.actor.aliases).toEqual(["Choïgou", "Shoigu"]);
      expect((await ok(`{ actor(name: "SHOIGU") { key } }`, {})).actor.key).toBe("serguei-choigou");
      const nothing = await refused(
        updateActor,
        { input: { key: "serguei-choigou" } },
        editor.key,
        "BAD_USER_INPUT",
      );
      expect(nothing.extensions?.problems).toEqual([
        {
          where: "input",
          message:
            "changes nothing: give at least one of name, kind, aliases, addAliases, removeAliases and description",
        },
      ]);
      await refused(
        updateActor,
        { input: { key: "serguei-choigou", aliases: ["Lavrov"] } },
        editor.key,
        "BAD_USER_INPUT",
      );
      const history = await ok(`{ history(key: "serguei-choigou") { by role operation details } }`, {});
      expect(history.history.map((c: Data) => [c.by, c.operation])).toEqual([
        ["alice", "addActor"],
        ["alice", "updateActor"],
      ]);
      expect(JSON.parse(history.history[1].details).before.aliases).toEqual(["Choïgou"]);
    });

    it("takes ligatures as their letters in names: one owner for Cœur and Coeur, found by either", async () => {
      await ok(addActor, { input: { name: "Cœur Testeur", kind: "PERSON" } }, editor.key);
      expect(await refusedActor({ key: "coeur-bis", name: "COEUR testeur", kind: "PERSON" })).toMatch(
        /name "coeur testeur" is already a name of actor "coeur-testeur"/,
      );
      expect((await ok(`{ actor(name: "coeur testeur") { name } }`, {})).actor.name).toBe("Cœur Testeur");
    });

    it("rewrites the folded names an older folding stored, once, on the next schema start", async () => {
      await ok(addActor, { input: { name: "Œuvre Testeur", kind: "ORGANIZATION" } }, editor.key);
      // As the folding before ligatures wrote them, and a database marked as of then.
      await db.writeTransaction(async (tx) => {
        await tx.run("MATCH (a:Actor {id: 'oeuvre-testeur'}) SET a.foldedNames = ['œuvre testeur']");
        await tx.run("MATCH (m:SearchState {id: 'search'}) SET m.version = 1");
      });
      expect((await checkGraph(db)).violations.map((v) => v.key)).toContain("oeuvre-testeur");
      await refreshSearchFields(db, quietLog);
      expect((await checkGraph(db)).violations).toEqual([]);
      expect((await ok(`{ actor(name: "oeuvre testeur") { key } }`, {})).actor.key).toBe("oeuvre-testeur");
    });

    it("merges two actors and loses nothing", async () => {
      const key = await sourceKey();
      await ok(
        addActor,
        { input: { key: "russian-state", name: "État russe", kind: "STATE", aliases: ["Russie (État)"] } },
        editor.key,
      );
      await ok(
        assertRelation,
        {
          input: {
            type: "ARMS_SUPPLY",
            from: "russian-state",
            to: "mali",
            citations: [
              {
                source: key,
                quote: "Moscou livrera deux hélicoptères",
                stance: "REPORTS",
                speaker: "russian-state",
              },
            ],
          },
        },
        editor.key,
      );
      const count = async () =>
        (
          await db.read(
            `MATCH ()-[r:RELATION]->() WITH count(r) AS relations
         MATCH (c:Citation) WITH relations, count(c) AS citations
         MATCH (:Actor {id: 'russia'})-[r:RELATION]-() RETURN relations, citations, count(r) AS russia`,
          )
        ).records[0]?.toObject();
      const before = await count();
      const merged = await ok(
        `mutation { mergeActors(input: { into: "russia", from: "russian-state" }) {
        actor { key aliases relations { key } } } }`,
        {},
        admin.key,
      );
      const after = await count();
      expect(after?.relations).toBe(before?.relations);
      expect(after?.citations).toBe(before?.citations);
      expect(after?.russia).toBe((before?.russia as number) + 1);
      expect(merged.mergeActors.actor.aliases).toEqual(
        expect.arrayContaining(["Moscou", "État russe", "Russie (État)"]),
      );
      expect((await ok(`{ actor(key: "russian-state") { key } }`, {})).actor).toBeNull();
      expect((await ok(`{ actor(name: "État russe") { key } }`, {})).actor.key).toBe("russia");
      const spoken = await db.read(
        "MATCH (c:Citation)-[:SPOKEN_BY]->(a:Actor {id: 'russia'}) RETURN collect(c.speakerId) AS ids",
      );
      expect(spoken.records[0]?.get("ids")).toContain("russia");
      const history = await ok(`{ history(key: "russian-state") { operation details } }`, {});
      expect(history.history.map((c: Data) => c.operation)).toEqual([
        "addActor",
        "assertRelation",
        "mergeActors",
      ]);
      expect(JSON.parse(history.history[2].details).absorbed).toMatchObject({
        id: "russian-state",
        name: "État russe",
      });
    });

    it("merges an actor named as a place, and will not join an actor to itself", async () => {
      const key = await sourceKey();
      await ok(addActor, { input: { key: "russian-state", name: "État russe", kind: "STATE" } }, editor.key);
      const assert = async (input: Data) =>
        (await ok(assertRelation, { input }, editor.key)).assertRelation.relation.key as string;
      const cite = (quote: string) => [{ source: key, quote, stance: "REPORTS" }];
      const placed = await assert({
        type: "ARMS_SUPPLY",
        from: "russia",
        to: "mali",
        distinct: true,
        places: [{ name: "Moscou", actor: "russian-state" }],
        citations: cite("Moscou livrera deux hélicoptères"),
      });
      // One relation each way between the two.
      const joining = await assert({
        type: "MEETING",
        from: "russian-state",
        to: "russia",
        citations: cite("l’ambassadeur de Russie"),
      });
      const back = await assert({
        type: "MEETING",
        from: "russia",
        to: "russian-state",
        // MEETING reads both ways: a second meeting of the two is a fact of its own only when said so.
        distinct: true,
        citations: cite("Le Kremlin n’a pas commenté"),
      });
      const merge = `mutation { mergeActors(input: { into: "russia", from: "russian-state" }) { actor { key } } }`;

      const refusal = await refused(merge, {}, admin.key, "BAD_USER_INPUT");
      expect(refusal.message).toContain(`"russian-state" and "russia" are joined by 2 relation(s)`);
      expect(refusal.message).toContain(
        `(${[joining, back]
          .sort()
          .map((k) => `"${k}"`)
          .join(", ")})`,
      );
      expect(refusal.message).toMatch(/would join an actor to itself; retract them first/);
      await retract(joining, "the same state");
      expect((await refused(merge, {}, admin.key, "BAD_USER_INPUT")).message).toContain(
        `joined by 1 relation(s) that are not retracted ("${back}")`,
      );
      await retract(back, "the same state");
      await ok(merge, {}, admin.key);
      const after = await ok(
        `{ placed: relation(key: "${placed}") { places { name actor { key } } }
           joining: relation(key: "${joining}") { from { key } to { key } retraction { reason } }
           atRussia: relations(first: 50, filter: { place: "russia" }) { edges { node { key } } } }`,
        {},
      );
      expect(after.placed.places).toEqual([{ name: "Moscou", actor: { key: "russia" } }]);
      expect(after.atRussia.edges.map((e: Data) => e.node.key)).toContain(placed);
      // The retracted relation moved as it was: kept by key, hidden from traversals.
      expect(after.joining).toEqual({
        from: { key: "russia" },
        to: { key: "russia" },
        retraction: { reason: "the same state" },
      });
      // Counted from russia's degree, the retracted loops once each, as the list walks them.
      const counted = await ok(
        `{ relations(first: 1, filter: { actor: "russia" }) { totalCount }
           actor(key: "russia") { relations(limit: 500) { key } } }`,
        {},
      );
      expect(counted.relations.totalCount).toBe(counted.actor.relations.length);
      const history = await ok(`{ history(key: "russian-state") { operation details } }`, {});
      const merged = history.history.find((c: Data) => c.operation === "mergeActors");
      expect(JSON.parse(merged.details).rewrittenPlaces).toEqual([placed]);
      // The history of each relation the merge moved or re-placed lists it.
      for (const relation of [placed, joining, back]) {
        const entries = await ok(`{ history(key: "${relation}") { operation } }`, {});
        expect(entries.history.map((c: Data) => c.operation)).toContain("mergeActors");
      }
      expect((await checkGraph(db)).violations).toEqual([]);
    });

    it("keeps analysts' edits, merges and retractions of seed records through a forced seed reload", async () => {
      await ok(
        updateActor,
        { input: { key: "barkhane", aliases: ["Opération Barkhane", "Barkhane (opération)"] } },
        editor.key,
      );
      await retract("rel-russia-arms-supply-mali");
      // Russia has places, spoken citations and mentions in the seed: all move to the actor that absorbs it.
      await ok(
        addActor,
        { input: { key: "etat-russe-test", name: "État russe (test)", kind: "STATE" } },
        editor.key,
      );
      await ok(
        `mutation { mergeActors(input: { into: "etat-russe-test", from: "russia" }) { changeId } }`,
        {},
        admin.key,
      );
      const before = await snapshotGraph(db, { ignoreSeedState: true });
      const reloaded = await loadSeed(db, seedDir, quietLog, { force: true });
      expect(reloaded.loaded).toBe(true);
      expect(await snapshotGraph(db, { ignoreSeedState: true })).toBe(before);
      expect((await checkGraph(db)).violations).toEqual([]);
    });

    it("keeps a merge of two seed actors through a forced seed reload, their mentions in text order", async () => {
      // Mali and its armed forces: related in the seed (retracted first), and named in the same sources.
      const joined = await db.read(
        `MATCH (:Actor {id: 'malian-armed-forces'})-[r:RELATION]-(:Actor {id: 'mali'}) RETURN collect(r.id) AS keys`,
      );
      const joinedKeys: string[] = joined.records[0]?.get("keys") ?? [];
      expect(joinedKeys.length).toBeGreaterThan(0);
      for (const key of joinedKeys) {
        await retract(key);
      }
      const shared = await db.read(
        `MATCH (s:Source)-[:MENTIONS]->(:Actor {id: 'malian-armed-forces'}), (s)-[:MENTIONS]->(:Actor {id: 'mali'})
         RETURN count(s) AS n`,
      );
      expect(shared.records[0]?.get("n")).toBeGreaterThan(0);
      await ok(
        `mutation { mergeActors(input: { into: "mali", from: "malian-armed-forces" }) { changeId } }`,
        {},
        admin.key,
      );
      const mentions = await db.read(
        "MATCH (:Source)-[m:MENTIONS]->(:Actor {id: 'mali'}) RETURN m.starts AS starts, m.ends AS ends",
      );
      for (const record of mentions.records) {
        const starts = record.get("starts") as number[];
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
        expect((record.get("ends") as number[]).length).toBe(starts.length);
      }
      const before = await snapshotGraph(db, { ignoreSeedState: true });
      await loadSeed(db, seedDir, quietLog, { force: true });
      expect(await snapshotGraph(db, { ignoreSeedState: true })).toBe(before);
      expect((await checkGraph(db)).violations).toEqual([]);
    });

    it("takes a correction of a retracted relation under a key of its own, and refuses the same claim again", async () => {
      const key = await sourceKey();
      const claim = {
        type: "ARMS_SUPPLY",
        from: "russia",
        to: "mali",
        at: "2025",
        distinct: true,
        citations: [{ source: key, quote: "Moscou livrera deux hélicoptères", stance: "REPORTS" }],
      };
      const first = (await ok(assertRelation, { input: claim }, editor.key)).assertRelation.relation.key;
      await retract(first, "wrong year");
      const corrected = await ok(assertRelation, { input: { ...claim, at: "2026-06" } }, editor.key);
      expect(corrected.assertRelation.relation.key).not.toBe(first);
      expect(corrected.assertRelation.relation.at).toEqual({ value: "2026-06", precision: "MONTH" });
      const again = await refused(assertRelation, { input: claim }, editor.key, "BAD_USER_INPUT");
      expect(again.extensions?.problems).toEqual([
        { where: "input.key", message: `relation "${first}" already exists (retracted ones too)` },
      ]);
    });

    it("retracts a relation: gone from traversals, kept by key and in the history", async () => {
      const retractDiop = `mutation { retractRelation(input: { key: "rel-diop-visit-russia", reason: "duplicate of a later entry" }) {
        relation { key retraction { by reason } } } }`;
      const result = await ok(retractDiop, {}, editor.key);
      expect(result.retractRelation.relation.retraction).toEqual({
        by: "alice",
        reason: "duplicate of a later entry",
      });
      const visits = await ok(
        `{ relations(filter: { types: [VISIT], actor: "abdoulaye-diop" }) { edges { node { key } } } }`,
        {},
      );
      expect(visits.relations.edges.map((e: Data) => e.node.key)).not.toContain("rel-diop-visit-russia");
      expect((await ok(`{ relation(key: "rel-diop-visit-russia") { key } }`, {})).relation.key).toBe(
        "rel-diop-visit-russia",
      );
      await refused(retractDiop, {}, editor.key, "CONFLICT");
      const history = await ok(`{ history(key: "rel-diop-visit-russia") { by operation } }`, {});
      expect(history.history).toEqual([{ by: "alice", operation: "retractRelation" }]);
    });
  });
});
