import type { ActorRecord, CitationRecord, RelationRecord, SourceRecord } from "../db/graph.js";
import { builder } from "./builder.js";

/**
 * The refs of the graph's object types, declared once: each type's own file under types/ implements its ref,
 * and any file may name the others here, so the type files never import one another.
 */
export const ActorRef = builder.interfaceRef<ActorRecord>("Actor");
export const RelationRef = builder.objectRef<RelationRecord>("Relation");
export const CitationRef = builder.objectRef<CitationRecord>("Citation");
export const SourceRef = builder.objectRef<SourceRecord>("Source");
