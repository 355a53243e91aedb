import { stemmer as frenchStemmer } from "@orama/stemmers/french";
import { distance } from "fastest-levenshtein";
import { codePoints, foldLetters } from "./text.js";

/**
 * The text analysis of search, the same on both sides: what is written into the full-text indexes (actors'
 * names, quotes, sources' texts) and what a query is turned into. Neo4j's shipped analyzers cannot do it alone
 * (none folds accents and NFD and handles French elision without dropping words; see
 * docs/decisions/011-search.md), so the text is analysed here into plain words and the indexes use Lucene's
 * `whitespace` analyzer: Lucene keeps the postings, scores (BM25), and runs the boolean, prefix and fuzzy queries.
 * Every offset is in Unicode code points of the original text.
 */

/** A word of a text: its folded form and where it stands in the original, [start, end) in code points. */
export interface Word {
  word: string;
  start: number;
  end: number;
}

/** French articles and pronouns written elided before a vowel (l’armée, d’industrie, qu’il), with ’ or '. */
const elided = new Set(["l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu"]);
const apostrophes = /[\u0027\u2019\u2018\u02bc\u2032]/u;
const wordChar = /[\p{L}\p{N}]/u;

/**
 * Folded code points seen so far: normalising each code point anew was most of the cost of analysing a text
 * (bulk loads analyse every quote and source). Texts use a few thousand distinct code points, so it stays small.
 */
const foldedPoints = new Map<string, string>();
function foldPoint(point: string): string {
  let folded = foldedPoints.get(point);
  if (folded === undefined) {
    folded = foldLetters(point);
    foldedPoints.set(point, folded);
  }
  return folded;
}

/**
 * The words of `text`: runs of letters and digits, folded (case, accents whether composed or combining,
 * ligatures), with the elided French articles dropped (`d’industrie` gives `industrie`). A word's span covers
 * its combining marks: `Traore\u0301` is one word of 7 code points.
 */
export function wordsOf(text: string): Word[] {
  const points = codePoints(text);
  const words: Word[] = [];
  let current: Word | null = null;
  for (let index = 0; index < points.length; index += 1) {
    const point = points[index] as string;
    const folded = foldPoint(point);
    if (folded.length > 0 && wordChar.test(folded)) {
      if (current) {
        current.word += folded;
        current.end = index + 1;
      } else {
        current = { word: folded, start: index, end: index + 1 };
      }
      continue;
    }
    if (folded.length === 0 && current) {
      current.end = index + 1; // a combining mark belongs to the word it follows
      continue;
    }
    if (current) {
      const next = points[index + 1];
      const isElision =
        apostrophes.test(point) &&
        elided.has(current.word) &&
        next !== undefined &&
        wordChar.test(foldPoint(next));
      if (!isElision) words.push(current);
      current = null;
    }
  }
  if (current) words.push(current);
  return words;
}

/** The folded words of a name, joined by single spaces: the form the actor index holds and exact matches compare. */
export function nameForm(name: string): string {
  return wordsOf(name)
    .map((w) => w.word)
    .join(" ");
}

/** The search forms of an actor's names, each once, the canonical name first. */
export function nameForms(names: readonly string[]): string[] {
  return [...new Set(names.map(nameForm).filter((form) => form.length > 0))];
}

/** Terms of the words seen lately: a vocabulary repeats, and stemming each word anew cost a third of indexing. */
const stems = new Map<string, string>();
/** Most words remembered (about 10 MB); the memory is dropped whole when full. */
const maxStems = 100_000;

/** A word as the text indexes hold it: folded, then stemmed (Snowball French), so that inflections meet. */
export const termOf = (word: string) => {
  let term = stems.get(word);
  if (term === undefined) {
    term = /\p{N}/u.test(word) ? word : frenchStemmer(word);
    if (stems.size >= maxStems) stems.clear();
    stems.set(word, term);
  }
  return term;
};

/** The terms of a text, joined by spaces: the property that the quote and source indexes hold. */
export function indexedTerms(text: string): string {
  return wordsOf(text)
    .map((w) => termOf(w.word))
    .join(" ");
}

/** Most words a query may have; a full name (the longest in the seed has 12) fits several times. */
export const maxQueryWords = 32;
/** Longer words are cut: no name or French word is longer, and Lucene's fuzzy automata stay small. */
const maxWordLength = 40;

/** The words of a query, folded as the indexes are, at most `maxQueryWords`, each at most 40 characters. */
export function queryWords(query: string): string[] {
  return wordsOf(query).map((w) => w.word.slice(0, maxWordLength));
}

