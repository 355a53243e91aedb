import type { ActorRecord, CitationRecord, RelationRecord, SourceRecord } from "./graph.js";

/**
 * Which properties of each record a read brings back, and the Cypher that brings them (`RecordReader`). Reading
 * a property costs the database, the wire and above all the driver, which decodes every value one by one: a
 * two-hop neighbourhood of 217 relations cost the service 10 ms of CPU to decode as whole records against
 * 2.6 ms for the keys, names and types it was asked for (docs/decisions/016-projections.md). The API
 * therefore reads what the client's document selects (src/graphql/projection.ts); exports, search hits and reads
 * outside a GraphQL request read whole records (`wholeRecords`).
 */

/** A relation's own properties: its two ends' actors and its citations are parts, fetched on request. */
export type RelationProperty = Exclude<keyof RelationRecord, "fromActor" | "toActor" | "citations">;
export type ActorProperty = keyof ActorRecord;
/** A citation's own properties: its source is a part, fetched on request. */
export type CitationProperty = Exclude<keyof CitationRecord, "fetchedSource">;
export type SourceProperty = keyof SourceRecord;

/** The properties read of each kind of record; each list includes its kind's `alwaysRead`. */
export interface Projection {
  actor: readonly ActorProperty[];
  relation: readonly RelationProperty[];
  citation: readonly CitationProperty[];
  source: readonly SourceProperty[];
}

/**
 * How each property is read from a node or relationship expression `x`: null when it is stored under its own
 * name, else the expression that reads it. The order of each table is the order of its records' properties.
 */
type Reading<P extends string> = Record<P, ((x: string) => string) | null>;
const byId = (x: string) => `${x}.id`;
const listOrEmpty = (property: string) => (x: string) => `coalesce(${x}.${property}, [])`;
const actorReading: Reading<ActorProperty> = {
  key: byId,
  name: null,
  kind: null,
  aliases: null,
  description: null,
};
const relationReading: Reading<RelationProperty> = {
  key: byId,
  type: null,
  from: (x) => `startNode(${x}).id`,
  to: (x) => `endNode(${x}).id`,
  role: null,
  note: null,
  contested: null,
  at: null,
  atPrecision: null,
  start: null,
  startPrecision: null,
  end: null,
  endPrecision: null,
  addresses: listOrEmpty("addresses"),
  placeNames: listOrEmpty("placeNames"),
  placeActorIds: listOrEmpty("placeActorIds"),
  retractedAt: (x) => `toString(${x}.retractedAt)`,
  retractedBy: null,
  retractionReason: null,
};
const citationReading: Reading<CitationProperty> = {
  key: byId,
  relationKey: (x) => `${x}.relationId`,
  sourceKey: (x) => `${x}.sourceId`,
  quote: null,
  start: null,
  end: null,
  speakerKey: (x) => `${x}.speakerId`,
  stance: null,
};
const sourceReading: Reading<SourceProperty> = {
  key: byId,
  file: null,
  title: null,
  publisher: null,
  author: null,
  published: null,
  publishedPrecision: null,
  language: null,
  length: null,
};

/** Every property of each kind of record, by kind. */
export const recordProperties = {
  actor: Object.keys(actorReading) as ActorProperty[],
  relation: Object.keys(relationReading) as RelationProperty[],
  citation: Object.keys(citationReading) as CitationProperty[],
  source: Object.keys(sourceReading) as SourceProperty[],
} satisfies Projection;

/**
 * What every read brings back, selected or not: the keys, an actor's kind (which decides its GraphQL type),
 * a relation's type, and what the citation filters of any list read (src/graphql/citation-filter.ts): a
 * citation's speaker, stance and source (a source's date only with `knownOn`). A relation's ends (`from`, `to`)
 * are read when the document selects them or when the read fetches the end actors too (`RelationParts.ends`,
 * which paths and loads by key always do): reading them costs Neo4j the two end nodes of every relation, about
 * a third of a two-hop neighbourhood of keys and names (docs/decisions/016-projections.md).
 */
export const alwaysRead = {
  actor: ["key", "kind"],
  relation: ["key", "type"],
  citation: ["key", "relationKey", "sourceKey", "speakerKey", "stance"],
  source: ["key"],
} satisfies Projection;

/**
 * Whether `projection` reads nothing of a source but its key. Every citation holds its source's key
 * (`sourceKey`), and its source exists (the write path and the invariant checker see to it), so a citation's
 * source is then answered from the citation without reading the source: on the S graph's deep nested query,
 * a fifth of the JVM's CPU went to looking up each citation's source for `source { key }`.
 */
export const readsSourceKeyOnly = (projection: Projection) => projection.source.every((p) => p === "key");

