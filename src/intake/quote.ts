import { type ProposalQuote, quoteContextPoints } from "../domain/proposal.js";
import { codePoints, sliceCodePoints } from "../domain/text.js";

/**
 * Quotes of intake's drafts: the text at code-point offsets, with `quoteContextPoints` of context each side,
 * checked against the text (a quote that is not the text at its offsets is a bug in the rules, never input).
 */

/** A text as intake reads it: its code points (offsets everywhere are indices into them). */
export interface IntakeText {
  text: string;
  points: readonly string[];
}

export const intakeText = (text: string): IntakeText => ({ text, points: codePoints(text) });

/**
 * The quote at code points [start, end) of `source`, trimmed of surrounding spaces, with its context.
 * Throws a plain Error when the offsets are outside the text or empty (a bug in the caller).
 */
export function quoteAt(source: IntakeText, start: number, end: number): ProposalQuote {
  const { points } = source;
  let from = start;
  let to = end;
  while (from < to && /\s/u.test(points[from] as string)) from += 1;
  while (to > from && /\s/u.test(points[to - 1] as string)) to -= 1;
  if (from < 0 || to > points.length || from >= to) {
    throw new Error(
      `intake quote [${start}, ${end}) is empty or outside a text of ${points.length} code points`,
    );
  }
  const quote: ProposalQuote = {
    start: from,
    end: to,
    text: sliceCodePoints(points, from, to),
    before: sliceCodePoints(points, Math.max(0, from - quoteContextPoints), from),
    after: sliceCodePoints(points, to, Math.min(points.length, to + quoteContextPoints)),
  };
  checkQuote(source, quote);
  return quote;
}

/** Throws a plain Error unless `quote.text` is the text at its offsets (and its context around them). */
export function checkQuote(source: IntakeText, quote: ProposalQuote): void {
  const { points } = source;
  const at = sliceCodePoints(points, quote.start, quote.end);
  const before = sliceCodePoints(points, Math.max(0, quote.start - quoteContextPoints), quote.start);
  const after = sliceCodePoints(points, quote.end, Math.min(points.length, quote.end + quoteContextPoints));
  if (at !== quote.text || before !== quote.before || after !== quote.after) {
    throw new Error(
      `intake quote ${JSON.stringify(quote.text)} is not the text at [${quote.start}, ${quote.end}) (${JSON.stringify(at)})`,
    );
  }
}

/**
 * Sentences of a text without NLP, as code-point ranges: a newline always ends one; otherwise ".", "!", "?" or
 * "…" (and closing quotes after them) followed by a space and an upper-case letter, a digit or an opening quote.
 */
export function splitSentences(source: IntakeText): { start: number; end: number }[] {
  const { points } = source;
  const sentences: { start: number; end: number }[] = [];
  let start = 0;
  const close = (end: number) => {
    let from = start;
    while (from < end && /\s/u.test(points[from] as string)) from += 1;
    let to = end;
    while (to > from && /\s/u.test(points[to - 1] as string)) to -= 1;
    if (to > from) sentences.push({ start: from, end: to });
  };
  for (let i = 0; i < points.length; i += 1) {
    const point = points[i] as string;
    if (point === "\n") {
      close(i);
      start = i + 1;
    } else if (/[.!?…]/u.test(point)) {
      let j = i + 1;
      while (j < points.length && /[»"”')\]]/u.test(points[j] as string)) j += 1;
      if (j < points.length && /[ \u00a0\t]/u.test(points[j] as string)) {
        let k = j;
        while (k < points.length && /[ \u00a0\t]/u.test(points[k] as string)) k += 1;
        if (k < points.length && /[\p{Lu}\p{N}«"“]/u.test(points[k] as string)) {
          close(j);
          start = j;
          i = j - 1;
        }
      }
    }
  }
  close(points.length);
  return sentences;
}
