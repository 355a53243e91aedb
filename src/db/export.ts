import type { Database } from "./database.js";
import type { ActorRecord, CitationRecord, RelationRecord } from "./graph.js";

export interface ExportedGraph {
  actors: ActorRecord[];
  relations: (RelationRecord & { citations: CitationRecord[] })[];
}

/** The whole graph as exports carry it: every actor, and every relation in force with its citations. */
export async function exportGraph(db: Database): Promise<ExportedGraph> {
  const actors = await db.read(
    "MATCH (a:Actor) RETURN a { key: a.id, .name, .kind, .aliases, .description } AS actor ORDER BY a.id",
  );
  const relations = await db.read(
    `MATCH (a:Actor)-[r:RELATION]->(b:Actor) WHERE r.retractedAt IS NULL
     CALL (r) {
       MATCH (c:Citation {relationId: r.id})
       WITH c ORDER BY c.id
       RETURN collect(c { key: c.id, relationKey: c.relationId, sourceKey: c.sourceId, .quote, .start, .end,
                          speakerKey: c.speakerId, .stance }) AS citations
     }
     RETURN r { key: r.id, .type, from: a.id, to: b.id, .role, .note, .contested, .at, .atPrecision, .start,
                .startPrecision, .end, .endPrecision, retractedAt: null, retractedBy: null, retractionReason: null,
                citations: citations } AS relation
     ORDER BY r.id`,
  );
  return {
    actors: actors.records.map((r) => r.get("actor")),
    relations: relations.records.map((r) => r.get("relation")),
  };
}
