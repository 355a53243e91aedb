/**
 * The abusive documents of the issue "Bounded work: every request ends in bounded time and memory", shared by
 * `npm run bench:abuse` (bench/abuse.ts) and the concurrent-clients test of test/fuzz.test.ts. Each must end
 * within the service's bounds: answered, or refused with a coded error, never a crash or an unbounded answer.
 */

export interface AbuseDocument {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

/** A global id, as the API makes them: base64 of "Type:key". */
export const globalId = (type: string, key: string) => Buffer.from(`${type}:${key}`).toString("base64");

/** (a) `levels` nested `relations { to { ... } }` below an actor. */
export function relationChain(actor: string, levels: number): string {
  let selection = "name";
  for (let i = 0; i < levels; i += 1) selection = `relations { to { ${selection} } }`;
  return `{ actor(key: ${JSON.stringify(actor)}) { ${selection} } }`;
}

/** (b) the same with both ends at each level: the selection doubles per level. */
export function relationTree(actor: string, levels: number): string {
  let selection = "name";
  for (let i = 0; i < levels; i += 1) selection = `relations { from { ${selection} } to { ${selection} } }`;
  return `{ actor(key: ${JSON.stringify(actor)}) { ${selection} } }`;
}

/** (c) relations, then `levels` times citations -> source text -> citations -> relation, below an actor. */
export function citationChain(actor: string, levels: number): string {
  let selection = "key";
  for (let i = 0; i < levels; i += 1) {
    selection = `citations { source { text citations { relation { ${selection} } } } }`;
  }
  return `{ actor(key: ${JSON.stringify(actor)}) { relations { ${selection} } } }`;
}

/** (d) nodes(ids:) with `count` global ids of `type` (cycling through `keys`), each relation with its cited texts. */
export function manyNodes(name: string, type: string, keys: readonly string[], count: number): AbuseDocument {
  const ids = Array.from({ length: count }, (_, i) => globalId(type, keys[i % keys.length] ?? "x"));
  return {
    name,
    query:
      "query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Relation { citations { source { text } } } } }",
    variables: { ids },
  };
}

/** Documents the estimate lets through that still do much work: they meet the runtime budget instead. */
export function heavyAllowed(hub: string): AbuseDocument[] {
  return [
    {
      name: "100 actors x 100 relations with ends and citations",
      query:
        "{ actors(first: 100) { edges { node { key relations(limit: 100) { key type from { key } to { key } citations(limit: 5) { quote stance } } } } } }",
    },
    {
      name: "100 sources with their texts and 900 citations each",
      query:
        "{ sources(first: 100) { edges { node { key text citations(limit: 900) { quote start end } } } } }",
    },
    {
      name: `1000 relations of ${hub}, 95 of each neighbour`,
      query: `{ actor(key: ${JSON.stringify(hub)}) { relations(limit: 1000) { to { relations(limit: 95) { key } } } } }`,
    },
  ];
}

/** (a) to (d) of the issue, over `actor` (Mali on the seed) and relation keys of the graph. */
export function abusiveDocuments(actor: string, relationKeys: readonly string[]): AbuseDocument[] {
  return [
    { name: "(a) 5 levels of relations { to }", query: relationChain(actor, 5) },
    { name: "(b) 5 levels of relations { from to }", query: relationTree(actor, 5) },
    { name: "(c) 4-level citation chain", query: citationChain(actor, 4) },
    { name: "(c') 2-level citation chain (within the depth limit)", query: citationChain(actor, 2) },
    // Relation ids make a body over MAX_BODY_BYTES (256 KiB): refused before GraphQL reads it.
    manyNodes("(d) nodes(ids:) with 4500 relation ids", "Relation", relationKeys, 4500),
    // Short ids fit in the body: refused by the 100-id bound of nodes(ids:).
    manyNodes(`(d') nodes(ids:) with 4500 ids "State:${actor}"`, "State", [actor], 4500),
  ];
}

/** What the service answered to one document, as a client sees it. */
export interface Answer {
  status: number;
  ms: number;
  bytes: number;
  /** The first error's code, "-" when answered without error, "(none)" for an error without code. */
  code: string;
  text: string;
}

/** POSTs one document to `base`/graphql and reads the whole answer. */
export async function post(base: string, document: { query: string; variables?: Record<string, unknown> }) {
  const started = performance.now();
  const response = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
    },
    body: JSON.stringify({ query: document.query, variables: document.variables ?? {} }),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let code = "-";
  try {
    const errors = (JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors;
    if (errors?.length) code = errors[0]?.extensions?.code ?? "(none)";
  } catch {
    code = "(not JSON)";
  }
  return { status: response.status, ms, bytes: Buffer.byteLength(text), code, text } satisfies Answer;
}
