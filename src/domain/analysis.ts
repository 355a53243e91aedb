import { stemmer as frenchStemmer } from "@orama/stemmers/french";
import { distance } from "fastest-levenshtein";
import { LRUCache } from "lru-cache";
import { foldForMatching } from "./text.js";

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
 * The words of `text`: runs of letters and digits, folded as names are (src/domain/text.ts foldLetters: case,
 * accents whether composed or combining, compatibility forms, ligatures, ignorable code points), with the elided
 * French articles dropped (`d’industrie` gives `industrie`). A word's span covers the code points that fold to
 * nothing after it, its combining marks among them: `Traore\u0301` is one word of 7 code points, `Ma\u00ADli` one
 * word `mali` of 5. A code point whose fold holds letters and others (`⒜`, "(a)") gives its letters as a word.
 */
export function wordsOf(text: string): Word[] {
  const { folded, origin, length } = foldForMatching(text);
  const words: Word[] = [];
  let current: (Word & { last: number }) | null = null;
  const close = (next: number) => {
    if (!current) return;
    // Up to the next unit's code point (past marks and ignorables), at least past the word's last code point.
    words.push({ word: current.word, start: current.start, end: Math.max(current.last + 1, next) });
    current = null;
  };
  for (let unit = 0; unit < folded.length; ) {
    const char = String.fromCodePoint(folded.codePointAt(unit) as number);
    const at = origin[unit] as number;
    const nextUnit = unit + char.length;
    if (wordChar.test(char)) {
      if (current) {
        current.word += char;
        current.last = at;
      } else {
        current = { word: char, start: at, end: at + 1, last: at };
      }
    } else if (current) {
      const next = folded.codePointAt(nextUnit);
      const isElision =
        apostrophes.test(char) &&
        elided.has(current.word) &&
        next !== undefined &&
        wordChar.test(String.fromCodePoint(next));
      if (isElision) current = null;
      else close(at);
    }
    unit = nextUnit;
  }
  close(length);
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

/**
 * Terms of the words seen lately: a vocabulary repeats, and stemming each word anew cost a third of indexing. At
 * most `maxStems` words and `maxStemBytes` bytes of words and terms (UTF-16, 2 bytes a unit); the least recently
 * used go first, so that a stream of made-up words cannot make it grow.
 */
export const stemCacheBounds = { maxStems: 100_000, maxStemBytes: 8_000_000 } as const;
const stems = new LRUCache<string, string>({
  max: stemCacheBounds.maxStems,
  maxSize: stemCacheBounds.maxStemBytes,
  sizeCalculation: (term, word) => 2 * (word.length + term.length) + 64,
});

/** How many words, and how many bytes of them, the stemming cache holds now. */
export const stemsRemembered = () => ({ words: stems.size, bytes: stems.calculatedSize });

/** A word as the text indexes hold it: folded, then stemmed (Snowball French), so that inflections meet. */
export const termOf = (word: string) => {
  let term = stems.get(word);
  if (term === undefined) {
    term = /\p{N}/u.test(word) ? word : frenchStemmer(word);
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

/**
 * The terms the source index holds wherever a text writes `name` as a mention (src/domain/mentions.ts): its
 * words stemmed, in order. A last word that French elides ("d", "l", "qu") is left out: in "d'Ivoire" the text's
 * index drops it, while the name "Groupe d" still matches there. Empty when nothing of the name is indexed (a
 * name made only of such a word): no index query can find its texts, so the grammar refuses such names.
 */
export function mentionTerms(name: string): string[] {
  const words = wordsOf(name).map((w) => w.word);
  if (words.length > 0 && elided.has(words.at(-1) as string)) words.pop();
  return words.map(termOf);
}

/** `term` with every character that Lucene's query syntax reads as an operator escaped by a backslash. */
export const luceneEscape = (term: string) => term.replace(/[+\-&|!(){}[\]^"~*?:\\/\s]/g, (c) => `\\${c}`);

/**
 * The Lucene query of the source index that finds every stored text where one of `names` may be a mention: one
 * phrase of each name's `mentionTerms`, any of them. It finds more than the mentions (a stem matches other
 * forms; a name inside a longer one), never fewer; what is a mention is then decided on the text itself.
 */
export function textsNamingQuery(names: readonly string[]): string {
  const phrases = new Set(
    names.map(mentionTerms).flatMap((terms) => (terms.length > 0 ? [terms.map(luceneEscape).join(" ")] : [])),
  );
  return [...phrases].map((phrase) => `"${phrase}"`).join(" ");
}
