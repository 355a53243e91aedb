import { foldName } from "../../domain/text.js";
import type { NlpToken } from "../../nlp/annotation.js";
import type { ActorSpan } from "./actors.js";
import { type SpeechClass, speechClass, speechPrepositions, titleWords, verbLemma } from "./lexicon.js";
import { type ArgumentActor, type ParsedSentence, wordOf } from "./parse.js";

/**
 * Who says a relation, and how: the speaker of reported speech and the stance of the verb that reports it.
 * - a reporting verb above the trigger ("X a déclaré que ...", "X nie avoir livré ...") or beside it in an
 *   incise ("..., a-t-il annoncé", "..., a affirmé X"): its subject (its agent when passive) speaks, with the
 *   verb's stance (ASSERTS; ACCUSES for accuser, dénoncer; DENIES for démentir, nier, rejeter ...);
 * - "selon X", "d'après X" on the trigger's clause: X asserts it;
 * - a trigger inside « … »: the reporting verb outside the quotation, in the sentences it spans or the one
 *   right after it, gives the speaker;
 * - a pronoun subject ("il", "elle") is the last person named before it;
 * - otherwise the article's own voice: no speaker, REPORTS. A negated trigger is DENIES.
 */

export interface Voice {
  speaker: ArgumentActor | null;
  stance: "ASSERTS" | "REPORTS" | "ACCUSES" | "DENIES";
  rule: string;
}

const personalPronouns = new Set(["il", "elle", "ils", "elles"]);
const possessives = new Set(["son", "sa", "ses", "leur", "leurs"]);
/** Nouns of a text that speaks for its author ("le communiqué indique"). */
const speechNouns = new Set([
  "communique",
  "declaration",
  "texte",
  "document",
  "note",
  "lettre",
  "message",
  "discours",
  "felicitation",
]);
/** Dependents of a reporting verb that hold what it reports. */
const reportedRelations = new Set([
  "ccomp",
  "xcomp",
  "obj",
  "parataxis",
  "parataxis:insert",
  "advcl",
  "csubj",
]);

/** The reporting class of a token, if it is a reporting verb. */
const reporting = (token: NlpToken): SpeechClass | undefined => {
  if (token.pos !== "VERB") return undefined;
  const lemma = verbLemma(token.text);
  return lemma ? speechClass(lemma) : undefined;
};

export interface SpeechContext {
  points: readonly string[];
  /** Every sentence of the text, parsed, in order. */
  sentences: readonly ParsedSentence[];
  /** Every actor span of the text, in order (for pronouns). */
  spans: readonly ActorSpan[];
}

/**
 * The code-point ranges [open, close] of quotations in « », “ ” or straight double quotes (which open and close
 * in turn) of the text.
 */
export function quotations(points: readonly string[]): [number, number][] {
  const ranges: [number, number][] = [];
  const open: number[] = [];
  let straight: number | undefined;
  points.forEach((point, i) => {
    if (point === "«" || point === "“") open.push(i);
    else if ((point === "»" || point === "”") && open.length > 0) ranges.push([open.pop() as number, i]);
    else if (point === '"') {
      if (straight === undefined) straight = i;
      else {
        ranges.push([straight, i]);
        straight = undefined;
      }
    }
  });
  return ranges.sort((a, b) => a[0] - b[0]);
}

/** The last actor span before code point `at` of `kind` (any kind when undefined), as an indirect speaker. */
function lastNamed(context: SpeechContext, at: number, kind?: string): ArgumentActor | null {
  const span = [...context.spans].reverse().find((s) => s.end <= at && (!kind || s.kind === kind));
  return span ? { ref: span.ref, kind: span.kind, indirect: true } : null;
}

const namedSpeakers = new WeakMap<SpeechContext, { at: number; speaker: ArgumentActor }[]>();

/**
 * The last person before `at` who was named as the subject of a reporting verb: "le ministre" after a quotation
 * is most often the person the article quotes, not the last person it happens to name.
 */
function lastSpeaker(context: SpeechContext, at: number, kind?: string): ArgumentActor | null {
  let list = namedSpeakers.get(context);
  if (!list) {
    list = [];
    for (const parsed of context.sentences) {
      for (const token of parsed.tokens) {
        if (!reporting(token)) continue;
        const subject = invertedSubject(parsed, token) ?? parsed.children(token, (r) => r === "nsubj")[0];
        const [named] = subject ? parsed.actorsOf(subject) : [];
        if (named && !named.indirect) list.push({ at: token.start, speaker: { ...named, indirect: true } });
      }
    }
    namedSpeakers.set(context, list);
  }
  return (
    [...list].reverse().find((entry) => entry.at < at && (!kind || entry.speaker.kind === kind))?.speaker ??
    null
  );
}

