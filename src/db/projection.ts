import neo4j from "neo4j-driver";
import { type ActorProperty, type ActorRecord, actorReading } from "./records/actor.js";
import {
  type CitationProperty,
  type CitationRecord,
  citationReading,
  liveCitation,
} from "./records/citation.js";
import { columnsOf, listReader, type Part, type RecordReader } from "./records/reader.js";
import { type RelationProperty, type RelationRecord, relationReading } from "./records/relation.js";
import { type SourceProperty, type SourceRecord, sourceReading } from "./records/source.js";

/**
 * Which properties of each record a read brings back, and the readers that bring them (`RecordReader`). Reading
 * a property costs the database, the wire and above all the driver, which decodes every value one by one: a
 * two-hop neighbourhood of 217 relations cost the service 10 ms of CPU to decode as whole records against
 * 2.6 ms for the keys, names and types it was asked for (docs/decisions/016-projections.md). The API
 * therefore reads what the client's document selects (src/graphql/projection.ts); exports, search hits and reads
 * outside a GraphQL request read whole records (`wholeRecords`). Each kind's record and the table of how its
 * properties are read live in src/db/records/; this module puts a projection's properties and parts together.
 */

/** The properties read of each kind of record; each list includes its kind's `alwaysRead`. */
export interface Projection {
  actor: readonly ActorProperty[];
  relation: readonly RelationProperty[];
  citation: readonly CitationProperty[];
  source: readonly SourceProperty[];
}

/** Every property of each kind of record, by kind, in its table's order. */
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

/** A part that is one record, read by `reader` with `cypher`; null leaves the part out. */
const recordPart = <T>(field: string, cypher: string, reader: RecordReader<T>): Part => ({
  field,
  cypher,
  decode: (values) => (values ? reader.decode(values as unknown[]) : undefined),
  params: reader.params,
});

/** How an actor bound to (or given by the expression) `x` is read, e.g. `a` or `startNode(r)`. */
export const actorReader = (projection: Projection, x = "a"): RecordReader<ActorRecord> =>
  listReader(columnsOf(actorReading, projection.actor, x));

/** How a source bound to `s` is read. */
export const sourceReader = (projection: Projection): RecordReader<SourceRecord> =>
  listReader(columnsOf(sourceReading, projection.source, "s"));

/** How a citation bound to `c` is read; `withSource`, with its source (as `fetchedSource`). */
export function citationReader(projection: Projection, withSource = false): RecordReader<CitationRecord> {
  const columns = columnsOf(citationReading, projection.citation, "c");
  if (!withSource) return listReader(columns);
  const source = sourceReader(projection);
  return listReader(columns, [
    recordPart(
      "fetchedSource",
      `COLLECT { MATCH (s:Source {id: c.sourceId}) RETURN ${source.list} }[0]`,
      source,
    ),
  ]);
}

/**
 * What a relation is fetched with: its two ends' actors; its citations, in key order, at most `citations` of them
 * (the API's bound plus one, so that a cut list is known: src/graphql/bounds.ts), or `"all"` of them (an export is
 * the whole record), none when absent; and with each citation, its source.
 */
export interface RelationParts {
  ends: boolean;
  citations?: number | "all";
  citationSources?: boolean;
}

/**
 * How a relation bound to `r` is read, with the parts the client selected: fetching them in the same query saves
 * the round trip their loaders would make, and leaving out the others saves reading and sending them. With the
 * end actors come the ends' keys (`from`, `to`), which tell which actor is which.
 */
export function relationReader(
  projection: Projection,
  parts: RelationParts = { ends: false },
): RecordReader<RelationRecord> {
  const properties = parts.ends
    ? recordProperties.relation.filter((p) => p === "from" || p === "to" || projection.relation.includes(p))
    : projection.relation;
  const fetched: Part[] = [];
  if (parts.ends) {
    const from = actorReader(projection, "startNode(r)");
    const to = actorReader(projection, "endNode(r)");
    fetched.push(recordPart("fromActor", from.list, from), recordPart("toActor", to.list, to));
  }
  if (parts.citations !== undefined) {
    const citation = citationReader(
      projection,
      parts.citationSources === true && !readsSourceKeyOnly(projection),
    );
    const all = parts.citations === "all";
    fetched.push({
      field: "citations",
      cypher: `COLLECT { MATCH (c:Citation {relationId: r.id}) WHERE ${liveCitation()} RETURN ${citation.list} ORDER BY c.id${all ? "" : " LIMIT $citationsPerRelation"} }`,
      decode: (rows) => (rows as unknown[][]).map(citation.decode),
      params: all
        ? citation.params
        : { ...citation.params, citationsPerRelation: neo4j.int(parts.citations) },
    });
  }
  return listReader(columnsOf(relationReading, properties, "r"), fetched);
}
