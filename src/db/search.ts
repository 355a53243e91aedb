import neo4j from "neo4j-driver";
import { indexedTerms, matchTier, nameForm, nameForms } from "../domain/analysis.js";
import { foldedNamesOf } from "../domain/text.js";
import type { Logger } from "../logger.js";
import type { Database } from "./database.js";
import { inListOrder, type Keyed, type KeysetPage, keysetParams } from "./keyset.js";
import { actorReader, citationReader, sourceReader, wholeRecords } from "./projection.js";
import type { ActorRecord } from "./records/actor.js";
import { type CitationRecord, liveCitation } from "./records/citation.js";
import { type MentionRecord, mentionColumns, mentionOf, mentionSpans } from "./records/mention.js";
import type { RecordReader } from "./records/reader.js";
import type { SourceRecord } from "./records/source.js";

/**
 * The search queries: full-text indexes of Neo4j (schema/constraints.cypher) over the analysed forms that
 * src/domain/analysis.ts writes beside each record (`searchNames` of an actor, `searchText` of a quote and of
 * a source). Lucene finds and scores; the keyset pages follow [score desc, key].
 */

/** The sort key of a search hit: its score, then its key. */
export type SearchKey = [number, string];

/** A hit with its score. */
export interface Scored<T> {
  record: T;
  score: number;
}

/**
 * The Cypher that pages the rows `hit` (the variable of a node) and `score` of a full-text query by keyset on [score desc, key]
 * and counts them; the page's records are read as `list` reads them. Parameters: those of `keysetParams`.
 */
const scoredPage = (backward: boolean, hit: string, list: string) =>
  `WITH collect({ hit: ${hit}, score: score }) AS matched
   CALL (matched) {
     UNWIND matched AS m
     WITH m.hit AS ${hit}, m.score AS score
     WHERE ($after IS NULL OR score < $after[0] OR (score = $after[0] AND ${hit}.id > $after[1]))
       AND ($before IS NULL OR score > $before[0] OR (score = $before[0] AND ${hit}.id < $before[1]))
     WITH ${hit}, score ORDER BY ${backward ? `score, ${hit}.id DESC` : `score DESC, ${hit}.id`} LIMIT $limit
     RETURN collect({ node: { record: ${list}, score: score }, key: [score, ${hit}.id] }) AS page
   }
   RETURN size(matched) AS total, page`;

async function runScored<T>(
  db: Database,
  cypher: string,
  reader: RecordReader<T>,
  params: Record<string, unknown>,
  page: KeysetPage<SearchKey>,
): Promise<{ total: number; hits: Keyed<Scored<T>, SearchKey>[] }> {
  const { records } = await db.read(cypher, { ...params, ...keysetParams(page) });
  const rows: Keyed<Scored<unknown[]>, SearchKey>[] = records[0]?.get("page") ?? [];
  const hits = rows.map(({ node, key }) => ({
    node: { record: reader.decode(node.record), score: node.score },
    key,
  }));
  return { total: records[0]?.get("total") ?? 0, hits: inListOrder(page, hits) };
}

/**
 * The score of an actor hit, from its names and the query alone, so that it never changes while the index
 * changes around it (a keyset cursor holds it): its match tier (3 an exact name or alias, 2 every word a word
 * prefix of one name, 1 the rest: typing errors, or words found across several names) plus, below 1, how closely
 * its best name fits: the share of the query's words that are whole words of it (for typing errors: found as
 * prefixes in any name), and its shortness in words.
 */
const actorScore = `CASE
    WHEN $phrase IN a.searchNames THEN ${matchTier.EXACT}
    WHEN size(fits) > 0 THEN ${matchTier.PREFIX}
    ELSE ${matchTier.FUZZY} END
  + 0.999 * CASE
    WHEN size(fits) > 0 THEN reduce(best = 0.0, fit IN fits | CASE WHEN fit > best THEN fit ELSE best END)
    ELSE (toFloat(size([word IN $words WHERE any(form IN a.searchNames WHERE (' ' + form) CONTAINS (' ' + word))]))
          / size($words)
          + 1.0 / reduce(shortest = 1000, form IN a.searchNames |
              CASE WHEN size(split(form, ' ')) < shortest THEN size(split(form, ' ')) ELSE shortest END)) / 2
    END`;