/**
 * Whether `verb` opens an incise: its first word (auxiliaries included) follows a comma or a closing quotation
 * mark ("…, a précisé le ministre", "» a indiqué X"). In an incise the subject comes after the verb, and the
 * parser often takes it for the object.
 */
function inIncise(parsed: ParsedSentence, verb: NlpToken): boolean {
  const first = Math.min(
    verb.index,
    ...parsed.children(verb, (r) => r.startsWith("aux")).map((a) => a.index),
  );
  const before = parsed.byIndex.get(first - 1);
  return before !== undefined && [",", "»", "”", '"', "—", "–"].includes(before.word);
}

/** An incise's subject after its verb, parsed as its last dependent: a name or a title ("a déclaré le ministre"). */
function invertedSubject(parsed: ParsedSentence, verb: NlpToken): NlpToken | undefined {
  // Also after a relative or "comme": "ce qu'a annoncé X", "comme l'a précisé X".
  const relative = parsed
    .children(verb)
    .some((c) => c.index < verb.index && (wordOf(c) === "que" || wordOf(c) === "comme"));
  if (!relative && !inIncise(parsed, verb)) return undefined;
  // The first dependent after the verb that names someone: "ce qu'a annoncé le ministère X dans ses
  // félicitations" has its subject right after the verb, and more after it.
  return parsed
    .children(verb, (r) => ["obj", "nsubj", "nsubj:pass", "obl"].includes(r))
    .filter((child) => child.index > verb.index)
    .sort((a, b) => a.index - b.index)
    .find((child) => parsed.actorsOf(child).length > 0 || titleWords.has(wordOf(child)));
}

/**
 * The speaker a reporting verb's subject (or passive agent) names. A pronoun is the last person named before;
 * a bare title ("le ministre", "le porte-parole") the last person named before it; an incise's inverted subject
 * counts ("…, a déclaré le ministre"); a main verb whose subject the parser lost (a name in apposition to a
 * fronted phrase) takes the last person named before it in its sentence.
 */
function speakerOfVerb(context: SpeechContext, parsed: ParsedSentence, verb: NlpToken): ArgumentActor | null {
  // The inverted subject first: the parser may make the quoted words the subject ("« … », a dit le ministre").
  const subject =
    invertedSubject(parsed, verb) ??
    parsed.children(verb, (r) => r === "nsubj")[0] ??
    (parsed.children(verb, (r) => r === "aux:pass").length > 0
      ? parsed.children(verb, (r) => r === "obl:agent")[0]
      : undefined);
  if (!subject) {
    const head = parsed.head(verb);
    if (head && ["conj", "xcomp"].includes(verb.relation)) return speakerOfVerb(context, parsed, head);
    if (verb.relation !== "ROOT") return null;
    const person = [...context.spans]
      .reverse()
      .find((s) => s.kind === "PERSON" && s.start >= parsed.sentence.start && s.end <= verb.start);
    return person ? { ref: person.ref, kind: person.kind, indirect: true } : null;
  }
  if (subject.pos === "NOUN" && parsed.actorsOf(subject).length === 0) {
    const noun = wordOf(subject);
    if (titleWords.has(noun))
      return lastSpeaker(context, subject.start, "PERSON") ?? lastNamed(context, subject.start, "PERSON");
    // "indique le communiqué": the text speaks for whoever was last said to speak.
    if (speechNouns.has(noun.replace(/s$/u, ""))) return lastSpeaker(context, subject.start);
    // "le ministère a indiqué", "le gouvernement a annoncé": the last actor named with that noun at its head.
    const [first] = [...context.spans]
      .reverse()
      .filter((span) => span.end <= subject.start)
      .map((span) => ({ span, head: foldName(context.points.slice(span.start, span.end).join("")) }))
      .filter(({ head }) => head.split(/[^\p{L}-]+/u)[0] === noun);
    if (first) return { ref: first.span.ref, kind: first.span.kind, indirect: true };
  }
  if (wordOf(subject) === "dernier" || /^(celui|celle)-ci$/u.test(wordOf(subject))) {
    // "ce dernier", "celui-ci": the last actor named before.
    return lastNamed(context, subject.start);
  }
  if (subject.pos === "PRON" && personalPronouns.has(wordOf(subject))) {
    return lastNamed(context, subject.start, "PERSON");
  }
  return parsed.actorsOf(subject)[0] ?? null;
}

