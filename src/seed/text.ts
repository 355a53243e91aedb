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
 * Folds text for matching names: no accents, lower case, typographic apostrophes and no-break spaces
 * made plain. Returns the folded string and, for each of its UTF-16 units, the code point offset in the
 * original it came from, so that a match maps back to exact source offsets; and the original's length in code
 * points. Combining marks (NFD accents) fold to nothing, so no unit comes from them.
 */
export function foldForMatching(text: string): { folded: string; origin: number[]; length: number } {
  let folded = "";
  const origin: number[] = [];
  const points = codePoints(text);
  points.forEach((point, index) => {
    const plain = point
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .replace(/[\u2019\u2018\u02bc]/g, "'")
      .replace(/[\u00a0\u202f]/g, " ")
      .toLowerCase();
    for (let k = 0; k < plain.length; k += 1) origin.push(index);
    folded += plain;
  });
  return { folded, origin, length: points.length };
}

/** Folds a name the same way, for comparing names with each other. */
export function foldName(name: string): string {
  return foldForMatching(name.trim().replace(/\s+/g, " ")).folded;
}
