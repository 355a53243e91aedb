import type { ActorRecord, CitationRecord, RelationRecord, SourceRecord } from "./graph.js";

/**
 * Which properties of each record a read brings back, and the Cypher map projections that bring them. Reading
 * a property costs the database, the wire and above all the driver, which decodes every value one by one: a
 * two-hop neighbourhood of 217 relations cost the service 10 ms of CPU to decode as whole records against
 * 2.6 ms for the keys, names and types it was asked for (docs/decisions/016-projections.md). The API
 * therefore reads what the client's document selects (src/graphql/projection.ts); exports and writes read whole
 * records (`wholeRecords`).
 */

/** A relation's own properties: its two ends' actors and its citations are parts, fetched on request. */
export type RelationProperty = Exclude<keyof RelationRecord, "fromActor" | "toActor" | "citations">;
export type ActorProperty = keyof ActorRecord;
export type CitationProperty = keyof CitationRecord;
export type SourceProperty = keyof SourceRecord;

/** The properties read of each kind of record; each list includes its kind's `alwaysRead`. */
export interface Projection {
  actor: readonly ActorProperty[];
  relation: readonly RelationProperty[];
  citation: readonly CitationProperty[];
  source: readonly SourceProperty[];
}

/** Each property's entry in a map projection, on a node or relationship expression `x`. */
const actorEntries: Record<ActorProperty, (x: string) => string> = {
  key: (x) => `key: ${x}.id`,
  name: (x) => `name: ${x}.name`,
  kind: (x) => `kind: ${x}.kind`,
  aliases: (x) => `aliases: ${x}.aliases`,
  description: (x) => `description: ${x}.description`,
};
const relationEntries: Record<RelationProperty, (x: string) => string> = {
  key: (x) => `key: ${x}.id`,
  type: (x) => `type: ${x}.type`,
  from: (x) => `from: startNode(${x}).id`,
  to: (x) => `to: endNode(${x}).id`,
  role: (x) => `role: ${x}.role`,
  note: (x) => `note: ${x}.note`,
  contested: (x) => `contested: ${x}.contested`,
  at: (x) => `at: ${x}.at`,
  atPrecision: (x) => `atPrecision: ${x}.atPrecision`,
  start: (x) => `start: ${x}.start`,
  startPrecision: (x) => `startPrecision: ${x}.startPrecision`,
  end: (x) => `end: ${x}.end`,
  endPrecision: (x) => `endPrecision: ${x}.endPrecision`,
  addresses: (x) => `addresses: coalesce(${x}.addresses, [])`,
  placeNames: (x) => `placeNames: coalesce(${x}.placeNames, [])`,
  placeActorIds: (x) => `placeActorIds: coalesce(${x}.placeActorIds, [])`,
  retractedAt: (x) => `retractedAt: toString(${x}.retractedAt)`,
  retractedBy: (x) => `retractedBy: ${x}.retractedBy`,
  retractionReason: (x) => `retractionReason: ${x}.retractionReason`,
};
const citationEntries: Record<CitationProperty, (x: string) => string> = {
  key: (x) => `key: ${x}.id`,
  relationKey: (x) => `relationKey: ${x}.relationId`,
  sourceKey: (x) => `sourceKey: ${x}.sourceId`,
  quote: (x) => `quote: ${x}.quote`,
  start: (x) => `start: ${x}.start`,
  end: (x) => `end: ${x}.end`,
  speakerKey: (x) => `speakerKey: ${x}.speakerId`,
  stance: (x) => `stance: ${x}.stance`,
};
const sourceEntries: Record<SourceProperty, (x: string) => string> = {
  key: (x) => `key: ${x}.id`,
  file: (x) => `file: ${x}.file`,
  title: (x) => `title: ${x}.title`,
  publisher: (x) => `publisher: ${x}.publisher`,
  author: (x) => `author: ${x}.author`,
  published: (x) => `published: ${x}.published`,
  publishedPrecision: (x) => `publishedPrecision: ${x}.publishedPrecision`,
  language: (x) => `language: ${x}.language`,
  length: (x) => `length: ${x}.length`,
};

/** Every property of each kind of record, by kind. */
export const recordProperties = {
  actor: Object.keys(actorEntries) as ActorProperty[],
  relation: Object.keys(relationEntries) as RelationProperty[],
  citation: Object.keys(citationEntries) as CitationProperty[],
  source: Object.keys(sourceEntries) as SourceProperty[],
} satisfies Projection;

/**
 * What every read brings back, selected or not: the keys, an actor's kind (which decides its GraphQL type),
 * a relation's type and ends (traversals and relation ends need them), and what the citation filters of any
 * list read (src/graphql/citation-filter.ts): a citation's speaker, stance and source, a source's date.
 */
export const alwaysRead = {
  actor: ["key", "kind"],
  relation: ["key", "type", "from", "to"],
  citation: ["key", "relationKey", "sourceKey", "speakerKey", "stance"],
  source: ["key", "published", "publishedPrecision"],
} satisfies Projection;

/** Whole records: for exports, writes' answers and every read outside a GraphQL request. */
export const wholeRecords: Projection = recordProperties;

const mapOf = <P extends string>(
  entries: Record<P, (x: string) => string>,
  properties: readonly P[],
  x: string,
) => `{ ${properties.map((property) => entries[property](x)).join(", ")} }`;

/** The map projection of an actor bound to (or given by the expression) `x`, e.g. `a` or `startNode(r)`. */
export const actorMap = (projection: Projection, x = "a") => mapOf(actorEntries, projection.actor, x);
/** The map projection of a citation bound to `c`. */
export const citationMap = (projection: Projection) => mapOf(citationEntries, projection.citation, "c");
/** The map projection of a source bound to `s`. */
export const sourceMap = (projection: Projection) => mapOf(sourceEntries, projection.source, "s");

/** Most citations fetched with one relation: one more than the API lets a client ask for (src/graphql/bounds.ts). */
export const citationsFetchedPerRelation = 501;

/** What a relation is fetched with: its two ends' actors, its citations. */
export interface RelationParts {
  ends: boolean;
  citations: boolean;
}

/**
 * The map projection of a relation bound to `r`, with the parts the client selected: fetching them in the same
 * query saves the round trip their loaders would make, and leaving out the others saves reading and sending them.
 */
export function relationMap(
  projection: Projection,
  parts: RelationParts = { ends: false, citations: false },
) {
  const entries = projection.relation.map((property) => relationEntries[property]("r"));
  if (parts.ends) {
    entries.push(
      `fromActor: ${actorMap(projection, "startNode(r)")}`,
      `toActor: ${actorMap(projection, "endNode(r)")}`,
    );
  }
  if (parts.citations) {
    entries.push(
      `citations: COLLECT { MATCH (c:Citation {relationId: r.id}) RETURN c ${citationMap(projection)} ORDER BY c.id LIMIT ${citationsFetchedPerRelation} }`,
    );
  }
  return `{ ${entries.join(", ")} }`;
}
