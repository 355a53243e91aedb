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

/**
 * Finds every mention of the actors' names and aliases in `text`, ignoring accents and case, on word
 * boundaries (a letter or digit on either side, of any script, makes it part of a longer word). Where names
 * overlap, across all the actors given, the leftmost wins and among those starting together the longest:
 * "Fédération de Russie" holds no mention of "Russie", "Radio France Internationale" none of "France" once it is
 * a known name.
 */
export function findMentions(text: string, actors: readonly NamedActor[]): Mention[] {
  const { folded, origin, length } = foldForMatching(text);
  const candidates: { actorId: string; from: number; to: number }[] = [];
  for (const actor of actors) {
    const names = new Set([actor.name, ...actor.aliases].map(foldName).filter((name) => name.length > 0));
    for (const name of names) {
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

/** The runs of letters and digits of a folded string: the words a name's match must find whole in a text. */
const wordsOfFolded = (folded: string) => folded.match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * A finder of mentions over many actors, for many texts: `find(text)` answers exactly what
 * findMentions(text, actors) answers, but tries only the actors that have a name whose every word (run of
 * letters and digits, folded) is a word of the text. A match on word boundaries holds each word of the name
 * whole, so no other actor can match; with 200,000 actors this spares trying 400,000 names on every text.
 */
export function mentionFinder(actors: readonly NamedActor[]): { find(text: string): Mention[] } {
  /** Each actor's names as word lists, indexed by a word of each: [actor's index, its names' words]. */
  const byWord = new Map<string, number[]>();
  const namesWords: string[][][] = [];
  const anywhere: number[] = [];
  actors.forEach((actor, index) => {
    const names = [...new Set([actor.name, ...actor.aliases].map(foldName))].map(wordsOfFolded);
    namesWords.push(names);
    if (names.some((words) => words.length === 0)) anywhere.push(index);
    for (const first of new Set(names.flatMap((words) => words.slice(0, 1)))) {
      const list = byWord.get(first);
      if (list) list.push(index);
      else byWord.set(first, [index]);
    }
  });
  return {
    find(text: string): Mention[] {
      const words = new Set(wordsOfFolded(foldForMatching(text).folded));
      const chosen = new Set(anywhere);
      for (const word of words) {
        for (const index of byWord.get(word) ?? []) {
          if (namesWords[index]?.some((name) => name.every((w) => words.has(w)))) chosen.add(index);
        }
      }
      // In the actors' own order: findMentions breaks no tie by it, but the same input gives the same answer.
      const candidates = [...chosen].sort((a, b) => a - b).map((index) => actors[index] as NamedActor);
      return findMentions(text, candidates);
    },
  };
}
