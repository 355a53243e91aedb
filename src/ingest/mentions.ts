import type { ManagedTransaction } from "neo4j-driver";
import {
  actorCount,
  actorsNamedWith,
  rewriteMentions,
  type StoredActor,
  sourcesFoundByIndex,
} from "../db/mentions.js";
import { allActorNames } from "../db/writes.js";
import { luceneEscape, textsNamingQuery } from "../domain/analysis.js";
import { limitExceeded } from "../domain/errors.js";
import { show } from "../domain/grammar.js";
import { type Mention, mentionFinder, type NamedActor, textWords } from "../domain/mentions.js";
import { foldName } from "../domain/text.js";
import { mentionRows } from "../seed/rows.js";

/**
 * Keeping mentions true when actors' names change (docs/decisions/028-mentions.md). A write that adds, renames,
 * gives or takes away a name, or merges actors, recomputes, in its own transaction, the mentions of the stored
 * texts where those names may be written: the source index finds them (a phrase query of each name's analysed
 * words), so no write reads every text. Each text found is recomputed whole, against every actor that has a name
 * in it, and the mention rows that differ from those stored are written or removed: the result is what
 * recomputing every text from scratch gives.
 */

/**
 * What one write may recompute: at most `maxTexts` texts holding at most `maxCodePoints` code points in all (a
 * write holds the graph's write lock and must end within QUERY_TIMEOUT_MS); they are read by pages of bounded
 * size (src/db/mentions.ts rewriteMentions).
 */
export const mentionRecountBounds = {
  maxTexts: 2_000,
  maxCodePoints: 20_000_000,
  /** Names per index query: each is one clause of Lucene's boolean query (1,024 at most). */
  namesPerQuery: 500,
  /** Words per query of the actors' mention keys, for the same reason. */
  wordsPerQuery: 500,
  /** Most actors read to find the mentions of one page of texts (all 200,000 of the L graph fit). */
  maxActors: 250_000,
  /**
   * Most distinct words of a page of texts looked up by key: past them, or past one word for `actorsPerWord`
   * actors of the graph (and `minKeyedWords`), every actor is read instead, once per recount, which then costs
   * less (at L, 45,195 words found 30,594 actors in 7.8 s, 0.17 ms a word; all 200,000 were read in 5.4 s,
   * 0.027 ms an actor).
   */
  maxKeyedWords: 10_000,
  minKeyedWords: 500,
  actorsPerWord: 6,
} as const;

/** What a recount did: how many stored texts it read (those the index found for the names). */
export interface MentionRecount {
  textsRead: number;
}

/** A finder of mentions, with the number of stored actors it was built over. */
type Finder = { find(text: string): Mention[]; actorsRead: number };

/** Where the actors are read: a transaction, or the database's reads outside one (intake). */
type Reader = Pick<ManagedTransaction, "run">;

/**
 * The stored actors that have a mention key among the words of `texts` (decision 028): every actor that can be
 * mentioned in them, and a few more. Null when the words are too many for keys to pay: past `maxKeyedWords`, or
 * past one word for `actorsPerWord` actors of the graph (and `minKeyedWords`); read every actor then
 * (`everyActor`), a superset with the same mentions.
 * @throws LIMIT_EXCEEDED when the words find more than `mentionRecountBounds.maxActors` actors.
 */
export async function actorsKeyedIn(tx: Reader, texts: readonly string[]): Promise<StoredActor[] | null> {
  const { wordsPerQuery, maxActors, maxKeyedWords, minKeyedWords, actorsPerWord } = mentionRecountBounds;
  const words = [...new Set(texts.flatMap(textWords))];
  if (
    words.length > minKeyedWords &&
    words.length > Math.min(maxKeyedWords, Math.max(minKeyedWords, (await actorCount(tx)) / actorsPerWord))
  )
    return null;
  const actors = new Map<string, StoredActor>();
  for (let first = 0; first < words.length; first += wordsPerQuery) {
    const lucene = words
      .slice(first, first + wordsPerQuery)
      .map(luceneEscape)
      .join(" ");
    for (const actor of await actorsNamedWith(tx, lucene, maxActors + 1)) actors.set(actor.id, actor);
    refuseTooMany(actors.size, texts.length);
  }
  return [...actors.values()];
}

/**
 * Every stored actor with its names and kind, at most `mentionRecountBounds.maxActors`.
 * @throws LIMIT_EXCEEDED when the graph holds more (`texts`: how many texts they were read for, for the message).
 */
export async function everyActor(tx: Reader, texts: number): Promise<StoredActor[]> {
  const all = await allActorNames(tx, mentionRecountBounds.maxActors + 1);
  refuseTooMany(all.length, texts);
  return all;
}