/**
 * Whether an oblique of a reporting verb is the speaker's own text, which holds what it says ("X s'est exprimé
 * dans son message sur ..."), rather than its setting ("dans un entretien avec Y").
 */
const ownText = (parsed: ParsedSentence, oblique: NlpToken): boolean =>
  oblique.relation.startsWith("obl") &&
  speechNouns.has(wordOf(oblique).replace(/s$/u, "")) &&
  parsed.children(oblique, (r) => r === "det" || r === "nmod:poss").some((d) => possessives.has(wordOf(d)));

/** Who says the relation `trigger` states in `parsed`, and with what stance. */
export function voiceOf(
  context: SpeechContext,
  parsed: ParsedSentence,
  trigger: NlpToken,
  negated: boolean,
): Voice {
  const voice = (speaker: ArgumentActor | null, stance: Voice["stance"], rule: string): Voice => ({
    speaker,
    stance: negated ? "DENIES" : stance,
    rule,
  });
  // Up from the trigger: a reporting verb it depends on, an incise beside it, a "selon X" on its clause.
  let child: NlpToken | undefined;
  /** A reporting verb's class whose speaker we could not tell: reported speech all the same. */
  let unresolved: SpeechClass | undefined;
  for (
    let node: NlpToken | undefined = trigger, steps = 0;
    node && steps < 30;
    node = parsed.head(node), steps += 1
  ) {
    const cls = node !== trigger ? reporting(node) : undefined;
    if (cls && child && reportedRelations.has(child.relation)) {
      const speaker = speakerOfVerb(context, parsed, node);
      if (speaker) return voice(speaker, cls, "speech-verb");
      unresolved ??= cls;
    }
    if (cls && child && ownText(parsed, child)) {
      const speaker = speakerOfVerb(context, parsed, node);
      if (speaker) return voice(speaker, cls, "speech-text");
    }
    for (const side of parsed.children(node)) {
      if (side.index === child?.index || side.index === trigger.index) continue;
      const sideClass = side.relation.startsWith("parataxis") ? reporting(side) : undefined;
      if (sideClass) {
        const speaker = speakerOfVerb(context, parsed, side);
        if (speaker) return voice(speaker, sideClass, "speech-incise");
      }
      if (side.relation.startsWith("obl") || side.relation.startsWith("nmod")) {
        const preposition = parsed.caseOf(side);
        if (preposition && speechPrepositions.has(preposition)) {
          const [speaker] = parsed.actorsOf(side);
          if (speaker) return voice(speaker, "ASSERTS", "speech-selon");
        }
      }
    }
    child = node;
  }
  // Inside a quotation: the reporting verb outside it.
  const quote = quotations(context.points).find(
    ([open, close]) => open < trigger.start && trigger.end <= close,
  );
  if (quote) {
    const [open, close] = quote;
    const near = context.sentences.filter(
      (s) => s.sentence.start <= close + 1 && s.sentence.end >= open && s.sentence.start >= 0,
    );
    const after = context.sentences.find((s) => s.sentence.start > close);
    // "X a déclaré : « ... »": the sentence before the quotation, when it ends with a colon, introduces it.
    const before = [...context.sentences].reverse().find((s) => s.sentence.end <= open);
    const introduces = before && /:\s*$/u.test(context.points.slice(before.sentence.start, open).join(""));
    const candidates = [
      ...(introduces ? [before] : []),
      ...near,
      ...(after && !near.includes(after) ? [after] : []),
    ];
    for (const candidate of candidates) {
      for (const token of candidate.tokens) {
        if (token.start > open && token.end <= close + 1) continue;
        const cls = reporting(token);
        if (!cls) continue;
        // The first reporting verb outside the quotation says who speaks, even when we cannot tell who it is.
        const speaker = speakerOfVerb(context, candidate, token);
        return voice(speaker, cls, speaker ? "speech-quotation" : "speech-unresolved");
      }
    }
  }
  // "X. C'est ce qu'a annoncé Y": the next sentence gives this one's speaker.
  const next = context.sentences[context.sentences.indexOf(parsed) + 1];
  if (next && next.tokens.slice(0, 4).map(wordOf).join(" ") === "ce est ce que") {
    const verb = next.tokens.find((token) => reporting(token));
    const speaker = verb && speakerOfVerb(context, next, verb);
    if (verb && speaker) return voice(speaker, reporting(verb) ?? "ASSERTS", "speech-next-sentence");
  }
  return unresolved ? voice(null, unresolved, "speech-unresolved") : voice(null, "REPORTS", "article-voice");
}
