import { z } from "zod";
import { mentionTerms } from "./analysis.js";
import { codePointName, codePoints, headOf, shortened } from "./text.js";

/**
 * The one input grammar: every key, name, text, offset, language and date that reaches the graph passes these
 * rules, whether it comes from the seed files, `npm run ingest` or a GraphQL mutation, and the graph checker
 * (src/db/invariants.ts) holds the stored graph to them. Lengths are in Unicode code points, as offsets are.
 * Each rule answers null for a good value, or a message naming the rule and the value (shortened); the caller
 * adds the field path.
 */

export const limits = {
  /** A key: `[a-z0-9]` words joined by single hyphens, at most this many characters (all ASCII). */
  key: 120,
  /** An actor's name or alias. */
  name: 200,
  /** Aliases of one actor. */
  aliases: 100,
  /** A short text: description, note, role, title, publisher, author, a retraction's reason. */
  shortText: 2_000,
  /** A source's text. */
  sourceText: 1_000_000,
  /** A citation's quote. */
  quote: 5_000,
  /** Citations of one relation. */
  citations: 100,
  /** Relations one relation addresses (a denial answers a claim; an accusation charges one). */
  addresses: 20,
  /** Places one relation names. */
  places: 20,
  /** A BCP 47 language tag (RFC 5646 asks implementations to take at least 35 characters). */
  language: 35,
  /** A client's idempotency key. */
  clientKey: 200,
} as const;

/** How many code points of a value a message shows. */
export const shownPoints = 40;

/** A value as messages show it: JSON-quoted (control characters escaped), cut after 40 code points. */
export function show(value: unknown): string {
  if (typeof value !== "string") return shortened(JSON.stringify(value) ?? String(value), shownPoints);
  const { head, length } = headOf(value, shownPoints);
  if (length <= shownPoints) return JSON.stringify(value);
  return `${JSON.stringify(head)}… (${length} code points)`;
}

const got = (value: unknown) => ` (got ${show(value)})`;

const keyForm = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Control characters (C0, DEL, C1) and lone surrogates, which no name or text of a source holds. */
const control = /[\p{Cc}\p{Cs}]/u;
/** The same, but tab and line feed, which texts may hold. */
const textControl = /[^\P{Cc}\t\n]|\p{Cs}/u;
/**
 * Invisible format characters (zero-width space, soft hyphen, word joiner, byte order mark, bidirectional
 * marks ...) but the zero-width joiner and non-joiner, which some scripts and emoji need: two names that differ
 * only by one would look the same and be two owners.
 */
const invisible = /(?![\u200C\u200D])\p{Cf}/u;
const letterOrDigit = /[\p{L}\p{N}]/u;

/** Where the first code point of `value` that `pattern` matches is: " (U+000D at code point 57)". */
function whereFirst(value: string, pattern: RegExp): string {
  const points = codePoints(value);
  const at = points.findIndex((point) => pattern.test(point));
  return ` (${codePointName(points[at] ?? "")} at code point ${at})`;
}
const dateForm = /^\d{4}(-\d{2}(-\d{2})?)?$/;

const keyRule = `must be a key: lower-case letters a-z and digits, in words joined by single hyphens, at most ${limits.key} characters`;

export function keyProblem(value: string): string | null {
  return keyForm.test(value) && value.length <= limits.key ? null : keyRule + got(value);
}

/** A name or alias: something a text can write, so that mentions and lookups by name find it. */
export function nameProblem(value: string): string | null {
  if (control.test(value))
    return `must not contain control characters${whereFirst(value, control)}${got(value)}`;
  if (invisible.test(value)) {
    return `must not contain invisible format characters${whereFirst(value, invisible)}${got(value)}`;
  }
  if (!letterOrDigit.test(value)) return `must contain a letter or a digit${got(value)}`;
  // Mentions of a name are looked for in the texts the source index finds (docs/decisions/028-mentions.md).
  if (mentionTerms(value).length === 0) {
    return `must contain a word other than an elided article ("l", "d", "qu", ...), which texts' index drops${got(value)}`;
  }
  const length = codePoints(value.trim()).length;
  if (length > limits.name) return `must be at most ${limits.name} code points${got(value)}`;
  return null;
}

