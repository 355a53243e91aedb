import type { Database } from "./database.js";

export interface SourceRecord {
  id: string;
  file: string;
  title: string | null;
  publisher: string | null;
  author: string | null;
  published: string | null;
  publishedPrecision: string | null;
  language: string;
  text: string;
  length: number;
}

const sourceFields = `s { .id, .file, .title, .publisher, .author, .published, .publishedPrecision, .language, .text, .length }`;

/** Every source, in id order. */
export async function listSources(db: Database): Promise<SourceRecord[]> {
  const { records } = await db.read<{ source: SourceRecord }>(
    `MATCH (s:Source) RETURN ${sourceFields} AS source ORDER BY s.id`,
  );
  return records.map((r) => r.get("source"));
}
