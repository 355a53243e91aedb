import { firstDay, lastDay } from "../../domain/dates.js";
import { liveCitation } from "../records/citation.js";

/**
 * How the read queries match relations: the pattern of a direction (`pattern`, `arrow`) and the predicate of a
 * filter (`relationPredicate`, with `filterParams`), and the Cypher definitions the filters share with the
 * ledger and the time queries (sources counted, "asserted only by a party", the days a stored date stands for),
 * so that a filter and a figure never define the same thing twice. The only text spliced into a statement is
 * a fixed clause or a direction from a closed set; every value is a parameter.
 */

export type Direction = "OUTGOING" | "INCOMING" | "BOTH";

/** A relationship `relationship` (a variable, a type, a predicate) written in a direction. */
export const arrow = (direction: Direction, relationship: string) =>
  ({ OUTGOING: `-[${relationship}]->`, INCOMING: `<-[${relationship}]-`, BOTH: `-[${relationship}]-` })[
    direction
  ];

/**
 * The relationship pattern of a direction from `from` to `b`, the relation bound to `r`. `from` is a node
 * pattern: `a:Actor` by default, whose label lets the planner seek `a` by its id index, or a bare `a` already
 * bound. The far end carries no label: a relation joins two actors (every write matches both as actors, and
 * the invariant "linked" checks it), and testing the label cost Neo4j a node read per relation, about a tenth
 * of a hub's relation page.
 */
export const pattern = (direction: Direction, from = "a:Actor") =>
  `(${from})${arrow(direction, "r:RELATION")}(b)`;

/**
 * What narrows the relations a traversal follows; every field is optional. Dates are partial ("2021",
 * "2021-05", "2021-05-24"), each standing for the whole period it names.
 */
export interface RelationFilter {
  types?: string[] | null;
  /** Only relations in force at some time in that period (dated ones: undated relations are left out). */
  asOf?: string | null;
  /** Only relations whose time overlaps [first day of from, last day of to]. */
  from?: string | null;
  to?: string | null;
  /** Only relations that a source published by the end of that period states (undated sources: none). */
  knownOn?: string | null;
  source?: string | null;
  speaker?: string | null;
  stances?: string[] | null;
  contested?: boolean | null;
  /** Only relations whose place qualifier is this actor (key). */
  place?: string | null;
  /** Only relations cited from one source only (true), or from two or more (false). */
  singleSource?: boolean | null;
  /** Only relations that only their parties assert (true), or that someone else states too (false). */
  assertedOnlyByAParty?: boolean | null;
}

/**
 * The first and the last day of the period a stored date stands for, as Cypher expressions: `date` is a stored
 * comparable date (the first or the last day of its period) and `precision` its precision (YEAR, MONTH, DAY).
 */
export const firstDayOf = (date: string, precision: string) =>
  `CASE ${precision} WHEN 'YEAR' THEN date.truncate('year', ${date}) WHEN 'MONTH' THEN date.truncate('month', ${date}) ELSE ${date} END`;
export const lastDayOf = (date: string, precision: string) =>
  `CASE ${precision} WHEN 'YEAR' THEN date.truncate('year', ${date}) + duration('P1Y') - duration('P1D')
     WHEN 'MONTH' THEN date.truncate('month', ${date}) + duration('P1M') - duration('P1D') ELSE ${date} END`;
/** The last day a source `s` may have been published on (null when it is undated). */
export const publishedBy = (s: string) => lastDayOf(`${s}.publishedDate`, `${s}.publishedPrecision`);

/** The number of distinct sources that cite the relation bound to `r`. */
export const sourceCount = `size(COLLECT { MATCH (c:Citation {relationId: r.id}) WHERE ${liveCitation()} RETURN DISTINCT c.sourceId })`;

/**
 * Whether a citation `c` of the relation `r` is spoken by a party to it: one of its two ends, or an actor that is
 * part of one (PART_OF) or holds an office in one (OFFICE), as the graph's own relations say.
 */
const spokenByAParty = `(c.speakerId IS NOT NULL AND (c.speakerId IN [startNode(r).id, endNode(r).id] OR EXISTS {
    MATCH (:Actor {id: c.speakerId})-[p:RELATION]->(party:Actor)
    WHERE p.type IN ['PART_OF', 'OFFICE'] AND p.retractedAt IS NULL AND party.id IN [startNode(r).id, endNode(r).id] }))`;

