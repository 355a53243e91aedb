import type { Database } from "../../src/db/database.js";

/**
 * Every node and relationship with its labels, type and properties, in a stable order, one per line: two
 * snapshots are equal exactly when the graph is the same. SeedState and Migration are left out when `ignoreSeedState` is
 * set: bookkeeping, not the graph (a reload stamps its time in SeedState; whether a one-time migration's record
 * is there yet depends on which files ran before).
 */
export async function snapshotGraph(
  db: Database,
  options: { ignoreSeedState?: boolean } = {},
): Promise<string> {
  const { records } = await db.read(
    `MATCH (n) WHERE NOT ($ignore AND (n:SeedState OR n:Migration))
     WITH n ORDER BY n.id
     WITH collect({labels: labels(n), props: properties(n)}) AS nodes
     OPTIONAL MATCH (a)-[r]->(b)
     WITH nodes, a, r, b ORDER BY type(r), r.id, a.id, b.id
     RETURN nodes, collect({type: type(r), from: a.id, to: b.id, props: properties(r)}) AS relationships`,
    { ignore: options.ignoreSeedState ?? false },
  );
  const record = records[0];
  // One line per node and per relationship: when two snapshots differ, the test's diff shows just those lines.
  const lines = [...(record?.get("nodes") ?? []), ...(record?.get("relationships") ?? [])] as unknown[];
  return lines.map(canonicalJson).join("\n");
}

/** JSON with every object's keys sorted: Neo4j does not promise the order of a map's keys. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

/**
 * Every property's Cypher type per label and relationship type ("Citation.start: FLOAT NOT NULL"), sorted:
 * the snapshot reads numbers back as JavaScript numbers, so an INTEGER and a FLOAT look the same there.
 */
export async function propertyTypes(db: Database): Promise<string[]> {
  const { records } = await db.read(
    `MATCH (n) UNWIND keys(n) AS key
     RETURN DISTINCT reduce(s = '', l IN labels(n) | s + l) + '.' + key + ': ' + valueType(n[key]) AS line
     ORDER BY line`,
  );
  const { records: relationships } = await db.read(
    `MATCH ()-[r]->() UNWIND keys(r) AS key
     RETURN DISTINCT type(r) + '.' + key + ': ' + valueType(r[key]) AS line ORDER BY line`,
  );
  return [...records, ...relationships].map((r) => r.get("line") as string);
}
