/**
 * How a record is read: as one Cypher list of its values, decoded into the record by a reader built from named
 * columns. A list costs Neo4j and the driver less than a map, whose property names both would build, send and
 * decode with every record: on the S graph's two-hop neighbourhood, the JVM's CPU per query 1.86 → 1.32 ms and
 * the driver's 1.16 → 0.76 ms (docs/decisions/016-projections.md). The list's text and its decoder are made
 * from the same columns, so a value is never read at another field's index (docs/decisions/020-db-modules.md).
 */

/**
 * How each property of a record is read from the node or relationship bound to `x`: null when it is stored
 * under its own name, else the expression that reads it. A kind's table lists its record's properties in their
 * order, and its type makes it name every property of the record, no more.
 */
export type Reading<P extends string> = Record<P, ((x: string) => string) | null>;

/** A key, stored as `id`. */
export const byId = (x: string) => `${x}.id`;
/** A list property, empty when the node or relationship has none. */
export const listOrEmpty = (property: string) => (x: string) => `coalesce(${x}.${property}, [])`;

/** One column of a record's list: the record's field it fills and the Cypher expression of its value. */
export interface Column {
  field: string;
  cypher: string;
}

/**
 * A column whose value is decoded, such as another record read with this one (a relation's end actors, its
 * citations): `decode` makes the field's value, or undefined, which leaves the field out.
 */
export interface Part extends Column {
  decode: (value: unknown) => unknown;
  /** The Cypher parameters its expression uses, if any (such as how many citations a relation's part fetches). */
  params?: Record<string, unknown>;
}

/**
 * How a record is read: `list`, the Cypher expression that returns its columns' values as one list, `decode`,
 * which makes the record of such a list, and `params`, the parameters `list` uses, which the query holding it
 * passes along with its own.
 */
export interface RecordReader<T> {
  list: string;
  decode: (values: unknown[]) => T;
  params: Record<string, unknown>;
}

/** The columns of a kind's `properties`, each read from `x` as its table `reading` says, in that order. */
export const columnsOf = <P extends string>(
  reading: Reading<P>,
  properties: readonly P[],
  x: string,
): Column[] => properties.map((field) => ({ field, cypher: reading[field]?.(x) ?? `${x}.${field}` }));

/**
 * The reader of the records made of `columns`, whose values are taken as they come, then of `parts`, whose
 * values are decoded: its list holds their values in that order, and its decoder gives the value at each index
 * to the field of the column at that index. Both are made here, once per reader, from the same arrays: no
 * caller counts positions. The decoder runs for every record of every read, so it is a plain loop
 * (docs/decisions/016-projections.md).
 */
export function listReader<T>(columns: readonly Column[], parts: readonly Part[] = []): RecordReader<T> {
  const fields = columns.map((column) => column.field);
  const count = fields.length;
  return {
    list: `[${[...columns, ...parts].map((column) => column.cypher).join(", ")}]`,
    params: Object.assign({}, ...parts.map((part) => part.params ?? {})),
    decode: (values) => {
      const record: Record<string, unknown> = {};
      for (let i = 0; i < count; i++) record[fields[i] as string] = values[i];
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as Part;
        const value = part.decode(values[count + i]);
        if (value !== undefined) record[part.field] = value;
      }
      return record as T;
    },
  };
}
