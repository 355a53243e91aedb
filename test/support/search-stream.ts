import { queryWords, stemsRemembered, textLuceneQuery } from "../../src/domain/analysis.js";
import { foldedPointsRemembered } from "../../src/domain/text.js";

/**
 * Run by test/bounded-memory.test.ts in a process of its own with `--expose-gc`: analyses a stream of `searches`
 * query texts, each of `pointsPerSearch` code points no other text of the stream holds (letters of every script
 * from U+4E00 on, then the supplementary planes), as searchActors and searchQuotes analyse a query, and prints
 * as JSON the heap in use after garbage collection before and after the stream (bytes) and what the caches hold.
 */
const [searches = 10_000, pointsPerSearch = 20] = process.argv.slice(2).map(Number);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

const noStopWords = new Set<string>();
const analyse = (text: string) => textLuceneQuery(queryWords(text), noStopWords);
analyse("échauffement de la recherche"); // modules and regular expressions loaded before the first figure
gc();
const before = process.memoryUsage().heapUsed;
let point = 0x4e00;
for (let search = 0; search < searches; search += 1) {
  let text = "";
  for (let n = 0; n < pointsPerSearch; n += 1) {
    // A space now and then makes several words, which the stemmer's cache remembers too.
    text += String.fromCodePoint(point) + (n % 5 === 4 ? " " : "");
    point += 1;
    if (point === 0xd800) point = 0x10000; // no surrogates
  }
  analyse(text);
}
gc();
const after = process.memoryUsage().heapUsed;
console.log(
  JSON.stringify({
    distinctPoints: searches * pointsPerSearch,
    heapBefore: before,
    heapAfter: after,
    foldedPoints: foldedPointsRemembered(),
    stems: stemsRemembered(),
  }),
);
