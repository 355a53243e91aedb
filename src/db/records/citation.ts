import { byId, type Reading } from "./reader.js";
import type { SourceRecord } from "./source.js";

/** A citation: a quote of a source (code points `start` to `end` of its text) that states a relation. */
export interface CitationRecord {
  key: string;
  relationKey: string;
  sourceKey: string;
  quote: string;
  start: number;
  end: number;
  speakerKey: string | null;
  stance: string;
  /** Set when an analyst withdrew the citation: it stays readable but no longer counts for its relation. */
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  withdrawalReason: string | null;
  /** Its source, when the query fetched it with the citation. */
  fetchedSource?: SourceRecord;
}

/** A citation's own properties: its source is a part, fetched on request. */
export type CitationProperty = Exclude<keyof CitationRecord, "fetchedSource">;

/** How each property of a citation is read (see Reading). */
export const citationReading: Reading<CitationProperty> = {
  key: byId,
  relationKey: (x) => `${x}.relationId`,
  sourceKey: (x) => `${x}.sourceId`,
  quote: null,
  start: null,
  end: null,
  speakerKey: (x) => `${x}.speakerId`,
  stance: null,
  withdrawnAt: (x) => `toString(${x}.withdrawnAt)`,
  withdrawnBy: null,
  withdrawalReason: null,
};

/**
 * Whether the citation bound to `x` is live (not withdrawn): only live citations state their relation, so
 * every count, flag and list of a relation's evidence (ledger, contested, claims, filters) reads these.
 */
export const liveCitation = (x = "c") => `${x}.withdrawnAt IS NULL`;
