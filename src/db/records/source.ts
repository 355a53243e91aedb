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
  length: null,
};
