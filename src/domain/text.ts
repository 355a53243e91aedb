import { LRUCache } from "lru-cache";

/**
 * Text utilities in Unicode code points: offsets everywhere in the product count code points, so that
 * Python's `text[start:end]` and this service agree on every quote.
 */

const surrogate = /[\uD800-\uDFFF]/;

/** The code points of `text`, one string each. */
export function codePoints(text: string): string[] {
  // Without surrogates every UTF-16 unit is a code point, and split is many times faster than Array.from.
  return surrogate.test(text) ? Array.from(text) : text.split("");
}

/** `text[start:end]` as Python computes it: offsets in code points. */
export function sliceCodePoints(points: readonly string[], start: number, end: number): string {
  return points.slice(start, end).join("");
}

/** Every code point offset at which `needle` occurs in `points`. */
export function findAllCodePoints(points: readonly string[], needle: string): number[] {
  const wanted = codePoints(needle);
  const found: number[] = [];
  if (wanted.length === 0) return found;
  outer: for (let i = 0; i + wanted.length <= points.length; i += 1) {
    for (let j = 0; j < wanted.length; j += 1) if (points[i + j] !== wanted[j]) continue outer;
    found.push(i);
  }
  return found;
}

/**
 * The first `maxPoints` code points of `text`, and its length in code points: how much of a value that a client
 * sent an error or a log line echoes (a message must not be as long as what it refuses).
 */
export function headOf(text: string, maxPoints: number): { head: string; length: number } {
  // Only the head is split into code points: a value may be megabytes long.
  const points = codePoints(text.slice(0, 2 * maxPoints));
  const length = points.length <= maxPoints ? points.length : codePoints(text).length;
  return { head: points.slice(0, maxPoints).join(""), length };
}

/** `text` cut after `maxPoints` code points, saying how long it was: "Mali… (200000 code points)". */
export function shortened(text: string, maxPoints: number): string {
  const { head, length } = headOf(text, maxPoints);
  return length <= maxPoints ? text : `${head}… (${length} code points)`;
}

/**
 * Letters that compatibility decomposition leaves as they are but that readers take for another (dotless ı for
 * i, ł for l, final ς for σ), and letters that folding writes as two (French ligatures, German sharp s).
 */
const lettersFolded: Record<string, string> = {
  ı: "i",
  ȷ: "j",
  ł: "l",
  đ: "d",
  ð: "d",
  ħ: "h",
  ŧ: "t",
  ø: "o",
  ς: "σ",
  œ: "oe",
  æ: "ae",
  ß: "ss",
};

/** Combining marks and the code points Unicode says to ignore when not shown (soft hyphen, zero-width ones). */
const dropped = /[\p{M}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * Most folded code points remembered (about 1 MB; the least recently used is dropped): normalising each code
 * point anew was most of the cost of analysing a text (bulk loads analyse every quote and source), and a client
 * choosing the text must not make the memory grow. Texts use a few thousand distinct code points.
 */
export const maxFoldedPoints = 10_000;
const foldedPoints = new LRUCache<string, string>({ max: maxFoldedPoints });

/**
 * One code point as names and search compare it: its Unicode compatibility form (NFKC/NFKD: fullwidth "Ｍ" is
 * "m", "ﬁ" is "fi", "²" is "2"), no accents (NFC or NFD alike), lower case, dotless ı and the like as i,
 * ligatures written out ("Œ" gives "oe"), default-ignorable code points (soft hyphen U+00AD, zero-width space
 * U+200B, joiners, U+FEFF, variation selectors) dropped. May be empty (a combining mark, an ignorable) or several
 * code points long, letters or not ("⒜" gives "(a)").
 */
export function foldLetters(point: string): string {
  let folded = foldedPoints.get(point);
  if (folded === undefined) {
    folded = "";
    for (const part of point.normalize("NFKD").toLowerCase().normalize("NFKD").replace(dropped, "")) {
      folded += lettersFolded[part] ?? part;
    }
    foldedPoints.set(point, folded);
  }
  return folded;
}

/** How many distinct code points foldLetters remembers now (at most `maxFoldedPoints`). */
export const foldedPointsRemembered = () => foldedPoints.size;

/**
 * Folds text for matching names: letters as foldLetters folds them, typographic apostrophes made plain (no-break
 * spaces are spaces once decomposed). Returns the folded string and, for each of its UTF-16 units, the code point
 * offset in the original it came from, so that a match maps back to exact source offsets; and the original's
 * length in code points. Code points that fold to nothing (combining marks, ignorables) give no unit; one that
 * folds to several ("ﬁ") gives each the same offset.
 */
export function foldForMatching(text: string): { folded: string; origin: number[]; length: number } {
  let folded = "";
  const origin: number[] = [];
  let index = 0;
  for (let unit = 0; unit < text.length; index += 1) {
    const code = text.charCodeAt(unit);
    // An ASCII character folds to its lower case alone (what foldLetters answers), and texts are mostly ASCII:
    // taken here, without the cache and the replace, folding a text is several times faster.
    if (code < 0x80) {
      folded += code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 0x20) : text[unit];
      origin.push(index);
      unit += 1;
      continue;
    }
    const point = String.fromCodePoint(text.codePointAt(unit) as number);
    unit += point.length;
    const plain = foldLetters(point).replace(/[\u2019\u2018\u02bc]/g, "'");
    for (let k = 0; k < plain.length; k += 1) origin.push(index);
    folded += plain;
  }
  return { folded, origin, length: index };
}

