import neo4j from "neo4j-driver";

/**
 * The properties of each node label and relationship type that analysts' bulk writes create, besides `id` and
 * `origin`, with the Cypher type the driver gives the JavaScript value a row holds (schema/MODEL.md; the rows
 * come from src/seed/rows.ts). One declaration for both ways a bulk load writes: the offline importer's CSV
 * columns (./import-files.ts) and the property maps of the transactional CREATE statements (./writes.ts).
 */

/** A property's type: what the driver makes of the JavaScript value the transactional write sends. */
export type ColumnType = "string" | "string[]" | "double" | "boolean" | "date";

/** A JavaScript number travels over Bolt as a float, so transactional writes store offsets as FLOAT. */
export const typeOf = (value: unknown): ColumnType | undefined => {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "double";
  if (typeof value === "boolean") return "boolean";
  if (neo4j.isDate(value as object)) return "date";
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return "string[]";
  return undefined;
};

export const propertyColumns = {
  Actor: {
    name: "string",
    kind: "string",
    aliases: "string[]",
    description: "string",
    foldedNames: "string[]",
    searchNames: "string[]",
    mentionKeys: "string[]",
  },
  Source: {
    file: "string",
    title: "string",
    publisher: "string",
    author: "string",
    language: "string",
    text: "string",
    length: "double",
    published: "string",
    publishedPrecision: "string",
    publishedDate: "date",
    url: "string",
    retrievedOn: "string",
    searchText: "string",
  },
  Citation: {
    relationId: "string",
    sourceId: "string",
    speakerId: "string",
    quote: "string",
    searchText: "string",
    start: "double",
    end: "double",
    stance: "string",
  },
  RELATION: {
    type: "string",
    role: "string",
    note: "string",
    contested: "boolean",
    at: "string",
    atPrecision: "string",
    atDate: "date",
    atEndDate: "date",
    start: "string",
    startPrecision: "string",
    startDate: "date",
    end: "string",
    endPrecision: "string",
    endDate: "date",
    addresses: "string[]",
    placeNames: "string[]",
    placeActorIds: "string[]",
  },
} as const satisfies Record<string, Record<string, ColumnType>>;

export type PropertyTable = keyof typeof propertyColumns;

/**
 * Throws unless every property of `props` has a column of `table` (null and undefined aside): a property
 * without one is a bug in src/seed/rows.ts or here, and must fail loudly rather than be dropped by a write.
 */
export function assertKnownProperties(
  table: PropertyTable,
  id: string,
  props: Record<string, unknown>,
): void {
  const known: Record<string, ColumnType> = propertyColumns[table];
  for (const [property, value] of Object.entries(props)) {
    if (value === null || value === undefined) continue;
    const wanted = known[property];
    if (wanted === undefined) throw new Error(`${table} property "${property}" of ${id} has no column`);
    if (typeOf(value) !== wanted && !(wanted === "string[]" && Array.isArray(value) && value.length === 0)) {
      throw new Error(`${table} property "${property}" of ${id} is not a ${wanted}`);
    }
  }
}

/**
 * The Cypher map literal of a table's properties read from `row.props` (`{relationId: row.props.relationId, …}`),
 * for `CREATE (c:Citation {…})`: a null or missing property is left out, as `SET c = row.props` leaves it out,
 * but without the Eager operators that a map SET makes the planner add (docs/decisions/013-bulk-import.md).
 */
export function propertyMapCypher(table: PropertyTable, row = "row"): string {
  return Object.keys(propertyColumns[table])
    .map((property) => `${property}: ${row}.props.${property}`)
    .join(", ");
}
