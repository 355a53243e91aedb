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

/** Letters that folding writes as two (French ligatures, German sharp s). */
const expanded: Record<string, string> = { œ: "oe", æ: "ae", ß: "ss" };

/**
 * One code point as names and search compare it: no accents (NFC or NFD alike), lower case, ligatures written
 * out ("Œ" gives "oe"). May be empty (a combining mark) or two units long.
 */
export function foldLetters(point: string): string {
  const plain = point.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  return expanded[plain] ?? plain;
}

/**
 * Folds text for matching names: letters as foldLetters folds them, typographic apostrophes and no-break spaces
 * made plain. Returns the folded string and, for each of its UTF-16 units, the code point offset in the
 * original it came from, so that a match maps back to exact source offsets; and the original's length in code
 * points. Combining marks (NFD accents) fold to nothing, so no unit comes from them.
 */
export function foldForMatching(text: string): { folded: string; origin: number[]; length: number } {
  let folded = "";
  const origin: number[] = [];
  const points = codePoints(text);
  points.forEach((point, index) => {
    const plain = foldLetters(point)
      .replace(/[\u2019\u2018\u02bc]/g, "'")
      .replace(/[\u00a0\u202f]/g, " ");
    for (let k = 0; k < plain.length; k += 1) origin.push(index);
    folded += plain;
  });
  return { folded, origin, length: points.length };
}

/** Folds a name the same way, for comparing names with each other. */
export function foldName(name: string): string {
  return foldForMatching(name.trim().replace(/\s+/g, " ")).folded;
}

/** The distinct folded forms of names, as an actor's `foldedNames` holds them for lookups by any name. */
export function foldedNamesOf(names: readonly string[]): string[] {
  return [...new Set(names.map(foldName))];
}
