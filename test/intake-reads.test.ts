import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Caller } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { relationsAmongMentioned } from "../src/db/proposals.js";
import { allActorNames } from "../src/db/writes.js";
import { vocabulary } from "../src/domain/vocabulary.js";
import { applyBatch, inputPath } from "../src/ingest/service.js";
import { proposeFromText } from "../src/intake/propose.js";
import { intakeText, knownRelationsPerIntake, proposalRows } from "../src/intake/service.js";
import { NlpService } from "../src/nlp/service.js";
import { loadSeed } from "../src/seed/load.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { article } from "./support/intake.js";
import { testNlpConfig, testNlpReady } from "./support/nlp.js";
import { seedDir } from "./support/seed-copy.js";

const writer: Caller = { name: "alice", role: "editor" };
const source = {
  file: null,
  id: null,
  text: article,
  title: "Moscou renforce sa présence",
  publisher: null,
  author: null,
  published: null,
  language: "fr",
  url: null,
  retrievedOn: null,
};

/**
 * What intake reads before it proposes (src/intake/service.ts): only the actors a text may name, not the whole
 * graph, with the same proposals as over every actor; and nothing at all, not even the NLP, for a retry under a
 * clientKey already answered.
 */
describe("intake's reads", () => {
  let db: Database;
  let corenlpUrl: string;

  beforeAll(async () => {
    db = await connectTestDatabase({ queryTimeoutMs: 120_000 });
    corenlpUrl = await testNlpReady();
  }, 320_000);
  beforeEach(async () => {
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog, { force: true });
  });
  afterAll(() => db?.close());

  it("reads only the actors the text may name, and proposes what a gazetteer of every actor proposes", async () => {
    // Actors the article does not name, and one whose surname it writes under another first name (a "same as?"
    // whose mention key, "abdoulaye", is not a word of the text).
    const fillers = Array.from({ length: 300 }, (_, i) => ({
      id: `filler-${i}`,
      name: `Filler Organisation ${String(i).padStart(4, "0")}`,
      kind: "ORGANIZATION",
      aliases: [],
      description: null,
    }));
    await applyBatch(
      db,
      vocabulary,
      writer,
      {
        sources: [],
        actors: [
          ...fillers,
          {
            id: "abdoulaye-sangare",
            name: "Abdoulaye Sangaré",
            kind: "PERSON",
            aliases: [],
            description: null,
          },
        ],
        relations: [],
      },
      { operation: "applyBatch", locate: (_section, _index, at) => inputPath(at) },
    );
    const reader = { run: (cypher: string, params: Record<string, unknown>) => db.read(cypher, params) };
    const every = await allActorNames(reader as never);
    const nlp = new NlpService(testNlpConfig(), quietLog);
    try {
      const { result } = await intakeText(db, nlp, vocabulary, writer, source);
      expect(result.parse.ran).toBe(true);
      // The seed's ~50 actors and the 301 added: the gazetteer read the states, the actors the text names and
      // the near matches of its new names, not the 300 fillers.
      expect(result.actorsRead).toBeGreaterThan(0);
      expect(result.actorsRead).toBeLessThan(every.length - 300);

      // The same drafts as over every actor of the graph, the same annotation, the same known relations.
      const annotated = await nlp.annotate(article);
      if (!annotated.ran) throw new Error(`CoreNLP did not annotate: ${annotated.reason}`);
      const actors = every
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((a) => ({ key: a.id, name: a.name, kind: a.kind, aliases: a.aliases ?? [] }));
      const relations = await relationsAmongMentioned(
        reader as never,
        result.source,
        knownRelationsPerIntake,
      );
      const drafts = proposeFromText({
        text: article,
        annotation: annotated.annotation,
        actors,
        relations,
        vocabulary,
      });
      const expected = proposalRows(result.source, result.intake, drafts).map((row) =>
        Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null)),
      );
      const { records } = await db.read(
        `MATCH (p:Proposal {intake: $intake})
         RETURN p { .*, key: p.id, sourceKey: p.sourceId, id: null, sourceId: null, status: null, createdAt: null }
           AS row ORDER BY p.id`,
        { intake: result.intake },
      );
      const stored = records.map((r) =>
        Object.fromEntries(
          Object.entries(r.get("row") as Record<string, unknown>).filter(([, v]) => v !== null),
        ),
      );
      expect(stored).toEqual(expected);
      const sangare = expected.find((row) => row.kind === "ACTOR" && row.name === "Fatoumata Sangaré");
      expect(sangare?.sameAs).toContain("abdoulaye-sangare");
    } finally {
      await nlp.stop();
    }
  }, 300_000);

  it("with the NLP process down, intake stores the gazetteer's proposals and says why the rest did not run", async () => {
    // A port nothing listens on: taken, then given back.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const nlp = new NlpService(testNlpConfig({ url: `http://127.0.0.1:${port}` }), quietLog);
    const { result } = await intakeText(db, nlp, vocabulary, writer, source);
    for (const stage of [result.recogniser, result.parse]) {
      expect(stage.ran).toBe(false);
      expect(stage.reason).toMatch(/^the NLP process is unavailable: CoreNLP at .* cannot be reached/);
    }
    const { records } = await db.read(
      "MATCH (p:Proposal {intake: $intake}) RETURN p.stage AS stage, p.kind AS kind, p.status AS status",
      { intake: result.intake },
    );
    expect(records.length).toBe(result.proposals.length);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      expect([r.get("stage"), r.get("kind"), r.get("status")]).toEqual(["GAZETTEER", "CITATION", "PENDING"]);
    }
  }, 300_000);

  it("a retry under the same clientKey answers from the history without asking the NLP", async () => {
    // A counting relay in front of the run's real CoreNLP: every annotation request passes through it.
    let requests = 0;
    const target = new URL(corenlpUrl);
    const relay = http.createServer((request, response) => {
      requests += 1;
      const forward = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: request.url,
          method: request.method,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forward.on("error", () => response.destroy());
      request.pipe(forward);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    const { port } = relay.address() as AddressInfo;
    const nlp = new NlpService(testNlpConfig({ url: `http://127.0.0.1:${port}` }), quietLog);
    try {
      const first = await intakeText(db, nlp, vocabulary, writer, source, "intake-once");
      expect(first.replayed).toBe(false);
      expect(first.result.parse.ran).toBe(true);
      const asked = requests;
      expect(asked).toBeGreaterThan(0);

      const again = await intakeText(db, nlp, vocabulary, writer, source, "intake-once");
      expect(again.replayed).toBe(true);
      expect(again.result).toEqual(first.result);
      expect(requests).toBe(asked);
      // The key used for another source is refused, also before any NLP.
      const other = { ...source, text: `${article}\n\nUn second texte.` };
      await expect(intakeText(db, nlp, vocabulary, writer, other, "intake-once")).rejects.toMatchObject({
        code: "CONFLICT",
      });
      expect(requests).toBe(asked);
    } finally {
      await nlp.stop();
      await new Promise((resolve) => relay.close(resolve));
    }
  }, 300_000);
});
