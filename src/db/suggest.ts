import neo4j, { type Record as Neo4jRecord } from "neo4j-driver";
import { actorLuceneQuery, queryWords } from "../domain/analysis.js";
import { foldName } from "../domain/text.js";

/**
 * What a client meant by a key that names nothing: the "did you mean" of a NOT_FOUND, and the existence checks
 * of keys given as filters. Suggestions are asked only once a key is known to be unknown, so they cost nothing
 * on the normal path. No user text reaches Lucene's syntax: the full-text query is built from the letters and
 * digits of the text alone.
 */

/** Runs one read statement: a Database's `read`, or a write transaction's `run` where the check sits inside one. */
export type Read = (
  cypher: string,
  params: Record<string, unknown>,
) => PromiseLike<{ records: Neo4jRecord[] }>;

/** Most suggestions one error offers. */
export const maxSuggestions = 3;

/** Most words of the text that the full-text query looks for: enough for any key or name. */
const maxWords = 10;

/** The words of `text` as the search indexes hold them (src/domain/analysis.ts). */
const wordsOf = (text: string) => queryWords(text).slice(0, maxWords);

/**
 * Up to three actor keys close to `text`: the actors one of whose names is `text` (accents, case and spacing
 * ignored) first, then the best matches of the name index for any of its words, exactly, as a word prefix or within
 * typing errors (src/domain/analysis.ts typosAllowed), then by key.
 */
export async function suggestActors(read: Read, text: string): Promise<string[]> {
  const words = wordsOf(text);
  if (words.length === 0) return [];
  // Any word may match: a key's words are not all in a name.
  const lucene = actorLuceneQuery(words, false);
  const { records } = await read(
    `CALL () {
       MATCH (a:Actor) WHERE $name IN a.foldedNames RETURN a, 1.0e9 AS score
       UNION
       CALL db.index.fulltext.queryNodes('actor_search', $query, {limit: $limit}) YIELD node AS a, score
       RETURN a, score
     }
     WITH a, max(score) AS score ORDER BY score DESC, a.id LIMIT $limit
     RETURN collect(a.id) AS keys`,
    { name: foldName(text), query: lucene, limit: neo4j.int(maxSuggestions) },
  );
  return records[0]?.get("keys") ?? [];
}

/**
 * Where the word-matching suggestions look: each entry matches one kind of record as `s` and gives its
 * lower-case `haystack` (its key, and its title for a source). A closed set: no caller text reaches Cypher.
 */
const haystacks = {
  source: "MATCH (s:Source) WITH s, toLower(s.id + ' ' + coalesce(s.title, '')) AS haystack",
  relation: "MATCH ()-[s:RELATION]->() WITH s, toLower(s.id) AS haystack",
} as const;

/**
 * Up to three keys of `kind` close to `text`: the records whose haystack holds most of its words, then by key.
 * A relation's suggestions scan the relations, which only a refused request pays for.
 */
async function suggestByWords(read: Read, kind: keyof typeof haystacks, text: string): Promise<string[]> {
  const words = wordsOf(text);
  if (words.length === 0) return [];
  const { records } = await read(
    `${haystacks[kind]}
     WITH s, size([word IN $words WHERE haystack CONTAINS word]) AS hits WHERE hits > 0
     WITH s ORDER BY hits DESC, s.id LIMIT $limit
     RETURN collect(s.id) AS keys`,
    { words, limit: neo4j.int(maxSuggestions) },
  );
  return records[0]?.get("keys") ?? [];
}

/** Up to three source keys close to `text`: the sources whose key or title holds most of its words, then by key. */
export const suggestSources = (read: Read, text: string) => suggestByWords(read, "source", text);

/** Up to three relation keys close to `text`: the relations whose key holds most of its words, then by key. */
export const suggestRelations = (read: Read, text: string) => suggestByWords(read, "relation", text);

/** Which of `actors` are no actor's key and which of `sources` no source's, in one round trip. */
export async function missingKeys(
  read: Read,
  keys: { actors: readonly string[]; sources: readonly string[] },
): Promise<{ actors: string[]; sources: string[] }> {
  const { records } = await read(
    `CALL () { UNWIND $actors AS key OPTIONAL MATCH (a:Actor {id: key}) WITH key WHERE a IS NULL RETURN collect(key) AS actors }
     CALL () { UNWIND $sources AS key OPTIONAL MATCH (s:Source {id: key}) WITH key WHERE s IS NULL RETURN collect(key) AS sources }
     RETURN actors, sources`,
    { actors: keys.actors, sources: keys.sources },
  );
  return { actors: records[0]?.get("actors") ?? [], sources: records[0]?.get("sources") ?? [] };
}

/** Whether `key` is an actor's, a relation's or a source's. */
export async function keyExists(read: Read, key: string): Promise<boolean> {
  const { records } = await read(
    `RETURN EXISTS { MATCH (:Actor {id: $key}) } OR EXISTS { MATCH (:Source {id: $key}) }
       OR EXISTS { MATCH ()-[:RELATION {id: $key}]->() } AS known`,
    { key },
  );
  return records[0]?.get("known") ?? false;
}
