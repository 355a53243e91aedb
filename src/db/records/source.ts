import { byId, type Reading } from "./reader.js";

/** A source: an article whose text the citations quote. */
export interface SourceRecord {
  key: string;
  file: string;
  title: string | null;
  publisher: string | null;
  author: string | null;
  published: string | null;
  publishedPrecision: string | null;
  language: string;
  /** Web address where it was read, normalised (src/domain/source-metadata.ts); null when not stated. */
  url: string | null;
  /** Day it was retrieved, "YYYY-MM-DD"; null when not stated. */
  retrievedOn: string | null;
  /** Length of the text in code points; the text itself is fetched only when asked (sourceTexts). */
  length: number;
}

export type SourceProperty = keyof SourceRecord;

/** How each property of a source is read (see Reading). */
export const sourceReading: Reading<SourceProperty> = {
  key: byId,
  file: null,
  title: null,
  publisher: null,
  author: null,
  published: null,
  publishedPrecision: null,
  language: null,
  url: null,
  retrievedOn: null,
  length: null,
};
