import { z } from "zod";
import { isCalendarDate, key, language, partialDate, shortText, show } from "./grammar.js";
import { codePoints } from "./text.js";

/**
 * What a source states about itself besides its text: where it was read (`url`), when it was retrieved
 * (`retrievedOn`), and the metadata an editor may correct later (updateSource). The text never changes.
 */

/** Longest web address kept, in code points, before and after normalisation (browsers and servers cap near it). */
export const maxUrlLength = 2_000;

/** Control characters, lone surrogates and white space, which no address holds once written out. */
const notInAddress = /[\p{Cc}\p{Cs}\s]/u;

/**
 * The normalised form of a source's web address, or the rule it breaks. Parsing and normalisation are the
 * WHATWG URL Standard's (Node's global `URL`): scheme and host lower-cased, an IDN host in punycode, the
 * scheme's default port dropped, path dot-segments resolved, unsafe characters percent-encoded. Besides, the
 * fragment is dropped (it names a place within the page, not another document). Only http and https; no user
 * name or password (a secret has no place in the graph).
 */
export function normaliseUrl(value: string): { url: string } | { problem: string } {
  const got = ` (got ${show(value)})`;
  if (codePoints(value).length > maxUrlLength)
    return { problem: `must be at most ${maxUrlLength} code points${got}` };
  if (notInAddress.test(value))
    return { problem: `must be one web address without spaces or control characters${got}` };
  if (!URL.canParse(value))
    return { problem: `must be an absolute http or https address such as "https://example.org/a"${got}` };
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { problem: `must be http or https${got}` };
  if (url.username !== "" || url.password !== "")
    return { problem: `must not hold a user name or password${got}` };
  url.hash = "";
  if (codePoints(url.href).length > maxUrlLength)
    return { problem: `must be at most ${maxUrlLength} code points once normalised${got}` };
  return { url: url.href };
}

/** A source's web address, normalised (normaliseUrl). */
export const sourceUrl = z.string().transform((value, ctx) => {
  const normalised = normaliseUrl(value);
  if ("problem" in normalised) {
    ctx.addIssue({ code: "custom", message: normalised.problem });
    return z.NEVER;
  }
  return normalised.url;
});

/** A day "YYYY-MM-DD" of the calendar, or the rule it breaks: a retrieval is an act whose day is known. */
export function dayProblem(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return `must be a day "YYYY-MM-DD" (got ${show(value)})`;
  return isCalendarDate(value) ? null : `no such date ${show(value)}`;
}

export const day = z.string().superRefine((value, ctx) => {
  const message = dayProblem(value);
  if (message) ctx.addIssue({ code: "custom", message });
});

/** The provenance fields of a source entry (seed file, ingest file, mutation): null when not stated. */
export const provenanceFields = {
  url: sourceUrl.nullable().default(null),
  retrievedOn: day.nullable().default(null),
};

/**
 * New values for a source's metadata (updateSource): each one left out keeps its value, null clears it (the
 * language, which every source has, cannot be cleared). The text and the key are no part of it.
 */
export const sourcePatch = z.strictObject({
  title: shortText.nullable().optional(),
  publisher: shortText.nullable().optional(),
  author: shortText.nullable().optional(),
  published: partialDate.nullable().optional(),
  language: z
    .string({ error: 'cannot be cleared: every source has a language; give a BCP 47 tag such as "fr"' })
    .pipe(language)
    .optional(),
  url: sourceUrl.nullable().optional(),
  retrievedOn: day.nullable().optional(),
});
export type SourcePatch = z.infer<typeof sourcePatch>;

/** What updateSource parses: the source's key and the new values. */
export const sourceEditInput = z.strictObject({ key, patch: sourcePatch });