/** For each name of `a` whose words the query's words all begin: how closely it fits, in [0, 1]. */
const prefixFits = `[form IN a.searchNames WHERE all(word IN $words WHERE (' ' + form) CONTAINS (' ' + word)) |
    (toFloat(size([word IN $words WHERE (' ' + form + ' ') CONTAINS (' ' + word + ' ')])) / size($words)
     + 1.0 / size(split(form, ' '))) / 2]`;

/**
 * One keyset page of the actors that `lucene` (built by actorLuceneQuery from `words`) finds, optionally of some
 * kinds, ranked by actorScore then key. Lucene chooses the hits; its own score, which depends on the whole
 * index, is not used.
 */
export async function searchActors(
  db: Database,
  words: readonly string[],
  lucene: string,
  kinds: string[] | null,
  page: KeysetPage<SearchKey>,
) {
  const actor = actorReader(wholeRecords);
  return runScored<ActorRecord>(
    db,
    `CALL db.index.fulltext.queryNodes('actor_search', $lucene) YIELD node AS a, score
     WHERE $kinds IS NULL OR a.kind IN $kinds
     WITH a, ${prefixFits} AS fits
     WITH a, ${actorScore} AS score
     ${scoredPage(page.backward, "a", actor.list)}`,
    actor,
    { lucene, words, phrase: words.join(" "), kinds },
    page,
  );
}

/**
 * One keyset page of the records that the full-text index `index` finds for `lucene` (built by
 * textLuceneQuery) and that `where` keeps, by score then key, bound to `variable` and read by `reader`.
 */
function searchText<T>(
  db: Database,
  index: "citation_search" | "source_search",
  variable: string,
  reader: RecordReader<T>,
  lucene: string,
  page: KeysetPage<SearchKey>,
  where = "true",
) {
  return runScored<T>(
    db,
    `CALL db.index.fulltext.queryNodes('${index}', $lucene) YIELD node AS ${variable}, score
     WHERE ${where}
     ${scoredPage(page.backward, variable, reader.list)}`,
    reader,
    { lucene },
    page,
  );
}

/** One keyset page of the live citations whose quotes `lucene` finds, by score then key. */
export const searchCitations = (db: Database, lucene: string, page: KeysetPage<SearchKey>) =>
  searchText<CitationRecord>(
    db,
    "citation_search",
    "c",
    citationReader(wholeRecords),
    lucene,
    page,
    liveCitation(),
  );

/** One keyset page of the sources whose texts `lucene` finds, by score then key. */
export const searchSources = (db: Database, lucene: string, page: KeysetPage<SearchKey>) =>
  searchText<SourceRecord>(db, "source_search", "s", sourceReader(wholeRecords), lucene, page);

/**
 * The first `perActor` mentions of each actor, by source key then offset, with their text. `perActor` is the most
 * mentions fetched for each actor: the API's bound plus one, so that a cut list is known (src/graphql/bounds.ts).
 */
export async function mentionsOfActors(
  db: Database,
  actorKeys: readonly string[],
  perActor: number,
): Promise<MentionRecord[]> {
  const { records } = await db.read(
    `UNWIND $keys AS key
     CALL (key) {
       MATCH (s:Source)-[m:MENTIONS]->(:Actor {id: key})
       WITH s, m ORDER BY s.id LIMIT $perActor
       ${mentionSpans("s", "key", "m")}
       RETURN ${mentionColumns("s")} ORDER BY sourceKey, start LIMIT $perActor
     }
     RETURN sourceKey, actorKey, start, end, text`,
    { keys: actorKeys, perActor: neo4j.int(perActor) },
  );
  return records.map(mentionOf);
}

