import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { loadSeed } from "../src/seed/load.js";
import { connectTestDatabase, quietLog, resetDatabase } from "./support/db.js";
import { runCli } from "./support/ingest-cli.js";
import { article } from "./support/intake.js";
import { testNlpReady } from "./support/nlp.js";
import { seedDir } from "./support/seed-copy.js";

/**
 * `npm run intake -- FILE...` as an analyst runs it, against the test run's Neo4j and CoreNLP: a file with front
 * matter stored as a source with its proposals, the summary printed, and the exit statuses (0 done, 1 a file
 * refused, naming it and the line, 2 cannot run).
 */
describe("npm run intake", () => {
  let db: Database;
  let dir: string;
  let nlpEnv: Record<string, string>;
  const intake = (...args: string[]) => runCli("intake.ts", args, nlpEnv);
  const storedSources = async () => {
    const { records } = await db.read("MATCH (s:Source) RETURN count(s) AS n");
    return Number(records[0]?.get("n"));
  };

  beforeAll(async () => {
    db = await connectTestDatabase({ queryTimeoutMs: 120_000 });
    nlpEnv = { NLP: "on-demand", CORENLP_URL: await testNlpReady() };
    await resetDatabase(db);
    await loadSeed(db, seedDir, quietLog, { force: true });
    dir = await mkdtemp(path.join(os.tmpdir(), "intake-cli-"));
  }, 320_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await db?.close();
  }, 300_000);

  it("stores a file with front matter as a source with its proposals, and prints what it proposed", async () => {
    const file = path.join(dir, "bamako.md");
    await writeFile(
      file,
      `---\ntitle: Moscou renforce sa présence au Sahel\npublished: 2025-03-14\nlanguage: fr\n---\n${article}`,
    );
    const run = await intake("--publisher", "Agence test", file);
    expect(run.code, run.stderr).toBe(0);
    const line =
      /bamako\.md -> (\S+): (\d+) new actor\(s\), (\d+) alias\(es\), (\d+) relation\(s\), (\d+) citation\(s\) proposed; NLP ran/.exec(
        run.stdout,
      );
    expect(line, run.stdout).not.toBeNull();
    const [, key, actors, aliases, relations, citations] = line as RegExpExecArray;
    expect(run.stdout).toMatch(/Took in 1 file\(s\) in \d+ ms/);

    const { records } = await db.read(
      `MATCH (s:Source {id: $key})
       OPTIONAL MATCH (p:Proposal {status: 'PENDING'})-[:PROPOSED_FROM]->(s)
       RETURN s.title AS title, s.published AS published, s.publisher AS publisher, s.language AS language,
              s.text AS text, collect(p.kind) AS kinds`,
      { key },
    );
    const stored = records[0]?.toObject() as Record<string, unknown> & { kinds: string[] };
    expect({ ...stored, kinds: undefined }).toEqual({
      title: "Moscou renforce sa présence au Sahel",
      published: "2025-03-14",
      publisher: "Agence test",
      language: "fr",
      text: article,
      kinds: undefined,
    });
    const count = (kind: string) => String(stored.kinds.filter((k) => k === kind).length);
    expect([count("ACTOR"), count("ALIAS"), count("RELATION"), count("CITATION")]).toEqual([
      actors,
      aliases,
      relations,
      citations,
    ]);
    expect(Number(actors)).toBeGreaterThan(0);

    // The same file again: already stored, its pending proposals superseded by the new intake's.
    const again = await intake("--publisher", "Agence test", file);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${key} (already stored)`);
    expect(again.stdout).toMatch(/\d+ earlier pending superseded/);
  }, 300_000);

  it("names the file and the line of a bad front matter or field, exits 1 and stores nothing", async () => {
    const before = await storedSources();
    const cases: [string, string, RegExp][] = [
      [
        "unknown.md",
        "---\ntitle: T\nsection: world\nlanguage: fr\n---\nTexte.",
        /unknown\.md:3: unknown front matter field "section"/,
      ],
      [
        "broken.md",
        "---\ntitle: T\nlanguage: [fr\n---\nTexte.",
        /broken\.md:\d+: the front matter is not YAML/,
      ],
      [
        "date.md",
        "---\ntitle: T\nlanguage: fr\npublished: 14 mars 2025\n---\nTexte.",
        /date\.md:4 \(published\): /,
      ],
      ["nolanguage.md", "---\ntitle: T\n---\nTexte.", /nolanguage\.md: no language/],
    ];
    for (const [name, content, said] of cases) {
      const file = path.join(dir, name);
      await writeFile(file, content);
      const run = await intake(file);
      expect(run.stderr, name).toMatch(said);
      // After the progress bar's lines, the refusal alone on its line.
      expect(run.stderr).toMatch(/^BAD_USER_INPUT: /m);
      expect(run.code, name).toBe(1);
    }
    expect(await storedSources()).toBe(before);
  }, 300_000);

  it("shows its usage and exits 2 without files", async () => {
    const run = await intake();
    expect(run.stderr).toContain("usage: npm run intake --");
    expect(run.code).toBe(2);
  }, 300_000);
});
