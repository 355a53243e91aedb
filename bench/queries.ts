import { actorLuceneQuery, queryWords, textLuceneQuery } from "../src/domain/analysis.js";
import { linkTypes } from "../src/domain/vocabulary.js";

/**
 * The benchmark's query set, each asked two ways: as GraphQL to this service, and as the hand-written Cypher a
 * bare endpoint would run for the same answer (the floor Neo4j itself sets).
 */
export interface BenchQuery {
  name: string;
  graphql: (p: BenchParams) => string;
  cypher: string[];
  /** The same question to @neo4j/graphql, or why it cannot be asked there. */
  peer: ((p: BenchParams) => string) | { unsupported: string };
}

/**
 * Keys picked from the synthetic graph of `relations` relations: a hub state, an ordinary person and another
 * for paths (the actors are numbered, states first, persons last; see bench/synthetic.ts).
 */
export function paramsFor(relations: number) {
  const actors = Math.max(50, Math.floor(relations / 5));
  const person = Math.floor(actors * 0.8);
  const search = `person ${person}`;
  const quoteSearch = `relation ${Math.floor(relations * 0.37)}`;
  return {
    hub: "syn-actor-0",
    person: `syn-actor-${person}`,
    other: `syn-actor-${Math.floor(actors * 0.9)}`,
    search,
    // The Lucene queries the service sends for these texts (src/domain/analysis.ts): the floor sends the same.
    lucene: actorLuceneQuery(queryWords(search)),
    quoteSearch,
    // Neither word is a French stop word, so the stop word list (read from Neo4j by the service) changes nothing.
    quoteLucene: textLuceneQuery(queryWords(quoteSearch), new Set()),
    // @neo4j/graphql's phrase for the same search over the same index.
    peerPhrase: `person* AND ${person}*`,
    // The relation types paths follow by default (seed/vocabulary.yaml): the floor follows the same.
    linkTypes,
  };
}
export type BenchParams = ReturnType<typeof paramsFor>;

/**
 * The targets that `npm run bench` and `npm run bench:table` print beside the figures: service / floor p50 at
 * most `p50Ratio` on every query (aim `p50RatioAim`), service throughput at least the peer's, service RSS after
 * the run at most `rssMb`, and the two-hop neighbourhood's p50 at L at most `twoHopGrowth` times that at S.
 */
export const targets = { p50Ratio: 1.5, p50RatioAim: 1.2, rssMb: 300, twoHopGrowth: 2 };

const relationFields =
  "r { key: r.id, .type, from: startNode(r).id, to: endNode(r).id, .at, .start, .end, .contested }";