function refuseTooMany(actors: number, texts: number) {
  const { maxActors } = mentionRecountBounds;
  if (actors > maxActors) {
    throw limitExceeded(
      `The words of ${texts} texts name more than ${maxActors} actors: one write reads at most ` +
        `${maxActors} actors' names to find the mentions of a page of texts; nothing was written`,
      { texts, maxActors },
    );
  }
}

/**
 * A finder of the mentions of `texts` (src/domain/mentions.ts mentionFinder): over the stored actors that have a
 * mention key among the texts' words (actorsKeyedIn), and `extra` (actors not stored yet), instead of every
 * actor: `find` answers what a finder over every actor answers, for these texts. When the words are too many for
 * keys, every actor is read instead, through `every`, which keeps their finder for the next pages of one recount
 * (given the same `extra` and `leaveOut`). The stored actors of `leaveOut` (keys) are left out: one a merge is
 * about to delete.
 * @throws LIMIT_EXCEEDED when the texts' words find (or the graph holds, when all are read) more than
 * `mentionRecountBounds.maxActors` actors.
 */
export async function finderForTexts(
  tx: ManagedTransaction,
  texts: readonly string[],
  extra: readonly NamedActor[] = [],
  every: { finder?: Promise<Finder> } = {},
  leaveOut: readonly string[] = [],
): Promise<Finder> {
  const finderOf = (read: readonly NamedActor[]) => {
    const actors = new Map(read.map((actor) => [actor.id, actor]));
    for (const key of leaveOut) actors.delete(key);
    for (const actor of extra) actors.set(actor.id, actor);
    return { find: mentionFinder([...actors.values()]).find, actorsRead: read.length };
  };
  if (every.finder) return every.finder;
  const keyed = await actorsKeyedIn(tx, texts);
  if (keyed) return finderOf(keyed);
  every.finder ??= everyActor(tx, texts.length).then(finderOf);
  return every.finder;
}

/** The distinct folded names that one side has and the other lacks: the names whose mentions change. */
export function changedNames(before: readonly string[], after: readonly string[]): string[] {
  const was = new Set(before.map(foldName));
  const is = new Set(after.map(foldName));
  return [...new Set([...[...was].filter((n) => !is.has(n)), ...[...is].filter((n) => !was.has(n))])];
}

/**
 * Recomputes the mentions of every stored text where one of `names` may be written (except the sources of
 * `skip`, whose mentions the caller has just computed, and without the actors of `leaveOut`), inside the caller's
 * transaction, after its writes to the actors: each page of texts against the actors its words may name (finderForTexts), read as they stand then.
 * @throws LIMIT_EXCEEDED when the texts found are more than `mentionRecountBounds` allows (nothing is written).
 */
export async function recountMentions(
  tx: ManagedTransaction,
  names: readonly string[],
  { skip = [], leaveOut = [] }: { skip?: readonly string[]; leaveOut?: readonly string[] } = {},
): Promise<MentionRecount> {
  const { maxTexts, maxCodePoints, namesPerQuery } = mentionRecountBounds;
  const skipped = new Set(skip);
  const found = new Map<string, number>();
  for (let first = 0; first < names.length; first += namesPerQuery) {
    const lucene = textsNamingQuery(names.slice(first, first + namesPerQuery));
    if (lucene === "") continue;
    for (const source of await sourcesFoundByIndex(tx, lucene, maxTexts + skipped.size + 1)) {
      if (!skipped.has(source.key)) found.set(source.key, source.length);
    }
  }
  const total = [...found.values()].reduce((sum, length) => sum + length, 0);
  if (found.size > maxTexts || total > maxCodePoints) {
    throw limitExceeded(
      `The names ${names.slice(0, 3).map(show).join(", ")}${names.length > 3 ? ", ..." : ""} may be written in ` +
        `${found.size > maxTexts ? `more than ${maxTexts}` : found.size} stored texts (${total} code points): one ` +
        `write recomputes the mentions of at most ${maxTexts} texts and ${maxCodePoints} code points; nothing was written`,
      { texts: found.size, codePoints: total, maxTexts, maxCodePoints },
    );
  }
  if (found.size === 0) return { textsRead: 0 };
  const sources = [...found].map(([key, length]) => ({ key, length }));
  const every = {};
  await rewriteMentions(tx, sources, async (page) => {
    const finder = await finderForTexts(
      tx,
      page.map((source) => source.text),
      [],
      every,
      leaveOut,
    );
    return page.map(({ key, text }) => mentionRows(key, finder.find(text)));
  });
  return { textsRead: found.size };
}
