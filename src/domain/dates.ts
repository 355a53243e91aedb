import neo4j, { type Date as Neo4jDate } from "neo4j-driver";

export type Precision = "YEAR" | "MONTH" | "DAY";

/** The precision a seed date carries in its form: "2021" is a year, "2021-06" a month, "2021-06-01" a day. */
export function precisionOf(value: string): Precision {
  return (["YEAR", "MONTH", "DAY"] as const)[value.split("-").length - 1] ?? "DAY";
}

/** The first day of the period a partial date names. */
export function firstDay(value: string): Neo4jDate<number> {
  const [year, month = 1, day = 1] = value.split("-").map(Number) as [number, number?, number?];
  return new neo4j.types.Date(year, month, day);
}

/** The last day of the period a partial date names ("2021-06" ends on 2021-06-30). */
export function lastDay(value: string): Neo4jDate<number> {
  const parts = value.split("-").map(Number) as [number, number?, number?];
  const [year, month, day] = parts;
  if (day !== undefined && month !== undefined) return new neo4j.types.Date(year, month, day);
  if (month !== undefined)
    return new neo4j.types.Date(year, month, new Date(Date.UTC(year, month, 0)).getUTCDate());
  return new neo4j.types.Date(year, 12, 31);
}

/** Properties for one time qualifier: the value as written, its precision and a comparable date. */
export function dateProperties(name: string, value: string | null, bound: "first" | "last") {
  if (value === null) return {};
  return {
    [name]: value,
    [`${name}Precision`]: precisionOf(value),
    [`${name}Date`]: bound === "first" ? firstDay(value) : lastDay(value),
  };
}
