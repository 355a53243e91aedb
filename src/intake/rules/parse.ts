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

/**
 * Nouns that, with a definite or demonstrative determiner and nothing naming whom they mean ("le groupe", "la
 * junte", "ce pays"), stand for the last actor named of one of these kinds.
 */
const descriptionKinds: Record<string, readonly string[]> = {
  groupe: ["GROUP", "PRIVATE_MILITARY_COMPANY"],
  societe: ["PRIVATE_MILITARY_COMPANY"],
  junte: ["GOVERNMENT_BODY"],
  regime: ["GOVERNMENT_BODY"],
  gouvernement: ["GOVERNMENT_BODY"],
  ministere: ["GOVERNMENT_BODY"],
  pays: ["STATE"],
  etat: ["STATE"],
  operation: ["MILITARY_OPERATION"],
  armee: ["ARMED_FORCE"],
  organisation: ["ORGANIZATION"],
  agence: ["MEDIA"],
};
/** Determiners of a description that points back ("le groupe", "ce pays"), not of a new one ("un groupe"). */
const pointingBack = new Set(["le", "la", "les", "ce", "cet", "cette", "ces"]);
/** "ce dernier", "celui-ci": the last actor named, of any kind. */
const anyKind: readonly string[] = [];
/** Subject pronouns that stand for the last person named. */
const personPronouns = new Set(["il", "elle"]);
/** Nouns of soldiers: with an adjective of nationality, the state's armed force when the graph knows one. */
const soldierNouns = new Set(["soldat", "militaire", "officier", "troupe", "force", "armee"]);

/** What a sentence's arguments may point back to: the actors named before, and each state's armed force. */
export interface SentenceContext {
  /** Actor spans of the text in order; those before a pronoun or description in this window are candidates. */
  spans: readonly ActorSpan[];
  /** Code point from which an antecedent may be taken (the start of the sentence before). */
  from: number;
  /** The known armed force of a state (by its key), when exactly one is known. */
  armedForce(state: string): ActorSpan | undefined;
}

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
    readonly context?: SentenceContext,
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

  /**
   * The actor a common noun belongs to: its "de" dependent ("l'armée du Mali") or its nationality ("malienne");
   * soldiers of a state are its armed force when the graph knows it ("des officiers maliens").
   */
  private belongingTo(token: NlpToken): ArgumentActor[] {
    const soldiers = soldierNouns.has(wordOf(token).replace(/[sx]$/u, ""));
    for (const child of this.children(token)) {
      const childSpan = this.spanOf.get(child.index);
      let owner: ActorSpan | undefined;
      if (child.relation.startsWith("nmod") && childSpan && this.caseOf(child) === "de") owner = childSpan;
      else if (child.relation === "amod" && child.pos === "ADJ") {
        // "les représentants maliens et russes": each adjective of nationality, coordinated, names one.
        const owners = [child, ...this.children(child, (r) => r === "conj")]
          .map((adjective) => this.demonym(adjective.word))
          .filter((state): state is ActorSpan => state !== undefined);
        if (owners.length > 1 && !soldiers)
          return owners.map((state) => ({ ref: state.ref, kind: state.kind, indirect: true }));
        owner = owners[0];
      }
      if (!owner) continue;
      const force =
        soldiers && owner.kind === "STATE" && "actor" in owner.ref
          ? this.context?.armedForce(owner.ref.actor)
          : undefined;
      const actor = force ?? owner;
      return [{ ref: actor.ref, kind: actor.kind, indirect: true }];
    }
    return [];
  }

  /**
   * The actor a pronoun or a description points back to: "il"/"elle" as a subject, the last person named;
   * "le groupe", "la junte", "ce pays", the last actor named of the kinds the noun can mean, in this sentence
   * or the one before. Undefined when none is (left to the analyst).
   */
  private antecedent(token: NlpToken): ArgumentActor | undefined {
    if (!this.context) return undefined;
    const word = wordOf(token);
    let kinds: readonly string[] | undefined;
    if (token.pos === "PRON" && personPronouns.has(word) && token.relation === "nsubj") kinds = ["PERSON"];
    else if (/^(dernier|derniere|celui-ci|celle-ci)$/u.test(word)) kinds = anyKind;
    else if (token.pos === "NOUN") {
      const determiner = this.children(token, (r) => r === "det")[0];
      const counted = this.children(token, (r) => r === "nummod").length > 0;
      if (determiner && pointingBack.has(wordOf(determiner)) && !counted)
        kinds = descriptionKinds[word.replace(/s$/u, "")];
    }
    if (!kinds) return undefined;
    const { spans, from } = this.context;
    const found = [...spans]
      .reverse()
      .find(
        (span) =>
          span.end <= token.start && span.start >= from && (kinds === anyKind || kinds.includes(span.kind)),
      );
    return found && { ref: found.ref, kind: found.kind, indirect: true };
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
      // "le ministre de la Défense, le général X": a title in apposition to a title names the same person.
      const titled = title
        ? this.children(token, (r) => r === "appos")
            .filter((child) => child.pos === "NOUN" && titleWords.has(wordOf(child)))
            .flatMap((child) => this.actorsOf(child, depth + 1))
            .find((actor) => actor.kind === "PERSON")
        : undefined;
      if (named?.span) found.push({ ref: named.span.ref, kind: named.span.kind, indirect: false });
      else if (titled) found.push(titled);
      else if (!title) found.push(...this.belongingTo(token));
    }
    if (found.length === 0 && !span) {
      const antecedent = this.antecedent(token);
      if (antecedent) found.push(antecedent);
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