/** The stop words of Lucene's French analyzer as Neo4j ships it, folded; read once per database. */
const stopWordsRead = new WeakMap<object, Promise<Set<string>>>();

/** The French stop words (`le`, `de`, `ete`), folded as queries are; read from the database once per driver. */
export function frenchStopWords(db: Database): Promise<Set<string>> {
  let read = stopWordsRead.get(db.driver);
  if (!read) {
    read = db
      .read(
        `CALL db.index.fulltext.listAvailableAnalyzers() YIELD analyzer, stopwords
         WHERE analyzer = 'french' RETURN stopwords`,
      )
      .then(
        ({ records }) =>
          new Set(((records[0]?.get("stopwords") ?? []) as string[]).map((word) => nameForm(word))),
      );
    read.catch(() => stopWordsRead.delete(db.driver));
    stopWordsRead.set(db.driver, read);
  }
  return read;
}

/**
 * Version of the analysed and folded forms written beside records: a database whose SearchState holds an older
 * one gets them rewritten (refreshSearchFields), so that records written before a change of analysis or folding
 * are found again. 2: ligatures folded in actors' folded names too ("Cœur" and "Coeur" are one name). 3: Unicode
 * compatibility forms folded ("ＭＡＬＩ" is "mali"), default-ignorable code points dropped (soft hyphen,
 * zero-width space), dotless ı as i.
 */
const searchVersion = 3;
const refreshBatch = 2000;

/** How each label's analysed form is computed from the record's own properties. */
const analysed = {
  Actor: {
    read: "[n.name] + coalesce(n.aliases, [])",
    compute: (names: string[]) => ({ searchNames: nameForms(names), foldedNames: foldedNamesOf(names) }),
    write:
      "SET n.searchNames = row.value.searchNames, n.foldedNames = row.value.foldedNames REMOVE n.searchText",
  },
  Citation: { read: "n.quote", compute: indexedTerms, write: "SET n.searchText = row.value" },
  Source: { read: "n.text", compute: indexedTerms, write: "SET n.searchText = row.value" },
} as const;

/**
 * Rewrites the analysed forms of every actor, citation and source when the database's are older than this
 * code's (or absent), in batches by key, then records the version; a no-op (one read) when they are current.
 * Writes made after carry the forms already (src/seed/rows.ts).
 */
export async function refreshSearchFields(db: Database, log: Logger): Promise<void> {
  const { records } = await db.read("MATCH (m:SearchState {id: 'search'}) RETURN m.version AS version");
  if (records[0]?.get("version") === searchVersion) return;
  let rewritten = 0;
  for (const [label, how] of Object.entries(analysed)) {
    let after = "";
    for (;;) {
      const batch = await db.read(
        `MATCH (n:${label}) WHERE n.id > $after RETURN n.id AS id, ${how.read} AS value ORDER BY n.id LIMIT $limit`,
        { after, limit: neo4j.int(refreshBatch) },
      );
      if (batch.records.length === 0) break;
      const rows = batch.records.map((r) => ({
        id: r.get("id") as string,
        value: (how.compute as (value: never) => unknown)(r.get("value") as never),
      }));
      await db.writeTransaction((tx) =>
        tx.run(`UNWIND $rows AS row MATCH (n:${label} {id: row.id}) ${how.write}`, { rows }),
      );
      rewritten += rows.length;
      after = rows.at(-1)?.id as string;
    }
  }
  await markSearchFieldsCurrent(db);
  if (rewritten > 0) log.info({ records: rewritten, version: searchVersion }, "Search fields rewritten");
}

/**
 * Records that every record's analysed forms are this code's: for a database whose records were all written
 * with them (an import of rows from src/seed/rows.ts), so that refreshSearchFields does not rewrite them all.
 */
export async function markSearchFieldsCurrent(db: Database): Promise<void> {
  await db.writeTransaction((tx) =>
    tx.run("MERGE (m:SearchState {id: 'search'}) SET m.version = $version", { version: searchVersion }),
  );
}
