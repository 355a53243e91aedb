import type { ActorRecord } from "./actor.js";
import type { CitationRecord } from "./citation.js";
import { byId, listOrEmpty, type Reading } from "./reader.js";

/** A relation between two actors (from, to), of a type, with its time and qualifiers. */
export interface RelationRecord {
  key: string;
  type: string;
  from: string;
  to: string;
  role: string | null;
  note: string | null;
  contested: boolean;
  at: string | null;
  atPrecision: string | null;
  start: string | null;
  startPrecision: string | null;
  end: string | null;
  endPrecision: string | null;
  /** Keys of the relations this one answers or is about (a denial: what it denies). */
  addresses: string[];
  /** Where it happens, as its quotes write it, and beside each name the actor it is, or "" when none. */
  placeNames: string[];
  placeActorIds: string[];
  /** The two ends, when the query fetched them with the relation. */
  fromActor?: ActorRecord;
  toActor?: ActorRecord;
  /** Its citations, when the client asked for them and the query fetched them with the relation. */
  citations?: CitationRecord[];
  /** Set when an analyst retracted the relation: traversals no longer follow it. */
  retractedAt: string | null;
  retractedBy: string | null;
  retractionReason: string | null;
}

/** A relation's own properties: its two ends' actors and its citations are parts, fetched on request. */
export type RelationProperty = Exclude<keyof RelationRecord, "fromActor" | "toActor" | "citations">;

/** How each property of a relation is read (see Reading). */
export const relationReading: Reading<RelationProperty> = {
  key: byId,
  type: null,
  from: (x) => `startNode(${x}).id`,
  to: (x) => `endNode(${x}).id`,
  role: null,
  note: null,
  contested: null,
  at: null,
  atPrecision: null,
  start: null,
  startPrecision: null,
  end: null,
  endPrecision: null,
  addresses: listOrEmpty("addresses"),
  placeNames: listOrEmpty("placeNames"),
  placeActorIds: listOrEmpty("placeActorIds"),
  retractedAt: (x) => `toString(${x}.retractedAt)`,
  retractedBy: null,
  retractionReason: null,
};
