import neo4j from "neo4j-driver";
import { firstDay, lastDay } from "../../domain/dates.js";
import type { Omission } from "../../domain/omission.js";
import type { Database } from "../database.js";
import { citationReader, relationReader, wholeRecords } from "../projection.js";
import { type CitationRecord, liveCitation } from "../records/citation.js";
import type { RelationRecord } from "../records/relation.js";
import { countOmitted } from "./omitted.js";
import {
  filterParams,
  firstDayOf,
  lastDayOf,
  publishedBy,
  type RelationFilter,
  relationPredicate,
} from "./relation-filter.js";

/** The read queries of time: an actor's timeline, and what changed between two dates. */

/** The earliest publication date (first day) among the dated sources citing the relation `r`, or null. */
const firstReportedDate = `COLLECT { MATCH (c:Citation {relationId: r.id})-[:IN_SOURCE]->(s:Source)
    WHERE ${liveCitation()} AND s.publishedDate IS NOT NULL RETURN s.publishedDate ORDER BY s.publishedDate LIMIT 1 }[0]`;

/** The relations of one actor (`$actor`), or between two (`$other`), bound to `r`: what a timeline looks at. */
const timelineScope = `MATCH (a:Actor {id: $actor})-[r:RELATION]-(b) WHERE ($other IS NULL OR b.id = $other)`;

/**
 * Where a timeline places the relation `r`: its own date (`at`, else `start`, else the first day of its `end`
 * when only its end is known), or, when `$byReportDate` is set and it has none, the date its first dated source
 * was published; null when none of these is known.
 */
const timelinePlace = `coalesce(r.atDate, r.startDate, ${firstDayOf("r.endDate", "r.endPrecision")},
    CASE WHEN $byReportDate THEN ${firstReportedDate} END)`;

/**
 * The first `limit` relations of one actor, or between two, in time order: each placed by its own date (`at`,
 * `start`, or its `end` when only that is known), or, when `byReportDate` is set and it has none, by the date its
 * first dated source was published. Relations with neither are left out (see timelineOmissions). Ties go by key.
 */
export async function timeline(
  db: Database,
  actor: string,
  other: string | null,
  filter: RelationFilter,
  limit: number,
  byReportDate = true,
): Promise<RelationRecord[]> {
  const relation = relationReader(wholeRecords, { ends: true });
  const { records } = await db.read(
    `${timelineScope} AND ${relationPredicate(filter)}
     WITH DISTINCT r
     WITH r, ${timelinePlace} AS placed
     WHERE placed IS NOT NULL
     WITH r, placed ORDER BY placed, r.id LIMIT $limit
     RETURN ${relation.list} AS relation`,
    { actor, other, byReportDate, ...filterParams(filter), limit: neo4j.int(limit) },
  );
  return records.map((r) => relation.decode(r.get("relation")));
}

/**
 * How many relations of the timeline of the same arguments were left out, by reason: retracted, of another type
 * than those asked, or undated (no date of its own, and no dated source or `byReportDate` false).
 */
export function timelineOmissions(
  db: Database,
  actor: string,
  other: string | null,
  filter: RelationFilter,
  byReportDate = true,
): Promise<Omission[]> {
  return countOmitted(
    db,
    timelineScope,
    `${relationPredicate(filter)} AND ${timelinePlace} IS NOT NULL`,
    {
      types: filter.types ?? null,
      linksByDefault: false,
      undated: "coalesce(r.atDate, r.startDate, r.endDate) IS NULL",
    },
    { actor, other, byReportDate, ...filterParams(filter) },
  );
}

/** What a change between two dates is: a relation began (or happened), ended, or was first reported. */
export type ChangeKind = "BEGAN" | "ENDED" | "FIRST_REPORTED";

export interface TimeChangeRecord {
  kind: ChangeKind;
  /** The date it changed on, as written, and its precision. */
  on: string;
  precision: string;
  relation: RelationRecord;
  /** For BEGAN and ENDED, the relation's citations; for FIRST_REPORTED, those of its first dated sources. */
  citations: CitationRecord[];
}

/** The relations of `actors` (the whole graph when null), bound to `r`: what `changes` looks at. */
const changesScope = (actors: string[] | null) =>
  actors === null
    ? "MATCH ()-[r:RELATION]->()"
    : "UNWIND $actors AS actor MATCH (:Actor {id: actor})-[r:RELATION]-()";

/** Whether the relation `r` has no date at all: none of its own and no dated source, so it never changes. */
const neverDated = `coalesce(r.atDate, r.startDate, r.endDate) IS NULL
    AND NOT EXISTS { MATCH (c:Citation {relationId: r.id})-[:IN_SOURCE]->(s:Source) WHERE s.publishedDate IS NOT NULL }`;