/** Folds a name the same way, for comparing names with each other. */
export function foldName(name: string): string {
  return foldForMatching(name.trim().replace(/\s+/g, " ")).folded;
}

/** A code point as Unicode writes it: "U+0308", "U+1F1FA". */
export function codePointName(point: string): string {
  return `U+${(point.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** The distinct folded forms of names, as an actor's `foldedNames` holds them for lookups by any name. */
export function foldedNamesOf(names: readonly string[]): string[] {
  return [...new Set(names.map(foldName))];
}

/**
 * Code points that may join the one before them into one user-perceived character (a grapheme cluster): marks
 * (variation selectors among them), joiners, emoji modifiers and tags, regional indicators (flags), Hangul jamo.
 * Only around these can an offset fall inside a character.
 */
const mayJoinPrevious =
  /\p{M}|\u200C|\u200D|[\u{1F3FB}-\u{1F3FF}]|[\u{E0020}-\u{E007F}]|[\u{1F1E6}-\u{1F1FF}]|[\u1100-\u11FF]/u;
/** Code points the next may join: the joiner, regional indicators, Hangul jamo, Arabic prepended marks. */
const mayJoinNext = /\u200D|[\u{1F1E6}-\u{1F1FF}\u1100-\u11FF\u0600-\u0605\u06DD\u070F\u0890\u0891\u08E2]/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
/** Code points on each side of an offset that decide whether it splits a character. */
const graphemeWindow = 32;

/**
 * Whether code point offset `at` of `points` lies between two user-perceived characters (grapheme clusters,
 * Unicode's UAX #29 as Intl.Segmenter implements it), so that a quote starting or ending there cuts no letter
 * from its accent and no emoji or flag in two. Texts of Latin letters answer from the code points alone.
 */
export function isCharacterBoundary(points: readonly string[], at: number): boolean {
  if (at <= 0 || at >= points.length) return true;
  if (!mayJoinPrevious.test(points[at] as string) && !mayJoinNext.test(points[at - 1] as string)) return true;
  const from = Math.max(0, at - graphemeWindow);
  const before = points.slice(from, at).join("");
  const text = before + points.slice(at, at + graphemeWindow).join("");
  for (const { index } of graphemes.segment(text)) {
    if (index === before.length) return true;
    if (index > before.length) return false;
  }
  return false;
}

/**
 * The code-point offset of every UTF-16 offset of `text`, from 0 to its length included: what turns offsets
 * counted in UTF-16 units (JavaScript strings, Java's, CoreNLP's) into ours. An offset inside a surrogate pair
 * maps to the code point it splits.
 */
export function codePointOffsets(text: string): Uint32Array {
  const offsets = new Uint32Array(text.length + 1);
  let point = 0;
  for (let unit = 0; unit < text.length; unit += 1) {
    offsets[unit] = point;
    const code = text.charCodeAt(unit);
    if (code >= 0xd800 && code <= 0xdbff && unit + 1 < text.length) {
      const next = text.charCodeAt(unit + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        unit += 1;
        offsets[unit] = point;
      }
    }
    point += 1;
  }
  offsets[text.length] = point;
  return offsets;
}
