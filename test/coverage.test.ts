import { describe, expect, it } from "vitest";
import { coverageReport, sentences } from "../src/seed/coverage.js";
import { readSeed } from "../src/seed/read.js";
import { copySeed, seedDir } from "./support/seed-copy.js";

describe("coverage report", () => {
  it("finds no unexplained gap in the five articles", async () => {
    const report = coverageReport(await readSeed(seedDir));
    expect(report.gaps).toEqual([]);
    expect(report.explained.length).toBeGreaterThan(0);
    expect(Object.values(report.relationsByType).reduce((a, b) => a + b, 0)).toBeGreaterThan(50);
  });

  it("shows a sentence naming two actors that backs no relation", async () => {
    const copy = await copySeed();
    try {
      // Point the headline's explanation at another line of the page: the headline becomes a gap.
      await copy.edit(
        "unrelated-sentences.yaml",
        'quote: "Le Mali dit oui à la Russie"',
        'quote: "Voir les autres sites DW"',
      );
      const report = coverageReport(await readSeed(copy.dir));
      expect(report.gaps.map((g) => [g.text, g.actorIds.sort()])).toEqual([
        ["Le Mali dit oui à la Russie", ["mali", "russia"]],
      ]);
    } finally {
      await copy.remove();
    }
  });

  it("splits sentences with code point offsets, keeping 'M. Lavrov' whole", () => {
    const text = "Plus tôt, M. Lavrov a parlé. Le Mali répond !";
    expect(sentences("s", text)).toEqual([
      { sourceId: "s", start: 0, end: 28, text: "Plus tôt, M. Lavrov a parlé." },
      { sourceId: "s", start: 29, end: 45, text: "Le Mali répond !" },
    ]);
  });
});