export const benchQueries: BenchQuery[] = [
  {
    name: "actor by id",
    peer: (p) => `{ actors(where: { id: { eq: "${p.person}" } }) { id name kind aliases } }`,
    graphql: (p) => `{ actor(key: "${p.person}") { key name kind aliases } }`,
    cypher: ["MATCH (a:Actor {id: $person}) RETURN a { key: a.id, .name, .kind, .aliases } AS actor"],
  },
  {
    name: "search",
    peer: (p) =>
      `{ searchActors(phrase: "${p.peerPhrase}", first: 10) { totalCount edges { node { id name } } } }`,
    graphql: (p) =>
      `{ searchActors(query: "${p.search}", first: 10) { totalCount edges { score match matchedName node { key name } } } }`,
    // The floor ranks by Lucene's score alone; the service ranks by match tier (exact, prefix, typos) and fit.
    cypher: [
      `CALL db.index.fulltext.queryNodes('actor_search', $lucene) YIELD node AS a, score
       WITH a, score ORDER BY score DESC, a.id WITH collect(a { key: a.id, .name }) AS matched
       RETURN size(matched) AS total, matched[0..10] AS page`,
    ],
  },
  {
    name: "quote search",
    peer: {
      unsupported: "@neo4j/graphql has no text analysis or highlights: it would search the raw quotes",
    },
    graphql: (p) =>
      `{ searchQuotes(query: "${p.quoteSearch}", first: 10) { totalCount edges { score highlights { start end } node { key quote } } } }`,
    cypher: [
      `CALL db.index.fulltext.queryNodes('citation_search', $quoteLucene) YIELD node AS c, score
       WITH c, score ORDER BY score DESC, c.id WITH collect(c { key: c.id, .quote, .start }) AS matched
       RETURN size(matched) AS total, matched[0..10] AS page`,
    ],
  },
  {
    name: "one hop with citations",
    peer: { unsupported: "citations link to relations by a property, which @neo4j/graphql cannot follow" },
    graphql: (p) =>
      `{ actor(key: "${p.person}") { relations { key type from { key } to { key } citations { quote start end stance } } } }`,
    cypher: [
      `MATCH (a:Actor {id: $person})-[r:RELATION]-(b:Actor)
       CALL (r) { MATCH (c:Citation {relationId: r.id}) RETURN collect(c { .quote, .start, .end, .stance }) AS citations }
       RETURN ${relationFields}, citations`,
    ],
  },
  {
    name: "two-hop neighbourhood",
    peer: (p) =>
      `{ actors(where: { id: { eq: "${p.person}" } }) { id name outgoing { id name outgoing { id name } incoming { id name } } incoming { id name outgoing { id name } incoming { id name } } } }`,
    graphql: (p) =>
      `{ neighbourhood(actor: "${p.person}", depth: 2, limit: 5000) { nodes { key name } edges { key type } } }`,
    cypher: [
      `MATCH (a:Actor {id: $person})-[r1:RELATION]-(b:Actor)
       OPTIONAL MATCH (b)-[r2:RELATION]-(c:Actor)
       WITH collect(DISTINCT a) + collect(DISTINCT b) + collect(DISTINCT c) AS nodes,
            collect(DISTINCT r1) + collect(DISTINCT r2) AS edges
       RETURN [n IN nodes | n { key: n.id, .name }] AS nodes, [r IN edges | r { key: r.id, .type }] AS edges`,
    ],
  },
  {
    name: "shortest path",
    peer: { unsupported: "@neo4j/graphql has no path queries" },
    graphql: (p) =>
      `{ paths(from: "${p.person}", to: "${p.other}", maxHops: 4) { paths { length steps { relation { key type } } } } }`,
    cypher: [
      `MATCH p = SHORTEST 1 (a:Actor {id: $person}) (()-[r:RELATION WHERE r.type IN $linkTypes]-()){1,4} (b:Actor {id: $other})
       RETURN [r IN relationships(p) | r { key: r.id, .type }] AS steps`,
    ],
  },
  {
    name: "relation page",
    peer: (p) =>
      `{ actors(where: { id: { eq: "${p.hub}" } }) { outgoingConnection(first: 20, sort: [{ edge: { at: ASC } }, { edge: { start: ASC } }, { edge: { id: ASC } }]) { totalCount edges { properties { id type } node { id } } } } }`,
    // The hub's first 20 outgoing relations in time order. The peer cannot sort by "the date, else the start"
    // (coalesce), so it sorts by both in turn, then by key: the same work, one sort of all the hub's relations.
    // Unsorted, its page would be the first 20 relations the store happens to hold, a different question.
    graphql: (p) =>
      `{ relations(first: 20, filter: { actor: "${p.hub}", direction: OUTGOING }) { totalCount edges { node { key type from { key } to { key } } } } }`,
    cypher: [
      `MATCH (a:Actor {id: $hub})-[r:RELATION]->(b:Actor)
       WITH r ORDER BY coalesce(r.atDate, r.startDate), r.id
       WITH collect(${relationFields}) AS matched
       RETURN size(matched) AS total, matched[0..20] AS page`,
    ],
  },
  {
    name: "deep nested",
    peer: { unsupported: "the citations at its last level cannot be reached (see one hop with citations)" },
    // Every list is bounded (src/graphql/bounds.ts): the limits are explicit, and the floor applies the same.
    graphql: () =>
      `{ actors(first: 5, kinds: [PERSON]) { edges { node { key relations(limit: 20) { key to { key relations(limit: 20) { key citations(limit: 5) { quote source { key } } } } } } } } }`,
    cypher: [
      `MATCH (a:Actor {kind: 'PERSON'}) WITH a ORDER BY a.id LIMIT 5
       CALL (a) {
         OPTIONAL MATCH (a)-[r1:RELATION]-(b:Actor)
         WITH r1, b ORDER BY coalesce(r1.atDate, r1.startDate), r1.id LIMIT 20
         CALL (b) {
           OPTIONAL MATCH (b)-[r2:RELATION]-(:Actor)
           WITH r2 ORDER BY coalesce(r2.atDate, r2.startDate), r2.id LIMIT 20
           CALL (r2) {
             OPTIONAL MATCH (c:Citation {relationId: r2.id})
             WITH c ORDER BY c.id LIMIT 5
             RETURN collect(c { .quote, source: c.sourceId }) AS citations
           }
           RETURN collect({ key: r2.id, citations: citations }) AS next
         }
         RETURN collect({ key: r1.id, other: b.id, next: next }) AS relations
       }
       RETURN a.id AS actor, relations`,
    ],
  },
];
