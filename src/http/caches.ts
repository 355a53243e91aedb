import type { DocumentNode } from "graphql";
import type { YogaServerOptions } from "graphql-yoga";
import { LRUCache } from "lru-cache";

/**
 * Bounds of the caches of parsed documents and parse errors that graphql-yoga keeps by the request's text. Yoga's
 * own hold 1,024 entries each whatever their size, and a document's text may be as long as a request body
 * (MAX_BODY_BYTES, 256 KiB by default): up to about 0.5 GB for texts that clients choose. Here each cache is
 * bounded in bytes too, estimated (see documentBytes); an entry over a quarter of its cache is not kept.
 */
export const parserCacheBounds = {
  /** Most parsed documents kept. */
  documents: 1_024,
  /** Most bytes of parsed documents, as documentBytes estimates them. */
  documentBytes: 48_000_000,
  /** Most parse errors kept (a document that does not parse, sent again, fails at once). */
  errors: 256,
  /** Most bytes of the texts whose parse failed and their errors. */
  errorBytes: 8_000_000,
} as const;

/** Bytes of heap an abstract syntax tree takes per token (measured: about 340 for the queries of examples/). */
const bytesPerToken = 400;

/**
 * Estimated bytes of a parsed document: its text (two bytes a UTF-16 unit, held by the document's location)
 * and `bytesPerToken` for each of its tokens (counted along the token list the parser links; at most MAX_TOKENS).
 */
export function documentBytes(document: DocumentNode, text: string): number {
  let tokens = 0;
  for (let token = document.loc?.startToken ?? null; token !== null; token = token.next) tokens += 1;
  return 2 * text.length + bytesPerToken * Math.max(tokens, 1);
}

/** Yoga's `parserAndValidationCache` with the caches bounded in entries and bytes (lru-cache). */
export function boundedParserCaches(): NonNullable<
  Exclude<YogaServerOptions<object, object>["parserAndValidationCache"], boolean>
> {
  return {
    documentCache: new LRUCache<string, DocumentNode>({
      max: parserCacheBounds.documents,
      maxSize: parserCacheBounds.documentBytes,
      maxEntrySize: parserCacheBounds.documentBytes / 4,
      sizeCalculation: (document, text) => documentBytes(document, text),
    }),
    errorCache: new LRUCache<string, object>({
      max: parserCacheBounds.errors,
      maxSize: parserCacheBounds.errorBytes,
      maxEntrySize: parserCacheBounds.errorBytes / 4,
      sizeCalculation: (error, text) => 2 * (text.length + String((error as Error).message).length) + 512,
    }),
  };
}
