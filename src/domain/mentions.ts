import { foldForMatching, foldName } from "./text.js";

export interface NamedActor {
  id: string;
  name: string;
  aliases: readonly string[];
}

export interface Mention {
  actorId: string;
  /** Code point offsets into the text. */
  start: number;
  end: number;
}

const wordChar = /[\p{L}\p{N}]/u;

/** Whether the code point of `folded` that ends just before UTF-16 unit `at` is a letter or digit. */
function wordCharBefore(folded: string, at: number): boolean {
  if (at <= 0) return false;
  const low = folded.charCodeAt(at - 1);
  // A letter outside the BMP is two units: look at the whole code point, not its low surrogate.
  const from = low >= 0xdc00 && low <= 0xdfff && at >= 2 ? at - 2 : at - 1;
  return wordChar.test(String.fromCodePoint(folded.codePointAt(from) as number));
}

/** Whether the code point of `folded` that starts at UTF-16 unit `at` is a letter or digit. */
function wordCharAt(folded: string, at: number): boolean {
  const point = folded.codePointAt(at);
  return point !== undefined && wordChar.test(String.fromCodePoint(point));
}

/** An actor's names as matching compares them: folded (src/domain/text.ts foldName), each once, none empty. */
const foldedNames = (actor: NamedActor) =>
  [...new Set([actor.name, ...actor.aliases].map(foldName))].filter((name) => name.length > 0);

/** A run of letters and digits: a word, as matching on word boundaries sees it. */
const wordRun = /[\p{L}\p{N}]+/gu;
/** The word a folded name starts with, or undefined when it starts with something else. */
const firstWord = (name: string) => /^[\p{L}\p{N}]+/u.exec(name)?.[0];

/** Where each word of a folded string starts (UTF-16 units), word by word. */
function wordStarts(folded: string): Map<string, number[]> {
  const starts = new Map<string, number[]>();
  for (const match of folded.matchAll(wordRun)) {
    const list = starts.get(match[0]);
    if (list) list.push(match.index);
    else starts.set(match[0], [match.index]);
  }
  return starts;
}

/**
 * The mentions of actors (with their folded names) in a text folded by foldForMatching. Given the text's
 * `starts` (wordStarts), a name that starts with a letter or digit is tried only where a word equal to its first
 * word starts (a match on word boundaries starts a word of the text, and that word is the name's first whole),
 * instead of searching the whole text for each name; the others are searched everywhere.
 */
function matchFolded(
  { folded, origin, length }: ReturnType<typeof foldForMatching>,
  actors: readonly { id: string; names: readonly string[] }[],
  starts?: ReadonlyMap<string, readonly number[]>,
): Mention[] {
  const candidates: { actorId: string; from: number; to: number }[] = [];
  for (const actor of actors) {
    for (const name of actor.names) {
      const first = starts && firstWord(name);
      if (first !== undefined) {
        for (const at of starts?.get(first) ?? []) {
          const to = at + name.length;
          if (folded.startsWith(name, at) && !wordCharAt(folded, to))
            candidates.push({ actorId: actor.id, from: at, to });
        }
        continue;
      }
      for (let at = folded.indexOf(name); at !== -1; at = folded.indexOf(name, at + 1)) {
        const to = at + name.length;
        if (wordCharBefore(folded, at) || wordCharAt(folded, to)) continue;
        candidates.push({ actorId: actor.id, from: at, to });
      }
    }
  }
  candidates.sort((a, b) => a.from - b.from || b.to - b.from - (a.to - a.from));
  const mentions: Mention[] = [];
  let coveredUntil = -1;
  for (const candidate of candidates) {
    if (candidate.from < coveredUntil) continue;
    coveredUntil = candidate.to;
    mentions.push({
      actorId: candidate.actorId,
      start: origin[candidate.from] as number,
      // A mention ends after its last letter's combining marks (NFD "Traore\u0301"), which fold to nothing: at
      // the next unit's code point, or the text's end.
      end: Math.max((origin[candidate.to - 1] as number) + 1, origin[candidate.to] ?? length),
    });
  }
  return mentions;
}