/**
 * The typing errors a word may hold and still match, as Lucene's fuzzy query counts them (insertions,
 * deletions, substitutions, transpositions): none below 3 letters or in words with digits (a number with a typo
 * is another number), 1 up to 5 letters, 2 beyond.
 */
export function typosAllowed(word: string): 0 | 1 | 2 {
  if (word.length < 3 || /\p{N}/u.test(word)) return 0;
  return word.length <= 5 ? 1 : 2;
}

/**
 * The Lucene query of an actor search: every word (or, with `every` false, any word) must match a word of the
 * actor's names exactly (boosted), as a prefix, or within its typing errors. The words hold only letters and
 * digits, in lower case, so nothing of the user's text can be read as Lucene syntax (`AND`, `*:*`, quotes, `~`
 * are gone or plain words).
 */
export function actorLuceneQuery(words: readonly string[], every = true): string {
  return words
    .map((word) => {
      const typos = typosAllowed(word);
      return `${every ? "+" : ""}(${word}^2 ${word}*${typos > 0 ? ` ${word}~${typos}` : ""})`;
    })
    .join(" ");
}

/**
 * The Lucene query of a quote or source search: every term required, except stop words (`le`, `de`), which
 * only add to the score, unless the query has nothing else.
 */
export function textLuceneQuery(words: readonly string[], stopWords: ReadonlySet<string>): string {
  const terms = [...new Set(words.map(termOf))];
  const content = new Set(words.filter((word) => !stopWords.has(word)).map(termOf));
  return terms.map((term) => (content.size === 0 || content.has(term) ? `+${term}` : term)).join(" ");
}

/** How an actor matched a query: its whole name or alias, word prefixes of one name, or within typing errors. */
export type NameMatch = "EXACT" | "PREFIX" | "FUZZY";

/** The tier of a match, which the score's integer part carries: exact names before prefixes before typos. */
export const matchTier: Record<NameMatch, number> = { EXACT: 3, PREFIX: 2, FUZZY: 1 };

/** Whether every query word is a prefix of a word of `form` (a name form, words joined by spaces). */
export const prefixesAll = (form: string, words: readonly string[]) =>
  words.every((word) => ` ${form}`.includes(` ${word}`));

/**
 * How closely a name form that the query's words all begin fits the query, in [0, 1]: the share of the query's
 * words that are whole words of it, and its shortness in words (src/db/search.ts computes the same in Cypher).
 */
export function prefixFit(form: string, words: readonly string[]): number {
  const whole = words.filter((word) => ` ${form} `.includes(` ${word} `)).length;
  return (whole / words.length + 1 / form.split(" ").length) / 2;
}

/**
 * Which of an actor's names a query matched, and how: an exact name form first, then the best fitting one whose
 * words the query's words begin, then the one fewest typing errors away (each query word against the closest
 * word of the name, or its beginning), the canonical name winning ties.
 */
export function matchedName(
  names: readonly string[],
  words: readonly string[],
): { name: string; match: NameMatch } {
  const phrase = words.join(" ");
  let best = { name: names[0] ?? "", match: "FUZZY" as NameMatch, rank: Number.NEGATIVE_INFINITY };
  for (const name of names) {
    const form = nameForm(name);
    const match: NameMatch = form === phrase ? "EXACT" : prefixesAll(form, words) ? "PREFIX" : "FUZZY";
    const nameWords = form.split(" ");
    // Higher is better: the fit of a prefix match, or fewer typing errors.
    const rank =
      match === "FUZZY"
        ? -words.reduce(
            (sum, word) =>
              sum +
              Math.min(
                ...nameWords.map((w) => Math.min(distance(word, w), distance(word, w.slice(0, word.length)))),
              ),
            0,
          )
        : prefixFit(form, words);
    if (matchTier[match] > matchTier[best.match] || (match === best.match && rank > best.rank)) {
      best = { name, match, rank };
    }
  }
  return { name: best.name, match: best.match };
}

/**
 * The spans of `text` (code points, shifted by `offset`) whose words are among `terms` once stemmed: what a hit
 * highlights. The same analysis made the index, so a highlighted word is one the search matched.
 */
export function highlights(
  text: string,
  terms: ReadonlySet<string>,
  offset = 0,
): { start: number; end: number }[] {
  return wordsOf(text)
    .filter((w) => terms.has(termOf(w.word)))
    .map((w) => ({ start: w.start + offset, end: w.end + offset }));
}

/** The terms a hit highlights: the query's content words (its stop words too when it has nothing else). */
export function highlightTerms(words: readonly string[], stopWords: ReadonlySet<string>): Set<string> {
  const content = words.filter((word) => !stopWords.has(word));
  return new Set((content.length > 0 ? content : words).map(termOf));
}