/** A text (a source's text, a quote, a note): not blank, bounded, only \n and \t among control characters. */
export function textProblem(value: string, max: number): string | null {
  if (value.trim().length === 0) return "the text is empty";
  if (textControl.test(value)) {
    const where = whereFirst(value, textControl);
    return `must not contain control characters other than \\n and \\t${where}${got(value)}`;
  }
  if (codePoints(value).length > max) return `must be at most ${max} code points${got(value)}`;
  return null;
}

/** Whether a partial date ("2021", "2021-06", "2021-06-01") names a real calendar period. */
export function isCalendarDate(value: string): boolean {
  const [year, month = 1, day = 1] = value.split("-").map(Number) as [number, number?, number?];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function dateProblem(value: string): string | null {
  if (!dateForm.test(value)) return `must be a date "YYYY", "YYYY-MM" or "YYYY-MM-DD"${got(value)}`;
  return isCalendarDate(value) ? null : `no such date ${show(value)}`;
}

/** A well-formed BCP 47 tag (as Unicode locale identifiers read it); the canonical form is what is stored. */
export function canonicalLanguage(value: string): string | null {
  if (value.length === 0 || value.length > limits.language || control.test(value)) return null;
  try {
    return Intl.getCanonicalLocales(value)[0] ?? null;
  } catch {
    return null;
  }
}

export function clientKeyProblem(value: string): string | null {
  if (control.test(value) || value.trim().length === 0) {
    return `must be printable text, not empty${got(value)}`;
  }
  return codePoints(value).length > limits.clientKey
    ? `must be at most ${limits.clientKey} code points${got(value)}`
    : null;
}

/**
 * A name form as written, for telling aliases apart: Unicode canonical composition (NFC, so "i" + U+0308 is
 * "ï"), white space trimmed and collapsed. Case and accents stay: "Goïta", "Goita" and "GOITA" are three forms
 * the sources write, each kept; lookups and mentions ignore the difference (foldName).
 */
export function writtenForm(name: string): string {
  return name.normalize("NFC").trim().replace(/\s+/g, " ");
}

/** Good names that repeat an earlier one in their written form: [index, earlier index]. */
export function repeatedNames(names: readonly string[]): [number, number][] {
  const first = new Map<string, number>();
  const repeats: [number, number][] = [];
  names.forEach((name, index) => {
    if (nameProblem(name) !== null) return;
    const folded = writtenForm(name);
    const earlier = first.get(folded);
    if (earlier === undefined) first.set(folded, index);
    else repeats.push([index, earlier]);
  });
  return repeats;
}

/** A zod string checked by one rule, reported as one issue at the field. */
const ruled = (problem: (value: string) => string | null) =>
  z.string().superRefine((value, ctx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: "custom", message });
  });

export const key = ruled(keyProblem);
export const name = ruled(nameProblem).transform((value) => value.trim());
export const aliases = z
  .array(name)
  .max(limits.aliases, `at most ${limits.aliases} aliases`)
  .superRefine((values, ctx) => {
    for (const [index, earlier] of repeatedNames(values)) {
      ctx.addIssue({
        code: "custom",
        path: [index],
        message: `repeats alias ${earlier} ${show(values[earlier])}: aliases are distinct once Unicode-normalised (NFC) and white space collapsed${got(values[index])}`,
      });
    }
  });
/** A short text; surrounding white space is dropped. */
export const shortText = ruled((value) => textProblem(value, limits.shortText)).transform((value) =>
  value.trim(),
);
/** A source's text, kept exactly as given: quotes are checked against it. */
export const sourceText = ruled((value) => textProblem(value, limits.sourceText));
export const quote = ruled((value) => textProblem(value, limits.quote));
export const partialDate = ruled(dateProblem);
export const language = z.string().transform((value, ctx) => {
  const canonical = canonicalLanguage(value);
  if (canonical === null) {
    ctx.addIssue({
      code: "custom",
      message: `must be a BCP 47 language tag such as "fr" or "pt-BR"${got(value)}`,
    });
    return z.NEVER;
  }
  return canonical;
});
export const offset = z.number().superRefine((value, ctx) => {
  if (!Number.isInteger(value) || value < 0) {
    ctx.addIssue({ code: "custom", message: `must be a code point offset, an integer ≥ 0${got(value)}` });
  }
});
export const clientKey = ruled(clientKeyProblem);

/** Offsets of a quote: 0 ≤ start < end when both are given (that end ≤ the text's length is the source's check). */
export function spanProblem(start: number | null | undefined, end: number | null | undefined): string | null {
  if (start == null || end == null || end > start) return null;
  return `end must be greater than start (got start ${start}, end ${end})`;
}