/**
 * Whether the relation `r` is asserted only by a party to it: it has citations that state it (any stance but
 * DENIES) and every one of them is spoken by a party (see spokenByAParty); a source's own voice is no party.
 */
export const assertedOnlyByAParty = `(EXISTS { MATCH (c:Citation {relationId: r.id}) WHERE ${liveCitation()} AND c.stance <> 'DENIES' }
  AND NOT EXISTS { MATCH (c:Citation {relationId: r.id}) WHERE ${liveCitation()} AND c.stance <> 'DENIES' AND NOT ${spokenByAParty} })`;

/**
 * The relation predicate shared by every traversal, on a relationship bound to `r`: the clauses of the filters
 * given, and only those, so that a traversal does not pay (in planning or in reading citations) for filters it
 * does not use. The clauses are fixed texts; the values are the parameters of `filterParams`. A relation's time
 * runs from its `at` or `start` date to its `end` date (open when none); `asOf` keeps those in force at some time
 * in its period, and the date window those whose time overlaps it. Both keep only dated relations, since an
 * undated one cannot be placed in time.
 */
export function relationPredicate(filter: RelationFilter): string {
  return ["r.retractedAt IS NULL", ...filterClauses(filter)].map((clause) => `(${clause})`).join("\n  AND ");
}

/** The clauses of relationPredicate beyond "not retracted": none when no filter is given. */
export function filterClauses(filter: RelationFilter): string[] {
  const citationFilters = [
    filter.source != null ? "c.sourceId = $source" : null,
    filter.speaker != null ? "c.speakerId = $speaker" : null,
    filter.stances?.length ? "c.stance IN $stances" : null,
    filter.knownOn != null
      ? `EXISTS { MATCH (c)-[:IN_SOURCE]->(s:Source) WHERE ${publishedBy("s")} <= $knownOn }`
      : null,
  ].filter((clause) => clause !== null);
  return [
    filter.types?.length ? "r.type IN $types" : null,
    filter.contested != null ? "r.contested = $contested" : null,
    filter.asOf != null
      ? `coalesce(r.atDate, r.startDate) <= $asOfLast AND coalesce(r.endDate, $asOfFirst) >= $asOfFirst`
      : null,
    filter.from != null
      ? `coalesce(r.atDate, r.startDate) IS NOT NULL
         AND coalesce(r.endDate, r.atEndDate, date('9999-12-31')) >= $windowFrom`
      : null,
    filter.to != null ? "coalesce(r.atDate, r.startDate) <= $windowTo" : null,
    filter.place != null ? "$place IN coalesce(r.placeActorIds, [])" : null,
    citationFilters.length > 0
      ? `EXISTS { MATCH (c:Citation {relationId: r.id}) WHERE ${[liveCitation(), ...citationFilters].join(" AND ")} }`
      : null,
    filter.singleSource != null ? `(${sourceCount} = 1) = $singleSource` : null,
    filter.assertedOnlyByAParty != null ? `${assertedOnlyByAParty} = $assertedOnlyByAParty` : null,
  ].filter((clause) => clause !== null);
}

const firstDayOrNull = (value: string | null | undefined) => (value ? firstDay(value) : null);
const lastDayOrNull = (value: string | null | undefined) => (value ? lastDay(value) : null);

/** The parameters of relationPredicate's clauses: the filter's values, its partial dates as first or last days. */
export function filterParams(filter: RelationFilter) {
  return {
    types: filter.types?.length ? filter.types : null,
    contested: filter.contested ?? null,
    asOfFirst: firstDayOrNull(filter.asOf),
    asOfLast: lastDayOrNull(filter.asOf),
    windowFrom: firstDayOrNull(filter.from),
    windowTo: lastDayOrNull(filter.to),
    knownOn: lastDayOrNull(filter.knownOn),
    source: filter.source ?? null,
    speaker: filter.speaker ?? null,
    stances: filter.stances?.length ? filter.stances : null,
    place: filter.place ?? null,
    singleSource: filter.singleSource ?? null,
    assertedOnlyByAParty: filter.assertedOnlyByAParty ?? null,
  };
}
