import { z } from "zod";
import { codePointOffsets } from "../domain/text.js";
import { traced } from "../telemetry.js";
import type { EntityClass, NlpAnnotation, NlpEntity, NlpSentence, NlpToken } from "./annotation.js";

/** The annotators asked for: tokens, sentences, contracted words, parts of speech, entities, dependency parse. */
const annotators = "tokenize,ssplit,mwt,pos,ner,depparse";

/** CoreNLP's JSON answer, as far as we read it. */
const coreNlpAnswer = z.object({
  sentences: z.array(
    z.object({
      tokens: z.array(
        z.object({
          index: z.number().int(),
          word: z.string(),
          originalText: z.string(),
          lemma: z.string().optional(),
          characterOffsetBegin: z.number().int(),
          characterOffsetEnd: z.number().int(),
          pos: z.string(),
          ner: z.string().optional(),
        }),
      ),
      basicDependencies: z
        .array(z.object({ dep: z.string(), governor: z.number().int(), dependent: z.number().int() }))
        .optional(),
      entitymentions: z
        .array(z.object({ tokenBegin: z.number().int(), tokenEnd: z.number().int(), ner: z.string() }))
        .optional(),
    }),
  ),
});

/**
 * The NLP process did not answer as it should: down, too slow, or an answer we cannot read. Intake catches it
 * and answers without the recogniser's and the parse's proposals, saying why.
 */
export class NlpUnavailable extends Error {
  override name = "NlpUnavailable";
}

const entityClasses = new Set<EntityClass>(["PER", "LOC", "ORG", "MISC"]);
const entityClass = (tag: string | undefined): EntityClass | null => {
  const bare = tag?.replace(/^[BI]-/, "") as EntityClass | undefined;
  return bare && entityClasses.has(bare) ? bare : null;
};

/**
 * Annotates French `text` with the CoreNLP server at `url` (ours or an external one): sentences (a newline
 * always ends one, so a headline without a full stop stays apart), tokens with their parts of speech and
 * dependency parse, and entities. Offsets are converted from CoreNLP's UTF-16 units to code points, and each
 * token's text is checked against the text sent.
 *
 * Waits at most `timeoutMs` milliseconds (or until `signal` aborts). Rejects with NlpUnavailable
 * (code NLP_UNAVAILABLE) when the server cannot be reached, answers an error or too late, or answers
 * something that does not match the text.
 */
export function annotateFrench(
  url: string,
  text: string,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<NlpAnnotation> {
  // The text's length, never the text: spans leave the service.
  return traced("nlp annotate", { "nlp.chars": text.length }, () => annotate(url, text, options));
}

/** annotateFrench, outside its span. */
async function annotate(
  url: string,
  text: string,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<NlpAnnotation> {
  const properties = {
    annotators,
    outputFormat: "json",
    "ssplit.newlineIsSentenceBreak": "always",
  };
  const target = new URL(url);
  target.searchParams.set("properties", JSON.stringify(properties));
  const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
  let body: unknown;
  try {
    const response = await fetch(target, {
      method: "POST",
      body: Buffer.from(text, "utf8"),
      headers: { "content-type": "text/plain; charset=utf-8" },
      signal: AbortSignal.any(signals),
    });
    if (!response.ok) {
      const detail = (await response.text()).slice(0, 300);
      throw new NlpUnavailable(`CoreNLP at ${url} answered ${response.status}: ${detail}`);
    }
    body = await response.json();
  } catch (error) {
    if (error instanceof NlpUnavailable) throw error;
    const why =
      error instanceof Error && error.name === "TimeoutError"
        ? `did not answer within ${options.timeoutMs} ms`
        : `cannot be reached (${error instanceof Error ? error.message : String(error)})`;
    throw new NlpUnavailable(`CoreNLP at ${url} ${why}`);
  }
  const parsed = coreNlpAnswer.safeParse(body);
  if (!parsed.success) throw new NlpUnavailable(`CoreNLP at ${url} answered in an unknown shape`);
  return toAnnotation(text, parsed.data);
}

/** Reads CoreNLP's answer into code-point terms; throws NlpUnavailable when a token is not where it says. */
function toAnnotation(text: string, answer: z.infer<typeof coreNlpAnswer>): NlpAnnotation {
  const points = codePointOffsets(text);
  const sentences: NlpSentence[] = [];
  const entities: NlpEntity[] = [];
  for (const sentence of answer.sentences) {
    const heads = new Map((sentence.basicDependencies ?? []).map((dep) => [dep.dependent, dep]));
    /** Each token's UTF-16 range, to slice an entity's text. */
    const units: [number, number][] = [];
    // The words of a contracted word ("au" = "à" + "le") share its span; their originalText is the word.
    const spans = new Map<string, number>();
    for (const token of sentence.tokens) {
      const span = `${token.characterOffsetBegin}-${token.characterOffsetEnd}`;
      spans.set(span, (spans.get(span) ?? 0) + 1);
    }
    const tokens: NlpToken[] = sentence.tokens.map((token) => {
      const { characterOffsetBegin: from, characterOffsetEnd: to } = token;
      const contracted = (spans.get(`${from}-${to}`) ?? 0) > 1;
      if (
        from < 0 ||
        to > text.length ||
        from >= to ||
        (!contracted && text.slice(from, to) !== token.originalText)
      ) {
        throw new NlpUnavailable(
          `CoreNLP placed "${token.originalText}" at UTF-16 offsets ${from}-${to}, where the text does not have it`,
        );
      }
      units.push([from, to]);
      const dependency = heads.get(token.index);
      return {
        index: token.index,
        start: points[from] as number,
        end: points[to] as number,
        text: text.slice(from, to),
        word: token.word,
        lemma: token.lemma ?? null,
        pos: token.pos,
        entity: entityClass(token.ner),
        head: dependency?.governor ?? 0,
        relation: dependency?.dep ?? "root",
      };
    });
    if (tokens.length === 0) continue;
    const index = sentences.length;
    sentences.push({ start: (tokens[0] as NlpToken).start, end: (tokens.at(-1) as NlpToken).end, tokens });
    for (const mention of sentence.entitymentions ?? []) {
      const first = tokens[mention.tokenBegin];
      const last = tokens[mention.tokenEnd - 1];
      const kind = entityClass(mention.ner);
      if (!first || !last || !kind) continue;
      entities.push({
        start: first.start,
        end: last.end,
        text: text.slice(units[mention.tokenBegin]?.[0], units[mention.tokenEnd - 1]?.[1]),
        class: kind,
        sentence: index,
      });
    }
  }
  return { sentences, entities };
}
