import { describe, expect, it } from "vitest";
import { highlights, termOf, wordsOf } from "../src/domain/analysis.js";
import { findMentions } from "../src/domain/mentions.js";
import { foldForMatching, foldLetters, foldName } from "../src/domain/text.js";

/**
 * Folding by Unicode compatibility, ignorable code points and look-alike letters (issue 29), at the level of
 * offsets: every word, highlight and mention is a span of code points of the original text, whatever folding
 * dropped (a soft hyphen) or wrote as several (a ligature).
 */

/** The original code points a span covers. */
const slice = (text: string, span: { start: number; end: number }) =>
  Array.from(text).slice(span.start, span.end).join("");

describe("compatibility folding", () => {
  it("folds each case as the plain word", () => {
    const cases: [string, string][] = [
      ["ＭＡＬＩ", "mali"], // fullwidth
      ["Ma\u00ADli", "mali"], // soft hyphen
      ["Ma\u200Bli", "mali"], // zero-width space
      ["Ma\u200C\u200Dli", "mali"], // zero-width non-joiner and joiner
      ["Ma\u2060li\uFEFF", "mali"], // word joiner, byte order mark
      ["Mali\uFE0F", "mali"], // variation selector
      ["Ma\u{E0100}li", "mali"], // variation selector supplement
      ["Malı", "mali"], // dotless ı
      ["MALİ", "mali"], // dotted capital İ
      ["Łódź", "lodz"], // ł is no l with a mark to Unicode
      ["Øresund", "oresund"],
      ["ﬁnance", "finance"], // ligature ﬁ
      ["Œuvre", "oeuvre"],
      ["Straße", "strasse"],
      ["𝐁𝐚𝐫𝐤𝐡𝐚𝐧𝐞", "barkhane"], // mathematical bold
      ["G⁵", "g5"], // superscript
      ["Ǆemal", "dzemal"], // one code point, two letters
    ];
    for (const [text, plain] of cases) {
      expect(foldName(text), JSON.stringify(text)).toBe(plain);
      expect(
        wordsOf(text).map((w) => w.word),
        JSON.stringify(text),
      ).toEqual([plain]);
    }
  });

  it("keeps each word's span on the original's code points when folding drops or expands them", () => {
    const text = "Le ﬁnancement de Ba\u00ADr\u200Bkhane au ＭＡＬＩ, l’armée Traore\u0301\u00AD.";
    const words = wordsOf(text);
    expect(words.map((w) => [w.word, slice(text, w)])).toEqual([
      ["le", "Le"],
      ["financement", "ﬁnancement"],
      ["de", "de"],
      ["barkhane", "Ba\u00ADr\u200Bkhane"],
      ["au", "au"],
      ["mali", "ＭＡＬＩ"],
      ["armee", "armée"],
      // Marks and ignorables after the last letter belong to the word, as a combining accent does.
      ["traore", "Traore\u0301\u00AD"],
    ]);
    // "ﬁnancement" is 10 code points though it folds to 11 letters.
    expect(words[1]).toMatchObject({ start: 3, end: 13 });
  });

  it("gives the letters of a code point that folds to letters and punctuation as a word of that code point", () => {
    // "⒜" is "(a)" and "½" is "1⁄2": neither brackets nor the fraction slash may reach a Lucene query.
    const text = "⒜ ½";
    expect(wordsOf(text).map((w) => [w.word, w.start, w.end])).toEqual([
      ["a", 0, 1],
      ["1", 2, 3],
      ["2", 2, 3],
    ]);
    for (const w of wordsOf("⒜⑴℀㏂")) expect(w.word).toMatch(/^[\p{L}\p{N}]+$/u);
  });

  it("maps every folded unit back to its code point, none from a dropped one", () => {
    const { folded, origin, length } = foldForMatching("ﬁ\u00AD𝐱\u200Bé");
    expect(folded).toBe("fixe");
    expect(origin).toEqual([0, 0, 2, 4]);
    expect(length).toBe(5);
    expect(foldLetters("\u00AD")).toBe("");
    expect(foldLetters("\u0301")).toBe("");
  });

  it("highlights and mentions cover the original's code points", () => {
    const text = "Selon ＭＡＬＩ et Ma\u00ADli, la ﬁerté de Barkhane\uFE0F.";
    const spans = highlights(text, new Set([termOf("mali")]));
    expect(spans.map((span) => slice(text, span))).toEqual(["ＭＡＬＩ", "Ma\u00ADli"]);
    const actors = [
      { id: "mali", name: "Mali", aliases: [] },
      { id: "barkhane", name: "Barkhane", aliases: [] },
    ];
    expect(findMentions(text, actors).map((m) => [m.actorId, slice(text, m)])).toEqual([
      ["mali", "ＭＡＬＩ"],
      ["mali", "Ma\u00ADli"],
      ["barkhane", "Barkhane\uFE0F"],
    ]);
  });
});
