import type { ProposalActorRef } from "../../domain/proposal.js";
import { foldName } from "../../domain/text.js";
import type { NlpSentence, NlpToken } from "../../nlp/annotation.js";
import type { ActorSpan } from "./actors.js";
import { titleWords } from "./lexicon.js";

/**
 * One sentence's dependency parse as the rules walk it: tokens by index, children, the actor each token names,
 * and how an argument (a subject, an object, an oblique) resolves to actors: the actor it names; the actors
 * joined to it by coordination ("la Russie et la Chine"); or, for a common noun, the actor it belongs to ("les
 * forces maliennes", "l'armée du Mali").
 */

/** A token's word as the rules compare it: folded, elided forms written out ("d'" is "de", "l'" is "le"). */
export function wordOf(token: NlpToken): string {
  const folded = foldName(token.word).replace(/['’]$/u, "");
  return elided[folded] ?? folded;
}
const elided: Record<string, string> = {
  d: "de",
  l: "le",
  qu: "que",
  jusqu: "jusque",
  s: "se",
  n: "ne",
  c: "ce",
  j: "je",
  m: "me",
  t: "te",
  lorsqu: "lorsque",
  puisqu: "puisque",
};

/** An actor an argument resolves to, and whether it was reached through a common noun (a looser reading). */
export interface ArgumentActor {
  ref: ProposalActorRef;
  kind: string;
  indirect: boolean;
}

const refKey = (ref: ProposalActorRef) => ("actor" in ref ? `a:${ref.actor}` : `p:${ref.proposal}`);
export const sameRef = (a: ProposalActorRef, b: ProposalActorRef) => refKey(a) === refKey(b);
export { refKey };

export class ParsedSentence {
  readonly byIndex = new Map<number, NlpToken>();
  readonly childrenOf = new Map<number, NlpToken[]>();
  /** The actor span each token lies in. */
  readonly spanOf = new Map<number, ActorSpan>();

  constructor(
    readonly sentence: NlpSentence,
    spans: readonly ActorSpan[],
    /** The known state an adjective of nationality (or a state's one-word name) names, if any. */
    readonly demonym: (adjective: string) => ActorSpan | undefined,
  ) {
    for (const token of sentence.tokens) {
      this.byIndex.set(token.index, token);
      const list = this.childrenOf.get(token.head);
      if (list) list.push(token);
      else this.childrenOf.set(token.head, [token]);
      const span = spans.find((s) => s.start <= token.start && token.end <= s.end);
      if (span) this.spanOf.set(token.index, span);
    }
  }

  get tokens(): readonly NlpToken[] {
    return this.sentence.tokens;
  }

  children(token: NlpToken, relation?: (relation: string) => boolean): NlpToken[] {
    const all = this.childrenOf.get(token.index) ?? [];
    return relation ? all.filter((child) => relation(child.relation)) : all;
  }

  head(token: NlpToken): NlpToken | undefined {
    return this.byIndex.get(token.head);
  }

  /** The preposition that introduces a dependent ("à" for "au Mali", "avec", "de"), folded, or undefined. */
  caseOf(token: NlpToken): string | undefined {
    const marks = this.children(token, (r) => r === "case" || r === "mark");
    if (marks.length === 0) return undefined;
    const words = marks.map(wordOf).filter((w) => w !== "le" && w !== "la" && w !== "les");
    // "aux côtés de", "auprès de", "à partir de": the first preposition names it.
    return words[0];
  }

  /** Every token under `token` (itself included), in sentence order. */
  subtree(token: NlpToken): NlpToken[] {
    const out: NlpToken[] = [];
    const visit = (t: NlpToken) => {
      out.push(t);
      for (const child of this.children(t)) visit(child);
    };
    visit(token);
    return out.sort((a, b) => a.index - b.index);
  }

  /** Whether `ancestor` is `token` or above it. */
  dominates(ancestor: NlpToken, token: NlpToken): boolean {
    for (let t: NlpToken | undefined = token, steps = 0; t && steps < 100; t = this.head(t), steps += 1) {
      if (t.index === ancestor.index) return true;
    }
    return false;
  }

  /** The actor a common noun belongs to: its "de" dependent ("l'armée du Mali") or its nationality ("malienne"). */
  private belongingTo(token: NlpToken): ArgumentActor[] {
    for (const child of this.children(token)) {
      const childSpan = this.spanOf.get(child.index);
      if (child.relation.startsWith("nmod") && childSpan && this.caseOf(child) === "de")
        return [{ ref: childSpan.ref, kind: childSpan.kind, indirect: true }];
      if (child.relation === "amod" && child.pos === "ADJ") {
        const state = this.demonym(child.word);
        if (state) return [{ ref: state.ref, kind: state.kind, indirect: true }];
      }
    }
    return [];
  }

  /**
   * The actors an argument names: its own span; else, for a common noun, an actor it belongs to through a
   * "de" dependent or an adjective of nationality; plus, in both cases, those of the arguments coordinated
   * with it.
   */
  actorsOf(token: NlpToken, depth = 0): ArgumentActor[] {
    // depth counts coordination steps only: each conjunct resolves as fully as the first.
    const found: ArgumentActor[] = [];
    const span = this.spanOf.get(token.index);
    // An adjective of nationality, also when capitalised and tagged a proper noun ("son homologue Russe").
    const state =
      (token.pos === "ADJ" || token.relation === "amod") && !span ? this.demonym(token.word) : undefined;
    if (span) found.push({ ref: span.ref, kind: span.kind, indirect: false });
    else if (state) found.push({ ref: state.ref, kind: state.kind, indirect: true });
    else if (token.pos === "NOUN") {
      // "l'agence X", "le groupe X", "le ministre X": the name the noun is followed by, without a preposition
      // (a title names only a person: "le président malien" is not Mali).
      const title = titleWords.has(wordOf(token));
      const named = this.children(token, (r) => r === "appos" || r.startsWith("flat") || r === "nmod")
        .map((child) => ({ child, span: this.spanOf.get(child.index) }))
        .find(({ child, span }) => span && !this.caseOf(child) && (!title || span.kind === "PERSON"));
      if (named?.span) found.push({ ref: named.span.ref, kind: named.span.kind, indirect: false });
      else if (!title) found.push(...this.belongingTo(token));
    }
    if (depth < 3) {
      for (const conj of this.children(token, (r) => r === "conj"))
        found.push(...this.actorsOf(conj, depth + 1));
    }
    const seen = new Set<string>();
    return found.filter((entry) => {
      const key = refKey(entry.ref);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}
