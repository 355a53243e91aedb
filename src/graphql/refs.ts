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

/** A date as precise as the source gives it: its value as written (YYYY, YYYY-MM, YYYY-MM-DD), its precision. */
export interface PartialDate {
  value: string;
  precision: string;
}
/** Implemented in types/relation.ts; citations and changes carry dates too. */
export const PartialDateRef = builder.objectRef<PartialDate>("PartialDate");

/** A stored date and precision as a PartialDate, or null when the sources give none. */
export const partialDate = (value: string | null, precision: string | null): PartialDate | null =>
  value && precision ? { value, precision } : null;
