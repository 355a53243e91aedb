import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse, YAMLError } from "yaml";
import { DomainError } from "../domain/errors.js";
import type { IntakeText } from "./service.js";

/**
 * Article files for `npm run intake`: a text file, optionally opened by YAML front matter between two `---`
 * lines that states its metadata (title, url, publisher, author, published, language, retrievedOn). The text
 * is what follows the front matter, exactly; metadata given on the command line fills what the file leaves out.
 */

/** The metadata fields a file's front matter (or a flag) may state. */
export const metadataFields = [
  "title",
  "url",
  "publisher",
  "author",
  "published",
  "language",
  "retrievedOn",
] as const;
type Metadata = Partial<Record<(typeof metadataFields)[number], string>>;

const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/;

/** An article file read: the source to take in, and where each metadata field is stated in the file. */
export interface ArticleFile {
  source: IntakeText;
  /** "FILE:LINE" of a front matter field (1-based line), or the file alone for a field it does not state. */
  locate(field: string): string;
}

/**
 * Reads one article file as a source to take in. `defaults` fill the fields its front matter leaves out;
 * language is required (from either).
 * @throws DomainError BAD_USER_INPUT naming the file and, where there is one, the line: front matter that is not
 *   YAML or not a map of metadata fields, an unknown or non-text field, no language.
 */
export async function readArticleFile(file: string, defaults: Metadata): Promise<ArticleFile> {
  const content = await readFile(file, "utf8");
  const match = frontMatter.exec(content);
  const lines = (match?.[1] ?? "").split(/\r?\n/);
  // The front matter's first line is the file's second (after "---").
  const lineOf = (field: string) => {
    const index = lines.findIndex((line) => line.startsWith(`${field}:`));
    return index < 0 ? null : index + 2;
  };
  const locate = (field: string) => {
    const line = lineOf(field);
    return line === null ? file : `${file}:${line}`;
  };
  const refuse = (at: string, message: string) =>
    new DomainError("BAD_USER_INPUT", `${at}: ${message}`, { file });
  let stated: Metadata = {};
  if (match) {
    let parsed: unknown;
    try {
      parsed = parse(match[1] ?? "");
    } catch (error) {
      if (!(error instanceof YAMLError)) throw error;
      const line = (error.linePos?.[0]?.line ?? 0) + 1;
      throw refuse(`${file}:${line}`, `the front matter is not YAML: ${error.message.split("\n")[0]}`);
    }
    if (parsed !== null && (typeof parsed !== "object" || Array.isArray(parsed))) {
      throw refuse(`${file}:2`, "the front matter must be a YAML map of metadata fields");
    }
    for (const [field, value] of Object.entries(parsed ?? {})) {
      if (!(metadataFields as readonly string[]).includes(field)) {
        throw refuse(
          locate(field),
          `unknown front matter field "${field}" (known: ${metadataFields.join(", ")})`,
        );
      }
      // YAML reads 2025-03-14 as a date: dates are kept as written.
      const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
      if (typeof text !== "string" && typeof text !== "number")
        throw refuse(locate(field), `"${field}" must be text`);
      stated = { ...stated, [field]: String(text) };
    }
  }
  const metadata = { ...defaults, ...stated };
  if (!metadata.language) throw refuse(file, "no language: state it in the front matter or give --language");
  return {
    locate,
    source: {
      file: path.basename(file),
      id: null,
      text: match ? content.slice(match[0].length) : content,
      title: metadata.title ?? null,
      publisher: metadata.publisher ?? null,
      author: metadata.author ?? null,
      published: metadata.published ?? null,
      language: metadata.language,
      url: metadata.url ?? null,
      retrievedOn: metadata.retrievedOn ?? null,
    },
  };
}