/**
 * Finds every mention of the actors' names and aliases in `text`, ignoring accents and case, on word
 * boundaries (a letter or digit on either side, of any script, makes it part of a longer word). Where names
 * overlap, across all the actors given, the leftmost wins and among those starting together the longest:
 * "Fédération de Russie" holds no mention of "Russie", "Radio France Internationale" none of "France" once it is
 * a known name.
 */
export function findMentions(text: string, actors: readonly NamedActor[]): Mention[] {
  return matchFolded(
    foldForMatching(text),
    actors.map((actor) => ({ id: actor.id, names: foldedNames(actor) })),
  );
}

/** The runs of letters and digits of a folded string: the words a name's match must find whole in a text. */
const wordsOfFolded = (folded: string) => folded.match(wordRun) ?? [];

/**
 * The word each of an actor's names is looked up by (its mention keys, stored on the actor and indexed): one
 * word of each folded name, chosen from the name alone so that it never changes when other actors are written; a
 * word with a digit first ("12345" of "Person 12345"), then the longest, then the last in code unit order, since
 * those are the rarest among names as a rule. Any word of a name would do for correctness: a name written in a
 * text has every word in the text, so the text's words find the actor through any one of them. Names without a
 * letter or digit have no key (the grammar refuses them).
 */
export function mentionKeys(names: readonly string[]): string[] {
  const digit = /\p{N}/u;
  const rarer = (a: string, b: string) =>
    digit.test(a) !== digit.test(b) ? digit.test(a) : a.length !== b.length ? a.length > b.length : a > b;
  const keys = new Set<string>();
  for (const name of names) {
    const key = wordsOfFolded(foldName(name)).reduce<string | undefined>(
      (best, word) => (best === undefined || rarer(word, best) ? word : best),
      undefined,
    );
    if (key !== undefined) keys.add(key);
  }
  return [...keys];
}

/** The distinct words of a text as matching sees them (folded runs of letters and digits): the keys to look up. */
export function textWords(text: string): string[] {
  return [...new Set(wordsOfFolded(foldForMatching(text).folded))];
}

/**
 * A finder of mentions over many actors, for many texts: `find(text)` answers exactly what
 * findMentions(text, actors) answers, but tries only the names whose every word (run of letters and digits,
 * folded) is a word of the text: a match on word boundaries holds each word of the name whole, so no other name
 * can match. Each name is filed under its rarest word among all the names ("12345" of "Person 12345", not
 * "person"), so that a text brings up few names to check; with 200,000 actors this spares trying 400,000 names
 * on every text.
 */
export function mentionFinder(actors: readonly NamedActor[]): { find(text: string): Mention[] } {
  const names = actors.flatMap((actor, index) =>
    foldedNames(actor).map((name) => ({ index, name, words: [...new Set(wordsOfFolded(name))] })),
  );
  const frequency = new Map<string, number>();
  for (const { words } of names)
    for (const word of words) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  /** The names filed under each word; names without a word are tried on every text. */
  const byWord = new Map<string, typeof names>();
  const anywhere: typeof names = [];
  for (const entry of names) {
    let rarest: string | undefined;
    for (const word of entry.words) {
      if (rarest === undefined || (frequency.get(word) ?? 0) < (frequency.get(rarest) ?? 0)) rarest = word;
    }
    if (rarest === undefined) anywhere.push(entry);
    else {
      const list = byWord.get(rarest);
      if (list) list.push(entry);
      else byWord.set(rarest, [entry]);
    }
  }
  return {
    find(text: string): Mention[] {
      const folded = foldForMatching(text);
      const words = wordStarts(folded.folded);
      const chosen = new Map<number, string[]>();
      const choose = (entry: (typeof names)[number]) => {
        if (!entry.words.every((word) => words.has(word))) return;
        const list = chosen.get(entry.index);
        if (list) list.push(entry.name);
        else chosen.set(entry.index, [entry.name]);
      };
      for (const entry of anywhere) choose(entry);
      for (const word of words.keys()) for (const entry of byWord.get(word) ?? []) choose(entry);
      // In the actors' order, each actor's names in their own: as findMentions is given them.
      const candidates = [...chosen]
        .sort(([a], [b]) => a - b)
        .map(([index, list]) => ({ id: (actors[index] as NamedActor).id, names: list }));
      return matchFolded(folded, candidates, words);
    },
  };
}