/** Whole records: for exports, writes' answers and every read outside a GraphQL request. */
export const wholeRecords: Projection = recordProperties;

/**
 * How a record is read: `list`, the Cypher expression that returns its properties (in its projection's order,
 * then its parts) as one list, and `decode`, which makes the record of that list. A list costs Neo4j and the
 * driver less than a map, whose property names both would build, send and decode with every record: on the S
 * graph's two-hop neighbourhood, the JVM's CPU per query 1.86 → 1.32 ms and the driver's 1.16 → 0.76 ms.
 */
export interface RecordReader<T> {
  list: string;
  decode: (values: unknown[]) => T;
}

/** The Cypher expressions that read `properties` from `x`, in order. */
const valuesOf = <P extends string>(reading: Reading<P>, properties: readonly P[], x: string) =>
  properties.map((property) => reading[property]?.(x) ?? `${x}.${property}`);

/** The record whose `properties` are the first values of `values`, in order. */
function named<T>(properties: readonly string[], values: readonly unknown[]): T {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < properties.length; i++) record[properties[i] as string] = values[i];
  return record as T;
}

/** A record of one kind's `properties` only, read from `x`. */
const flatReader = <P extends string, T>(
  reading: Reading<P>,
  properties: readonly P[],
  x: string,
): RecordReader<T> => ({
  list: `[${valuesOf(reading, properties, x).join(", ")}]`,
  decode: (values) => named<T>(properties, values),
});

/** How an actor bound to (or given by the expression) `x` is read, e.g. `a` or `startNode(r)`. */
export const actorReader = (projection: Projection, x = "a"): RecordReader<ActorRecord> =>
  flatReader(actorReading, projection.actor, x);
/** How a source bound to `s` is read. */
export const sourceReader = (projection: Projection): RecordReader<SourceRecord> =>
  flatReader(sourceReading, projection.source, "s");

/** How a citation bound to `c` is read; `withSource`, with its source (as `fetchedSource`). */
export function citationReader(projection: Projection, withSource = false): RecordReader<CitationRecord> {
  const properties = projection.citation;
  if (!withSource) return flatReader(citationReading, properties, "c");
  const source = sourceReader(projection);
  return {
    list: `[${[
      ...valuesOf(citationReading, properties, "c"),
      `COLLECT { MATCH (s:Source {id: c.sourceId}) RETURN ${source.list} }[0]`,
    ].join(", ")}]`,
    decode: (values) => {
      const citation = named<CitationRecord>(properties, values);
      const fetched = values[properties.length] as unknown[] | null;
      if (fetched) citation.fetchedSource = source.decode(fetched);
      return citation;
    },
  };
}

/** Most citations fetched with one relation: one more than the API lets a client ask for (src/graphql/bounds.ts). */
export const citationsFetchedPerRelation = 501;

/** What a relation is fetched with: its two ends' actors, its citations (and with each, its source). */
export interface RelationParts {
  ends: boolean;
  citations: boolean;
  citationSources?: boolean;
}

/**
 * How a relation bound to `r` is read, with the parts the client selected: fetching them in the same query saves
 * the round trip their loaders would make, and leaving out the others saves reading and sending them. With the
 * end actors come the ends' keys (`from`, `to`), which tell which actor is which.
 */
export function relationReader(
  projection: Projection,
  parts: RelationParts = { ends: false, citations: false },
): RecordReader<RelationRecord> {
  const properties = parts.ends
    ? recordProperties.relation.filter((p) => p === "from" || p === "to" || projection.relation.includes(p))
    : projection.relation;
  const values = valuesOf(relationReading, properties, "r");
  const from = parts.ends ? actorReader(projection, "startNode(r)") : null;
  const to = parts.ends ? actorReader(projection, "endNode(r)") : null;
  if (from && to) values.push(from.list, to.list);
  const citation = parts.citations
    ? citationReader(projection, parts.citationSources === true && !readsSourceKeyOnly(projection))
    : null;
  if (citation) {
    values.push(
      `COLLECT { MATCH (c:Citation {relationId: r.id}) RETURN ${citation.list} ORDER BY c.id LIMIT ${citationsFetchedPerRelation} }`,
    );
  }
  const at = properties.length;
  return {
    list: `[${values.join(", ")}]`,
    decode: (row) => {
      const relation = named<RelationRecord>(properties, row);
      if (from && to) {
        relation.fromActor = from.decode(row[at] as unknown[]);
        relation.toActor = to.decode(row[at + 1] as unknown[]);
      }
      if (citation) relation.citations = (row[from ? at + 2 : at] as unknown[][]).map(citation.decode);
      return relation;
    },
  };
}
