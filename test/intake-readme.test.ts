import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { checkGraph } from "../src/db/invariants.js";
import { projectRoot } from "../src/domain/project.js";
import { NlpService } from "../src/nlp/service.js";
import { loadSeed } from "../src/seed/load.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { type Data, intakeClient } from "./support/intake.js";
import { testNlpConfig, testNlpReady } from "./support/nlp.js";
import { seedDir } from "./support/seed-copy.js";

/** The README's "From a new article to reviewed relations": the GraphQL blocks between its two markers, in order. */
function readmeIntakePath(): string[] {
  const readme = readFileSync(path.join(projectRoot, "README.md"), "utf8");
  const section = /<!-- intake path: [^>]*-->([\s\S]*?)<!-- intake path: end -->/.exec(readme)?.[1] ?? "";
  return [...section.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

/**
 * The README's intake path run as written, in order, with an editor's key against the seed and the real
 * CoreNLP: each step answers what the README says it does, with the variables its text says to pass, the graph
 * stays valid, and the path sent again (every write carries a clientKey) writes nothing.
 */
describe("the README's intake path", () => {
  const steps = readmeIntakePath();
  let db: Database;
  let nlp: NlpService;
  let client: ReturnType<typeof intakeClient>;

  beforeAll(async () => {
    db = await connectTestDatabase({ queryTimeoutMs: 120_000 });
    await testNlpReady();
    nlp = new NlpService(testNlpConfig(), quietLog);
    client = intakeClient(db, nlp);
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog, { force: true });
  }, 320_000);
  afterAll(async () => {
    await nlp?.stop();
    await db?.close();
  }, 300_000);

  it("has four steps: take in, list pending, accept with edits, reject", () => {
    expect(steps.map((step) => /^(?:mutation|query) (\w+)/.exec(step)?.[1])).toEqual([
      "TakeIn",
      "Pending",
      "Accept",
      "Reject",
    ]);
  }, 300_000);

  it("runs as written and does what it says, then writes nothing when sent again", async () => {
    const [takeIn, pending, accept, reject] = steps as [string, string, string, string];

    const taken = (await client.ok(takeIn)).intakeText;
    expect(taken.recogniser).toEqual({ ran: true, reason: null });
    expect(taken.parse).toEqual({ ran: true, reason: null });
    const source = taken.source.key;
    const { text } = (await client.ok(`{ source(key: "${source}") { text } }`)).source;
    for (const p of taken.proposals) {
      expect([...text].slice(p.quote.start, p.quote.end).join("")).toBe(p.quote.text);
    }
    // What the README's prose names: the new person is proposed, and a relation with her as an end.
    const person = taken.proposals.find((p: Data) => p.kind === "ACTOR" && p.name === "Fatoumata Sangaré");
    expect(person, JSON.stringify(taken.proposals)).toBeDefined();
    const relation = taken.proposals.find(
      (p: Data) =>
        p.kind === "RELATION" && (p.from?.proposal?.key === person.key || p.to?.proposal?.key === person.key),
    );
    expect(relation, "a relation proposal whose end is the proposed person").toBeDefined();

    const listed = (await client.ok(pending, { source })).proposals;
    expect(listed.totalCount).toBeGreaterThan(0);
    expect(listed.totalCount).toBe(taken.proposals.filter((p: Data) => p.confidence >= 0.5).length);
    for (const { node } of listed.edges) {
      expect(node.confidence).toBeGreaterThanOrEqual(0.5);
      expect(`${node.quote.before}${node.quote.text}${node.quote.after}`).toContain(node.quote.text);
    }

    const before = await client.counts();
    const accepted = (await client.ok(accept, { key: relation.key, person: person.key })).acceptProposal;
    expect(accepted.createdActors).toEqual([
      expect.objectContaining({ name: "Fatoumata Sangaré", kind: "PERSON" }),
    ]);
    const created = accepted.createdActors[0].key;
    expect([accepted.relation.from.key, accepted.relation.to.key]).toContain(created);
    expect(accepted.relation.type).toBe(relation.type);
    expect(accepted.decided.map((d: Data) => [d.key, d.status]).sort()).toEqual(
      [
        [relation.key, "ACCEPTED"],
        [person.key, "ACCEPTED"],
      ].sort(),
    );
    const stance = await db.read("MATCH (c:Citation {id: $key}) RETURN c.stance AS stance", {
      key: accepted.citations[0],
    });
    expect(stance.records[0]?.get("stance")).toBe("ASSERTS");
    expect(await client.counts()).toEqual({
      actors: before.actors + 1,
      relations: before.relations + (accepted.citedExisting ? 0 : 1),
      citations: before.citations + 1,
    });

    const other = taken.proposals.find((p: Data) => ![relation.key, person.key].includes(p.key));
    const rejected = (await client.ok(reject, { key: other.key })).rejectProposal;
    expect(rejected.proposals).toEqual([
      { key: other.key, status: "REJECTED", reason: "« il » is not Lavrov here", decidedBy: "alice" },
    ]);
    expect((await checkGraph(db)).violations).toEqual([]);

    // Every write carries its clientKey: the path sent again is answered from the history, writing nothing.
    const count = async () =>
      (
        await db.driver.executeQuery("MATCH (n) RETURN count(n) AS n", {}, { database: db.name })
      ).records[0]?.get("n");
    const nodes = await count();
    expect((await client.ok(takeIn)).intakeText.intake).toBe(taken.intake);
    expect((await client.ok(accept, { key: relation.key, person: person.key })).acceptProposal.changeId).toBe(
      accepted.changeId,
    );
    await client.ok(reject, { key: other.key });
    expect(await count()).toEqual(nodes);
  }, 300_000);
});
