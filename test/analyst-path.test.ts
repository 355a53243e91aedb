import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, parseApiKeys } from "../src/auth.js";
import type { Database } from "../src/db/database.js";
import { checkGraph } from "../src/db/invariants.js";
import { projectRoot } from "../src/domain/project.js";
import { loadSeed } from "../src/seed/load.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { graphqlClient } from "./support/graphql.js";
import { seedDir } from "./support/seed-copy.js";

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field below
type Data = any;

/** The README's analyst path: the GraphQL blocks between its two markers, in order. */
function readmePath(): string[] {
  const readme = readFileSync(path.join(projectRoot, "README.md"), "utf8");
  const section = /<!-- analyst path: [^>]*-->([\s\S]*?)<!-- analyst path: end -->/.exec(readme)?.[1] ?? "";
  return [...section.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

/**
 * The README's "A new article, from text to cited relations", run as written, in order, with an editor's key
 * against the seed: each step answers what the README says it does, the graph stays valid, and the whole path
 * sent again writes nothing.
 */
describe("the README's analyst path", () => {
  const editor = generateApiKey("alice", "editor");
  const steps = readmePath();
  let db: Database;
  let query: ReturnType<typeof graphqlClient>;
  const run = async (step: string) => {
    const answer = await query<Data>(step, {}, editor.key);
    expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
    return answer.data;
  };

  beforeAll(async () => {
    db = await connectTestDatabase();
    query = graphqlClient(db, { apiKeys: parseApiKeys(editor.entry), readAccess: "open" });
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog, { force: true });
  });
  afterAll(() => db.close());

  it("has five steps: store, add the actor, cite, assert, read back", () => {
    expect(steps.map((step) => /^(?:mutation|query) (\w+)/.exec(step)?.[1])).toEqual([
      "StoreArticle",
      "AddPrigojine",
      "CiteWagnerDeployment",
      "AssertNewFacts",
      "WagnerTimeline",
    ]);
  });

  it("runs as written and does what it says, then writes nothing when sent again", async () => {
    const [store, addActor, cite, assert, timeline] = steps as [string, string, string, string, string];

    const stored = (await run(store)).addSource;
    expect(stored.created).toBe(true);
    const named = stored.mentions.map((m: Data) => m.actor.key);
    expect(named).toEqual(expect.arrayContaining(["wagner", "mali", "africa-corps"]));
    expect(named).not.toContain("evgueni-prigojine");
    const text = (await run(`{ source(key: "src-2025-wagner-quitte-le-mali") { text } }`)).source.text;
    for (const mention of stored.mentions) {
      expect([...text].slice(mention.start, mention.end).join("")).toBe(mention.text);
    }

    const added = (await run(addActor)).addActor;
    expect(added.actor.key).toBe("evgueni-prigojine");
    // Only the texts that write his name were read: the new article, of six.
    expect(added.mentionTextsRead).toBe(1);
    expect(added.actor.mentionedIn).toEqual([
      { text: "Evgueni Prigojine", source: { key: "src-2025-wagner-quitte-le-mali" } },
    ]);

    const cited = (await run(cite)).citeRelation;
    expect(cited.relation.key).toBe("rel-wagner-deployment-mali");
    expect(cited.relation.contested).toBe(true);
    expect(cited.citations.map((c: Data) => c.stance)).toEqual(["REPORTS", "DENIES"]);
    const stances = Object.fromEntries(
      cited.relation.ledger.stances.map((s: Data) => [s.stance, s.citations]),
    );
    expect(stances.DENIES).toBeGreaterThanOrEqual(1);
    expect(stances.REPORTS).toBeGreaterThanOrEqual(1);

    const asserted = await run(assert);
    expect(asserted.withdrawal.relation).toMatchObject({ type: "WITHDRAWAL", at: { value: "2025-06-07" } });
    expect(asserted.leadership.relation).toMatchObject({
      type: "OFFICE",
      end: { value: "2023-08", precision: "MONTH" },
    });

    const read = (await run(timeline)).timeline;
    const office = read.relations.find(
      (r: Data) => r.type === "OFFICE" && r.from.name === "Evgueni Prigojine",
    );
    expect(office.timelineDate).toEqual({ date: { value: "2023-08", precision: "MONTH" }, basis: "END" });
    expect(read.relations.some((r: Data) => r.type === "WITHDRAWAL")).toBe(true);
    expect(read.omitted.length).toBeGreaterThan(0);

    expect((await checkGraph(db)).violations).toEqual([]);

    // Every write carries its clientKey: the path sent again is answered from the history, writing nothing.
    const count = async () =>
      (
        await db.driver.executeQuery("MATCH (n) RETURN count(n) AS n", {}, { database: db.name })
      ).records[0]?.get("n");
    const before = await count();
    for (const step of [store, addActor, cite, assert]) await run(step);
    expect(await count()).toEqual(before);
  });
});
