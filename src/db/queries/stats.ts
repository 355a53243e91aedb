import type { Database } from "../database.js";

/** How many actors there are of each kind, and relations (not retracted) of each type, each list by key. */
export async function countsByKind(db: Database): Promise<{
  actorsByKind: { key: string; count: number }[];
  relationsByType: { key: string; count: number }[];
}> {
  const { records } = await db.read(
    `CALL () { MATCH (a:Actor) WITH a.kind AS key, count(*) AS count ORDER BY key RETURN collect({key: key, count: count}) AS actorsByKind }
     CALL () { MATCH ()-[r:RELATION]->() WHERE r.retractedAt IS NULL WITH r.type AS key, count(*) AS count ORDER BY key RETURN collect({key: key, count: count}) AS relationsByType }
     RETURN actorsByKind, relationsByType`,
  );
  const record = records[0];
  return {
    actorsByKind: record?.get("actorsByKind") ?? [],
    relationsByType: record?.get("relationsByType") ?? [],
  };
}
