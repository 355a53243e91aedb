import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
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

/**
 * Reads one article file as a source to take in. `defaults` fill the fields its front matter leaves out;
 * language is required (from either).
 * @throws DomainError BAD_USER_INPUT naming the file: front matter that is not a YAML map, an unknown or
 *   non-text field, no language.
 */
export async function readArticleFile(file: string, defaults: Metadata): Promise<IntakeText> {
  const content = await readFile(file, "utf8");
  const match = frontMatter.exec(content);
  const refuse = (message: string) => new DomainError("BAD_USER_INPUT", `${file}: ${message}`, { file });
  let stated: Metadata = {};
  if (match) {
    const parsed: unknown = parse(match[1] ?? "");
    if (parsed !== null && (typeof parsed !== "object" || Array.isArray(parsed))) {
      throw refuse("the front matter must be a YAML map of metadata fields");
    }
    for (const [field, value] of Object.entries(parsed ?? {})) {
      if (!(metadataFields as readonly string[]).includes(field)) {
        throw refuse(`unknown front matter field "${field}" (known: ${metadataFields.join(", ")})`);
      }
      // YAML reads 2025-03-14 as a date: dates are kept as written.
      const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
      if (typeof text !== "string" && typeof text !== "number") throw refuse(`"${field}" must be text`);
      stated = { ...stated, [field]: String(text) };
    }
  }
  const metadata = { ...defaults, ...stated };
  if (!metadata.language) throw refuse("no language: state it in the front matter or give --language");
  return {
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
  };
}