/**
 * What changed between the first day of `from` and the last day of `to`, around `actors` if given: relations that
 * began (an event's `at`, a state's `start`), ended (`end`) or were first reported (the publication date of their
 * first dated source) in that window, a date of a month or a year counting when its period overlaps the window.
 * The first `limit`, by date (first day), then kind, then relation key; each with its citations, at most
 * `perRelation` of them by key (the API's bound plus one, so that a cut list is known: src/graphql/bounds.ts).
 */
export async function changesBetween(
  db: Database,
  window: { from: string; to: string },
  actors: string[] | null,
  types: string[] | null,
  limit: number,
  perRelation: number,
): Promise<TimeChangeRecord[]> {
  const overlaps = (first: string, last: string) => `(${first} <= $to AND ${last} >= $from)`;
  const citation = citationReader(wholeRecords);
  const relation = relationReader(wholeRecords, { ends: true });
  const citations = (...conditions: string[]) =>
    `COLLECT { MATCH (c:Citation {relationId: r.id}) WHERE ${[liveCitation(), ...conditions].join(" AND ")}
               RETURN ${citation.list} ORDER BY c.id LIMIT $perRelation }`;
  const { records } = await db.read(
    `CALL () {
       ${changesScope(actors)}
       WITH r WHERE r.retractedAt IS NULL AND ($types IS NULL OR r.type IN $types)
       WITH DISTINCT r
       WITH r, COLLECT { MATCH (c:Citation {relationId: r.id})-[:IN_SOURCE]->(s:Source)
                         WHERE ${liveCitation()} AND s.publishedDate IS NOT NULL RETURN s ORDER BY s.publishedDate LIMIT 1 }[0] AS first
       WITH r, [
         CASE WHEN r.atDate IS NOT NULL AND ${overlaps("r.atDate", "r.atEndDate")}
              THEN { kind: 'BEGAN', on: r.at, precision: r.atPrecision, date: r.atDate } END,
         CASE WHEN r.startDate IS NOT NULL
                   AND ${overlaps("r.startDate", lastDayOf("r.startDate", "r.startPrecision"))}
              THEN { kind: 'BEGAN', on: r.start, precision: r.startPrecision, date: r.startDate } END,
         CASE WHEN r.endDate IS NOT NULL AND ${overlaps(firstDayOf("r.endDate", "r.endPrecision"), "r.endDate")}
              THEN { kind: 'ENDED', on: r.end, precision: r.endPrecision,
                     date: ${firstDayOf("r.endDate", "r.endPrecision")} } END,
         CASE WHEN first IS NOT NULL AND ${overlaps("first.publishedDate", publishedBy("first"))}
              THEN { kind: 'FIRST_REPORTED', on: first.published, precision: first.publishedPrecision,
                     date: first.publishedDate } END
       ] AS found
       UNWIND [change IN found WHERE change IS NOT NULL] AS change
       WITH r, change ORDER BY change.date, change.kind, r.id LIMIT $limit
       RETURN collect({
         kind: change.kind, on: change.on, precision: change.precision,
         relation: ${relation.list},
         citations: CASE change.kind
           WHEN 'FIRST_REPORTED' THEN ${citations(`EXISTS { MATCH (c)-[:IN_SOURCE]->(s:Source) WHERE s.publishedDate = change.date }`)}
           ELSE ${citations()} END
       }) AS changes
     }
     RETURN changes`,
    {
      actors,
      types,
      from: firstDay(window.from),
      to: lastDay(window.to),
      limit: neo4j.int(limit),
      perRelation: neo4j.int(perRelation),
    },
  );
  const changes: (Omit<TimeChangeRecord, "relation" | "citations"> & {
    relation: unknown[];
    citations: unknown[][];
  })[] = records[0]?.get("changes") ?? [];
  return changes.map((change) => ({
    ...change,
    relation: relation.decode(change.relation),
    citations: change.citations.map(citation.decode),
  }));
}

/**
 * How many relations of `actors` (the whole graph when null) `changes` left out whatever its window, by reason:
 * retracted, of another type than `types`, or undated (no date of its own and no dated source).
 */
export function changeOmissions(
  db: Database,
  actors: string[] | null,
  types: string[] | null,
): Promise<Omission[]> {
  return countOmitted(
    db,
    changesScope(actors),
    `r.retractedAt IS NULL AND ($followedTypes IS NULL OR r.type IN $followedTypes) AND NOT (${neverDated})`,
    { types, linksByDefault: false, undated: neverDated },
    { actors },
  );
}
