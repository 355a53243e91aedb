import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { parse } from "graphql";
import type { LRUCache } from "lru-cache";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { stemCacheBounds, stemsRemembered, termOf } from "../src/domain/analysis.js";
import { foldedPointsRemembered, maxFoldedPoints } from "../src/domain/text.js";
import { boundedParserCaches, parserCacheBounds } from "../src/http/caches.js";
import { graphqlClient } from "./support/graphql.js";
import { seededDatabase } from "./support/server.js";

/**
 * Memory that clients' input makes grow (issue 29): the search analysis's caches and the parsed documents
 * are bounded in entries and bytes, so that a stream of distinct inputs leaves the heap where it was.
 */

const run = promisify(execFile);

/** Most the heap may grow over the stream, after garbage collection; the unbounded cache grew by 45 MB. */
const maxHeapGrowthBytes = 12_000_000;

describe("bounded memory", () => {
  it("keeps a bounded heap after 10,000 searches of distinct code points (500,000 in all)", async () => {
    // In a process of its own, to collect garbage before each figure (--expose-gc) with nothing else running.
    const { stdout } = await run(
      process.execPath,
      ["--expose-gc", "--import", "tsx", "test/support/search-stream.ts", "10000", "50"],
      { timeout: 120_000 },
    );
    const figures = JSON.parse(stdout) as {
      distinctPoints: number;
      heapBefore: number;
      heapAfter: number;
      foldedPoints: number;
      stems: { words: number; bytes: number };
    };
    expect(figures.distinctPoints).toBe(500_000);
    expect(figures.foldedPoints).toBe(maxFoldedPoints);
    expect(figures.stems.words).toBeLessThanOrEqual(stemCacheBounds.maxStems);
    expect(figures.stems.bytes).toBeLessThanOrEqual(stemCacheBounds.maxStemBytes);
    expect(figures.heapAfter - figures.heapBefore).toBeLessThan(maxHeapGrowthBytes);
  });

  it("keeps the stemmer's cache within its bytes whatever the words' length", () => {
    // queryWords cuts a query's words, but texts' words (quotes, sources) are as long as written.
    // 1,000 words of 20,000 letters: 80 MB of words and terms unbounded.
    const long = "a".repeat(20_000);
    for (let n = 0; n < 1_000; n += 1) expect(termOf(`${long}${n}`)).toBe(`${long}${n}`);
    expect(stemsRemembered().bytes).toBeLessThanOrEqual(stemCacheBounds.maxStemBytes);
    expect(stemsRemembered().words).toBeLessThan(1_000);
  });

  it("bounds the parsed documents kept by their text in bytes", () => {
    const { documentCache } = boundedParserCaches();
    const cache = documentCache as LRUCache<string, ReturnType<typeof parse>>;
    const literal = "x".repeat(100_000);
    const document = parse(`{ searchActors(query: "${literal}") { totalCount } }`);
    // 600 texts of 100 KB (parsed once: the estimate reads the text and the document's tokens).
    for (let n = 0; n < 600; n += 1) {
      cache.set(`{ searchActors(query: "${literal}${n}") { totalCount } }`, document);
    }
    expect(cache.calculatedSize).toBeLessThanOrEqual(parserCacheBounds.documentBytes);
    expect(cache.size).toBeLessThan(600);
    // Small documents are kept up to the count bound.
    const small = boundedParserCaches().documentCache as LRUCache<string, ReturnType<typeof parse>>;
    for (let n = 0; n < 2_000; n += 1) small.set(`{ a${n} }`, parse(`{ a${n} }`));
    expect(small.size).toBe(parserCacheBounds.documents);
  });

  describe("through the API", () => {
    let db: Database;
    let query: ReturnType<typeof graphqlClient>;
    beforeAll(async () => {
      db = await seededDatabase();
      query = graphqlClient(db);
    });
    afterAll(() => db.close());

    it("answers searches spanning 20,000 distinct code points with the fold cache at its bound", async () => {
      let point = 0x4e00;
      for (let search = 0; search < 20; search += 1) {
        let text = "";
        for (let n = 0; n < 1_000; n += 1) text += String.fromCodePoint(point++);
        for (const field of ["searchActors", "searchQuotes"]) {
          const response = await query(`query ($q: String!) { ${field}(query: $q) { totalCount } }`, {
            q: text,
          });
          expect(response.errors).toBeUndefined();
        }
      }
      expect(foldedPointsRemembered()).toBeLessThanOrEqual(maxFoldedPoints);
      expect(foldedPointsRemembered()).toBeGreaterThan(maxFoldedPoints / 2);
    });
  });
});
