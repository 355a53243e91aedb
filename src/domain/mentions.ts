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

const isWordChar = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}]/u.test(char);

/**
 * Finds every mention of the actors' names and aliases in `text`, ignoring accents and case, on word
 * boundaries. Where names overlap ("Fédération de Russie" and "Russie") the longest match wins.
 */
export function findMentions(text: string, actors: readonly NamedActor[]): Mention[] {
  const { folded, origin, length } = foldForMatching(text);
  const candidates: { actorId: string; from: number; to: number }[] = [];
  for (const actor of actors) {
    const names = new Set([actor.name, ...actor.aliases].map(foldName).filter((name) => name.length > 0));
    for (const name of names) {
      for (let at = folded.indexOf(name); at !== -1; at = folded.indexOf(name, at + 1)) {
        const to = at + name.length;
        if (isWordChar(folded[at - 1]) || isWordChar(folded[to])) continue;
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
