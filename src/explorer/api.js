// @ts-check
// The GraphQL API, as every other client uses it, and the vocabulary the server reads its enums from. What the
// loaders fetch is kept in the store.
import { clearPaths, found, keepActor, keepRelation, state, store } from "./state.js";

/** Most relations loaded by "whole graph" (pages of 100), and by one actor's neighbourhood. */
const wholeGraphMax = 2000;
const neighbourhoodMax = 1000;

/**
 * Runs a GraphQL operation. The answer's shape is the query's; callers state it.
 * @param {string} query
 * @param {Record<string, unknown>} [variables]
 * @param {string} [apiKey] an API key, sent as `Authorization: Bearer` (writes need an editor's)
 * @returns {Promise<any>} the `data` of the answer
 * @throws {Error} with the messages of the answer's errors, each with its code when it has one
 */
export async function graphql(query, variables = {}, apiKey = "") {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json",
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) {
    /** @param {{ message: string, extensions?: { code?: string } }} e */
    const said = (e) => (e.extensions?.code ? `${e.extensions.code}: ${e.message}` : e.message);
    throw new Error(body.errors.map(said).join("; "));
  }
  return body.data;
}

const dateFields = "value precision earliest latest";
export const actorFields = "key name kind description aliases";
const edgeFields = `key type role contested from { key } to { key }
  at { ${dateFields} } start { ${dateFields} } end { ${dateFields} }`;
export const sourceFields = "key title publisher author published { value } file";

/**
 * The vocabulary's kind colours and relation families, into the store.
 * @throws {Error} when the server does not answer it
 */
export async function loadVocabulary() {
  const response = await fetch("/explorer/vocabulary.json");
  if (!response.ok) throw new Error(`the vocabulary did not load (HTTP ${response.status})`);
  /** @type {{ actorKinds: { name: string, colour: string }[], relationFamilies: { name: string, types: string[] }[] }} */
  const vocabulary = await response.json();
  store.colours = new Map(vocabulary.actorKinds.map((k) => [k.name, k.colour]));
  store.families = vocabulary.relationFamilies;
}

/**
 * The graph's actor kinds and relation types, each with its count.
 * @returns {Promise<{ actorsByKind: { key: string, count: number }[], relationsByType: { key: string, count: number }[] }>}
 */
export async function loadStats() {
  const data = await graphql("{ stats { actorsByKind { key count } relationsByType { key count } } }");
  return data.stats;
}

/**
 * Loads an actor's relations (all of them: filters apply when drawing, so their counts can be shown).
 * @param {string} key
 */
export async function loadNeighbourhood(key) {
  /** @type {{ neighbourhood: { nodes: import("./state.js").Actor[], edges: import("./state.js").ApiRelation[] } }} */
  const data = await graphql(
    `query ($actor: String!, $limit: Int) { neighbourhood(actor: $actor, depth: 1, limit: $limit) {
       nodes { ${actorFields} } edges { ${edgeFields} } } }`,
    { actor: key, limit: neighbourhoodMax },
  );
  for (const actor of data.neighbourhood.nodes) keepActor(actor);
  for (const edge of data.neighbourhood.edges) keepRelation(edge);
}

/**
 * Loads every relation with its two ends, page by page, at most `max`.
 * @param {number} [max] most relations loaded
 * @returns {Promise<string>} what was left out: a sentence, or "" when nothing was
 */
export async function loadWholeGraph(max = wholeGraphMax) {
  /** @type {string | null} */
  let after = null;
  for (let loaded = 0; loaded < max; loaded += 100) {
    /** @type {{ relations: { pageInfo: { hasNextPage: boolean, endCursor: string }, edges: { node: import("./state.js").ApiRelation & { from: import("./state.js").Actor, to: import("./state.js").Actor } }[] } }} */
    const data = await graphql(
      `query ($after: String) { relations(first: 100, after: $after) {
         pageInfo { hasNextPage endCursor }
         edges { node { ${edgeFields} from { ${actorFields} } to { ${actorFields} } } } } }`,
      { after },
    );
    for (const { node } of data.relations.edges) {
      keepActor(node.from);
      keepActor(node.to);
      keepRelation(node);
    }
    if (!data.relations.pageInfo.hasNextPage) return "";
    after = data.relations.pageInfo.endCursor;
  }
  return `Only the first ${max} relations were loaded.`;
}

/** Most relations of one source drawn. */
const sourceRelationsMax = 1000;

/**
 * Loads the relations `state.source` supports, with their ends, into the store and `found.cited`.
 * @returns {Promise<string>} the source's title (or key), for the status line
 * @throws {Error} when there is no such source
 */
export async function loadSourceRelations() {
  found.cited.clear();
  if (!state.source) return "";
  /** @type {{ source: { key: string, title: string | null, relations: (import("./state.js").ApiRelation & { from: import("./state.js").Actor, to: import("./state.js").Actor })[] } | null }} */
  const data = await graphql(
    `query ($key: String!, $limit: Int) { source(key: $key) { key title
       relations(limit: $limit) { ${edgeFields} from { ${actorFields} } to { ${actorFields} } } } }`,
    { key: state.source, limit: sourceRelationsMax },
  );
  if (!data.source) throw new Error(`there is no source ${state.source}`);
  for (const relation of data.source.relations) {
    keepActor(relation.from);
    keepActor(relation.to);
    keepRelation(relation);
    found.cited.add(relation.key);
  }
  return data.source.title ?? data.source.key;
}

/** Finds the shortest paths of `state.path` (none when it is null), with their actors and relations. */
export async function findPaths() {
  clearPaths();
  if (!state.path) return;
  /** @type {{ paths: { paths: { steps: import("./state.js").Step[] }[], omitted: import("./state.js").Omission[] } }} */
  const data = await graphql(
    `query ($from: String!, $to: String!) { paths(from: $from, to: $to, maxHops: 6, all: true) {
       paths { length steps { forward from { ${actorFields} } to { ${actorFields} }
         relation { ${edgeFields} citations(limit: 20) { key quote stance speaker { name } source { ${sourceFields} } } } } }
       omitted { reason count } } }`,
    state.path,
  );
  found.paths = data.paths.paths.map((p) => p.steps);
  found.omitted = data.paths.omitted;
  for (const step of found.paths.flat()) {
    keepActor(step.from);
    keepActor(step.to);
    keepRelation(step.relation);
    found.relations.add(step.relation.key);
  }
}

/**
 * The first ten actors a search finds.
 * @param {string} query
 * @returns {Promise<import("./state.js").Actor[]>}
 */
export async function searchActors(query) {
  /** @type {{ searchActors: { edges: { node: import("./state.js").Actor }[] } }} */
  const data = await graphql(
    `query ($q: String!) { searchActors(query: $q, first: 10) { edges { node { ${actorFields} } } } }`,
    { q: query },
  );
  return data.searchActors.edges.map((e) => e.node);
}
