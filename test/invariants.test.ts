import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { checkGraph } from "../src/db/invariants.js";
import { projectRoot } from "../src/domain/project.js";
import { seededDatabase } from "./support/server.js";
import { snapshotGraph } from "./support/snapshot.js";

/**
 * The graph checker on the seeded database (what CI runs): no violation. Then each invariant broken on
 * purpose, straight in Cypher as a bug or a hand edit would, is found and named; each break is undone.
 */
describe("graph invariants", () => {
  let db: Database;
  let seeded: string;
  const cypher = (statement: string) => db.driver.executeQuery(statement, {}, { database: db.name });

  beforeAll(async () => {
    db = await seededDatabase();
    seeded = await snapshotGraph(db, { ignoreSeedState: true });
  });
  afterAll(() => db.close());

  it("finds no violation in the seeded graph", async () => {
    const { checked, violations } = await checkGraph(db);
    expect(violations).toEqual([]);
    expect(checked.relations).toBeGreaterThan(50);
    expect(checked.citations).toBeGreaterThan(checked.relations);
  });

  it("`npm run check:graph` says so and exits 0", async () => {
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        path.join(projectRoot, "node_modules/.bin/tsx"),
        ["src/cli/check-graph.ts"],
        {
          cwd: projectRoot,
          env: { ...process.env, NEO4J_URI: inject("neo4jUri"), NEO4J_PASSWORD: inject("neo4jPassword") },
        },
        (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
      );
    });
    expect(result.stdout).toMatch(/^Checked \d+ actors, \d+ relations, .*: 0 violation\(s\)\.$/m);
    expect(result.code).toBe(0);
  });

  it.each([
    [
      "cited",
      "MATCH (c:Citation {relationId: 'rel-diop-office-mali'}) DETACH DELETE c",
      /rel-diop-office-mali: the relation has no live citation/,
    ],
    [
      "cited",
      "MATCH (c:Citation {relationId: 'rel-diop-office-mali'}) SET c.withdrawnAt = datetime(), c.withdrawnBy = 'x', c.withdrawalReason = 'y'",
      /rel-diop-office-mali: the relation has no live citation/,
    ],
    [
      "withdrawn",
      "MATCH (c:Citation {id: 'rel-diop-office-mali#1'}) SET c.withdrawnAt = datetime()",
      /rel-diop-office-mali#1: withdrawn without saying who withdrew it and why/,
    ],
    [
      "contested",
      "MATCH (c:Citation {id: 'rel-wagner-deployment-mali#3'}) SET c.withdrawnAt = datetime(), c.withdrawnBy = 'x', c.withdrawalReason = 'y' WITH c MATCH (d:Citation {id: 'rel-wagner-deployment-mali#4'}) SET d.withdrawnAt = datetime(), d.withdrawnBy = 'x', d.withdrawalReason = 'y'",
      /rel-wagner-deployment-mali: contested is true but the stances are ACCUSES, ACCUSES/,
    ],
    [
      "verbatim",
      "MATCH (c:Citation {id: 'rel-diop-office-mali#1'}) SET c.start = c.start + 1, c.end = c.end + 1",
      /the quote is not the text of src-000-apa-diop-sputnik at/,
    ],
    [
      "verbatim",
      "MATCH (c:Citation {id: 'rel-diop-office-mali#1'}) SET c.start = -20",
      /offsets -20-\d+ are not within/,
    ],
    [
      "linked",
      "MATCH (c:Citation {id: 'rel-diop-office-mali#1'})-[l:IN_SOURCE]->() DELETE l",
      /cites source "src-000-apa-diop-sputnik" but is linked to \[\]/,
    ],
    [
      "linked",
      "CREATE (:Change {id: 'c1', operation: 'addActor', targets: ['nobody'], details: '{}'})",
      /target "nobody" does not exist/,
    ],
    [
      "linked",
      "MATCH (a:Actor {id: 'mali'}) CREATE (a)-[:RELATION {id: 'rel-mali-stray'}]->(:Stray)",
      /rel-mali-stray: one of its ends is not an actor/,
    ],
    [
      "linked",
      "MATCH (a:Actor {id: 'mali'}) CREATE (:Stray)-[:RELATION {id: 'rel-stray-mali'}]->(a)",
      /rel-stray-mali: one of its ends is not an actor/,
    ],
    [
      "linked",
      "MATCH (a:Actor {id: 'mali'}) CREATE (a)-[:RELATION {id: 'rel-mali-mali'}]->(a)",
      /rel-mali-mali: it joins an actor to itself and is not retracted/,
    ],
    [
      "linked",
      `MATCH ()-[r:RELATION]->() WHERE 'mali' IN r.placeActorIds
       SET r.placeActorIds = [k IN r.placeActorIds | CASE k WHEN 'mali' THEN 'gone' ELSE k END]`,
      /its place actor "gone" does not exist/,
    ],
    [
      "grammar",
      "MATCH (a:Actor {id: 'mali'}) SET a.name = 'Ma\\u0000li'",
      /name: must not contain control characters/,
    ],
    ["grammar", "MATCH (a:Actor {id: 'mali'}) SET a.id = 'A B/../<x>'", /key: must be a key/],
    [
      "grammar",
      "MATCH (a:Actor {id: 'niger'}) SET a.foldedNames = ['mali']",
      /name "mali" is also a name of/,
    ],
    [
      "contested",
      "MATCH ()-[r:RELATION {id: 'rel-diop-office-mali'}]->() SET r.contested = true",
      /contested is true/,
    ],
  ])("finds a broken %s invariant", async (rule, breakIt, message) => {
    await cypher(breakIt);
    try {
      const { violations } = await checkGraph(db);
      expect(violations.map((v) => v.rule)).toContain(rule);
      expect(violations.map((v) => `${v.key}: ${v.message}`).join("\n")).toMatch(message);
    } finally {
      // Back to the seed: a forced reload puts every seed record back as the files say.
      await cypher("MATCH (x) WHERE x:Change OR x:Stray DETACH DELETE x");
      await db.close();
      db = await seededDatabase();
    }
    expect(await snapshotGraph(db, { ignoreSeedState: true })).toBe(seeded);
  });
});
