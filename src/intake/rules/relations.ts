import { foldName } from "../../domain/text.js";
import type { NlpToken } from "../../nlp/annotation.js";
import type { ActorSpan } from "./actors.js";
import {
  adjectiveTrigger,
  nounLemma,
  nounTrigger,
  qualifiedTrigger,
  speechClass,
  type Trigger,
  titleWords,
  verbLemma,
  verbTrigger,
} from "./lexicon.js";
import { type ArgumentActor, type ParsedSentence, sameRef, wordOf } from "./parse.js";

/**
 * Relations from the dependency parse: a trigger word of a relation type (a verb or an event noun, see
 * ./lexicon.ts) and its arguments resolved to actors.
 * - verbs: the subject (or, passive, the `obl:agent`) is `from`; `to` is the direct object (passive: the
 *   passive subject) or an oblique with the trigger's preposition ("livrer ... au Mali", "coopérer avec");
 *   a relative clause takes its antecedent for "qui"/"que" ("le groupe qui a attaqué ..."); a participle
 *   modifying a noun ("le groupe dirigé par X") has that noun as its passive subject; an infinitive or a
 *   coordinated verb without its own subject borrows the one of the verb it depends on;
 * - event nouns: `to` from their dependents with the trigger's preposition, `from` from a "de" or "par"
 *   dependent, an adjective of nationality ("l'aide russe") or the subject of the verb they are the object of
 *   ("X a signé un accord avec Y"); "entre X et Y" gives both;
 * - coordination anywhere gives one relation per actor ("la Russie et la Chine ont livré").
 * - an apposition of a title ("X, ministre des Affaires étrangères du Mali", "le président malien X") gives
 *   OFFICE from the person to the state or body the title names.
 */

/** A relation the parse states, before speaker, stance, dates and ids. */
export interface ParsedRelation {
  type: string;
  from: ArgumentActor;
  to: ArgumentActor;
  /** The trigger token (the verb or noun), for the speaker and the dates. */
  trigger: NlpToken;
  rule: string;
  confidence: number;
  /** The trigger is negated ("n'a pas livré", "jamais"). */
  negated: boolean;
}

/** Nouns of a field that qualify a relation ("la coopération dans le domaine militaire"). */
const fieldNouns = new Set(["domaine", "plan", "matiere", "secteur"]);
/** Kinds of actor a "de" of place may be ("le retrait de X du Mali"). */
const placeKinds = new Set(["STATE", "ORGANIZATION"]);
const relativePronouns = new Set(["qui", "que", "lequel", "laquelle", "lesquels", "lesquelles", "dont"]);
const reflexives = new Set(["se", "me", "te", "nous", "vous"]);
const negations = new Set(["pas", "jamais", "aucunement", "nullement", "point"]);
const subjectRelations = (r: string) => r === "nsubj" || r === "nsubj:caus";
const obliqueRelations = (r: string) => r.startsWith("obl") || r === "iobj" || r.startsWith("nmod");

/** The token a verb without its own subject takes it from: the verb it completes or is coordinated with. */
function subjectOf(parsed: ParsedSentence, verb: NlpToken, depth = 0): ArgumentActor[] {
  const subject = parsed.children(verb, subjectRelations)[0];
  if (subject) return argumentActors(parsed, verb, subject);
  const passiveAgent = parsed.children(verb, (r) => r === "obl:agent")[0];
  if (passiveAgent && parsed.children(verb, (r) => r === "aux:pass").length > 0)
    return parsed.actorsOf(passiveAgent);
  const head = parsed.head(verb);
  if (!head || depth >= 4) return [];
  if (verb.relation === "xcomp") {
    // Object control: "accuser X d'avoir attaqué", "X est accusé d'avoir attaqué": X is the one who attacked.
    const controller = parsed.children(head, (r) => r === "obj" || r === "nsubj:pass")[0];
    if (controller) return argumentActors(parsed, head, controller);
  }
  if (["xcomp", "conj", "advcl", "ccomp"].includes(verb.relation)) return subjectOf(parsed, head, depth + 1);
  if (verb.relation === "acl" && head.pos === "NOUN") {
    // "la décision de X de retirer ...": an infinitive completing a noun has the noun's "de" owner as its
    // subject; "X a émis le souhait de retirer ...": else the subject of the verb the noun completes.
    const owner = parsed
      .children(head, (r) => r.startsWith("nmod"))
      .find((child) => child.index < verb.index && parsed.caseOf(child) === "de");
    const owners = owner ? parsed.actorsOf(owner) : [];
    if (owners.length > 0) return owners;
    const above = parsed.head(head);
    if (above?.pos === "VERB" && (head.relation === "obj" || head.relation.startsWith("obl")))
      return subjectOf(parsed, above, depth + 1);
  }
  return [];
}

/** An argument's actors; a relative pronoun stands for the noun its clause modifies. */
function argumentActors(parsed: ParsedSentence, verb: NlpToken, argument: NlpToken): ArgumentActor[] {
  if (argument.pos === "PRON" && relativePronouns.has(wordOf(argument)) && verb.relation === "acl:relcl") {
    const antecedent = parsed.head(verb);
    return antecedent ? parsed.actorsOf(antecedent) : [];
  }
  return parsed.actorsOf(argument);
}

/**
 * The name set in apposition after a noun and a comma ("à son allié, le Togo"), which the parser often attaches
 * beside the noun rather than under it: an `appos` child, or the next dependent of the same head right after the
 * comma that closes the noun's phrase.
 */
function appositive(parsed: ParsedSentence, noun: NlpToken): ArgumentActor[] {
  const own = parsed.children(noun, (r) => r === "appos").flatMap((child) => parsed.actorsOf(child));
  if (own.length > 0) return own;
  const last = parsed.subtree(noun).at(-1);
  const comma = last && parsed.byIndex.get(last.index + 1);
  if (!last || comma?.word !== ",") return [];
  const sibling = parsed
    .children(parsed.head(noun) ?? noun, (r) => ["obj", "appos", "nmod", "obl", "conj"].includes(r))
    .find((child) => parsed.subtree(child)[0]?.index === comma.index + 1);
  return sibling && !parsed.caseOf(sibling) ? parsed.actorsOf(sibling).filter((a) => !a.indirect) : [];
}

/** The dependents of `token` introduced by each preposition, as actors. */
function obliques(parsed: ParsedSentence, token: NlpToken): Map<string, ArgumentActor[]> {
  const byPreposition = new Map<string, ArgumentActor[]>();
  for (const child of parsed.children(token, obliqueRelations)) {
    if (child.relation === "obl:agent") continue;
    const preposition = parsed.caseOf(child) ?? (child.relation === "iobj" ? "à" : undefined);
    if (!preposition) continue;
    const own = parsed.actorsOf(child);
    const actors = own.length > 0 || child.pos !== "NOUN" ? own : appositive(parsed, child);
    if (actors.length === 0) continue;
    byPreposition.set(preposition, [...(byPreposition.get(preposition) ?? []), ...actors]);
  }
  return byPreposition;
}

const isNegated = (parsed: ParsedSentence, token: NlpToken) =>
  parsed.children(token).some((child) => child.relation.startsWith("advmod") && negations.has(wordOf(child)));

/** The relations of every pairing of `from` and `to` actors (an actor is never related to itself). */
function pairings(
  type: string,
  from: readonly ArgumentActor[],
  to: readonly ArgumentActor[],
  base: Omit<ParsedRelation, "type" | "from" | "to" | "confidence">,
  confidence: number,
): ParsedRelation[] {
  const out: ParsedRelation[] = [];
  for (const a of from) {
    for (const b of to) {
      if (sameRef(a.ref, b.ref)) continue;
      const loose = (a.indirect ? 0.1 : 0) + (b.indirect ? 0.1 : 0);
      out.push({ ...base, type, from: a, to: b, confidence: Math.max(0.1, confidence - loose) });
    }
  }
  return out;
}

/** Relations a verb trigger states. */
function verbRelations(parsed: ParsedSentence, verb: NlpToken, trigger: Trigger): ParsedRelation[] {
  const children = parsed.children(verb);
  if (trigger.reflexive && !children.some((c) => c.pos === "PRON" && reflexives.has(wordOf(c)))) return [];
  // A participle on a noun ("le groupe dirigé par X"), not an infinitive completing it ("la décision de retirer").
  const participleOfNoun =
    verb.relation === "acl" &&
    parsed.head(verb)?.pos !== "VERB" &&
    !parsed.children(verb, (r) => r === "mark").some((m) => ["de", "a", "pour"].includes(wordOf(m)));
  const passive = children.some((c) => c.relation === "aux:pass") || participleOfNoun;
  const agentToken = children.find((c) => c.relation === "obl:agent");
  const agentActors = passive ? (agentToken ? parsed.actorsOf(agentToken) : []) : subjectOf(parsed, verb);
  let patient: ArgumentActor[] = [];
  if (passive) {
    const subject = children.find((c) => c.relation === "nsubj:pass");
    const head = parsed.head(verb);
    if (subject) patient = argumentActors(parsed, verb, subject);
    else if (participleOfNoun && head) patient = parsed.actorsOf(head);
  } else {
    const object = children.find((c) => c.relation === "obj");
    if (object) patient = argumentActors(parsed, verb, object);
  }
  const byPreposition = obliques(parsed, verb);
  const from = trigger.objectIsFrom && patient.length > 0 ? patient : agentActors;
  let to: ArgumentActor[] = [];
  for (const slot of trigger.to) {
    to = slot === "obj" ? (trigger.objectIsFrom ? [] : patient) : (byPreposition.get(foldName(slot)) ?? []);
    if (to.length > 0) break;
  }
  const rule = passive
    ? "verb-passive-agent"
    : verb.relation === "acl:relcl"
      ? "verb-relative-clause"
      : "verb-subject-object";
  return pairings(
    trigger.type,
    trigger.reversed ? to : from,
    trigger.reversed ? from : to,
    { trigger: verb, rule, negated: isNegated(parsed, verb) },
    trigger.confidence - (passive ? 0.05 : 0),
  );
}

/** Relations an event noun states. */
function nounRelations(parsed: ParsedSentence, noun: NlpToken, nounTrigger: Trigger): ParsedRelation[] {
  // "coopération militaire", "opérations conjointes", "relations diplomatiques": the adjective says the type.
  // Also "dans le domaine militaire", "sur le plan sécuritaire", "en matière de défense".
  const fields = parsed.children(noun, (r) => r.startsWith("nmod") || r.startsWith("obl"));
  const qualifiers = [
    ...parsed.children(noun, (r) => r === "amod"),
    ...fields
      .filter((f) => fieldNouns.has(wordOf(f)))
      .flatMap((f) => parsed.children(f, (r) => r === "amod")),
    ...fields
      .filter((f) => fieldNouns.has(wordOf(f)))
      .flatMap((f) => parsed.children(f, (r) => r.startsWith("nmod"))),
  ];
  const trigger = qualifiedTrigger(nounTrigger, qualifiers.map(wordOf));
  if (!trigger) return [];
  const type = trigger.type;
  const base = { trigger: noun, negated: false };
  const byPreposition = obliques(parsed, noun);
  // "la livraison d'armes au Mali": the dependents of the noun's own "de" dependent count as the noun's; so
  // does a place after it ("le retrait des soldats X du Mali", where the parser hangs "du Mali" on "soldats").
  const nestedPlaces: ArgumentActor[] = [];
  for (const child of parsed.children(noun, (r) => r.startsWith("nmod"))) {
    if (parsed.spanOf.has(child.index)) continue;
    for (const [preposition, actors] of obliques(parsed, child)) {
      if (preposition !== "de")
        byPreposition.set(preposition, [...(byPreposition.get(preposition) ?? []), ...actors]);
      else nestedPlaces.push(...actors.filter((actor) => placeKinds.has(actor.kind) && !actor.indirect));
    }
  }
  let between = byPreposition.get("entre") ?? [];
  const clause = parsed.head(noun);
  if (between.length < 2 && clause && noun.relation.startsWith("nsubj")) {
    // "Entre X et Y, l'entente est bonne": a fronted "entre" on the clause the noun is the subject of.
    const fronted = obliques(parsed, clause).get("entre") ?? [];
    if (fronted.length >= 2) between = fronted;
  }
  if (between.length >= 2) {
    const [first, ...rest] = between as [ArgumentActor, ...ArgumentActor[]];
    return pairings(type, [first], rest, { ...base, rule: "noun-between" }, trigger.confidence);
  }
  let to: ArgumentActor[] = [];
  let toSlot: string | undefined;
  for (const slot of trigger.to) {
    to = byPreposition.get(foldName(slot)) ?? [];
    toSlot = foldName(slot);
    if (to.length > 0) break;
  }
  let from: ArgumentActor[] = [...(byPreposition.get("par") ?? [])];
  if (toSlot !== "de") from.push(...(byPreposition.get("de") ?? []));
  else if (from.length === 0 && to.length >= 2 && to.slice(1).every((actor) => placeKinds.has(actor.kind))) {
    // "le retrait de X du Mali": of two "de" dependents, the first is who withdraws, the second the place.
    const [first, ...rest] = to as [ArgumentActor, ...ArgumentActor[]];
    from = [first];
    to = rest;
  } else if (from.length === 0 && to.length === 1 && nestedPlaces.length > 0) {
    from = to;
    to = nestedPlaces;
  }
  for (const adjective of parsed.children(noun, (r) => r === "amod")) {
    const actors = parsed.actorsOf(adjective);
    from.push(...actors);
  }
  // "X est un partenaire de Y", "X est le successeur de Y": the noun is said of its subject; so is it in "X est
  // l'un des partenaires de Y", where the copula is on "un".
  const one = parsed.head(noun);
  const said =
    parsed.children(noun, (r) => r === "cop").length > 0
      ? noun
      : one && /^(un|une)$/u.test(wordOf(one)) && parsed.children(one, (r) => r === "cop").length > 0
        ? one
        : undefined;
  const predicated = said ? parsed.children(said, (r) => r === "nsubj")[0] : undefined;
  if (said && predicated) {
    const subject = argumentActors(parsed, said, predicated);
    const other = toSlot === "de" ? to : [...(byPreposition.get("de") ?? []), ...to];
    const rule = "noun-copula";
    return trigger.subjectIsTo
      ? pairings(type, other, subject, { ...base, rule }, trigger.confidence)
      : pairings(type, subject, other, { ...base, rule }, trigger.confidence);
  }
  // "à son allié, la Russie": a partner noun in apposition to a name has it as the partner.
  const named = trigger.subjectIsTo ? appositive(parsed, noun) : [];
  if (named.length > 0 && to.length === 0) {
    to = named;
    from = from.filter((actor) => !named.some((n) => sameRef(n.ref, actor.ref)));
  }
  // "... à l'invitation de X": X invites the one the clause is about.
  if (type === "INVITATION" && to.length === 0 && parsed.caseOf(noun) === "a" && from.length > 0) {
    const clause = parsed.head(noun);
    const guests = clause?.pos === "VERB" ? subjectOf(parsed, clause) : clause ? parsed.actorsOf(clause) : [];
    return pairings(type, from, guests, { ...base, rule: "noun-invitation" }, trigger.confidence - 0.05);
  }
  let rule = "noun-dependents";
  const possessive = parsed
    .children(noun, (r) => r === "det" || r === "nmod:poss")
    .some((d) => /^(son|sa|ses|leur|leurs)$/u.test(wordOf(d)));
  if (from.length === 0 && possessive) {
    // "sa coopération avec Y", "leur retrait du Mali": the possessor is the subject of the clause above.
    for (let verb = parsed.head(noun), steps = 0; verb && steps < 6; verb = parsed.head(verb), steps += 1) {
      if (verb.pos !== "VERB") continue;
      from = subjectOf(parsed, verb);
      rule = "noun-possessive";
      break;
    }
  }
  if (from.length === 0 && to.length > 0) {
    // "En visite à Moscou, X, ...": a fronted event noun the parser made the head of the name after it.
    const named = parsed.children(noun, (r) => r === "appos").flatMap((child) => parsed.actorsOf(child));
    if (named.length > 0) {
      from = named;
      rule = "noun-apposition";
    }
  }
  if (from.length === 0) {
    // "X a signé un accord avec Y", "X effectue une visite au Mali": the verb's subject is the noun's agent.
    const verb = parsed.head(noun);
    if (verb && (noun.relation === "obj" || noun.relation.startsWith("obl")) && verb.pos === "VERB") {
      from = subjectOf(parsed, verb);
      rule = "noun-object-of-verb";
      if (to.length === 0) {
        const verbObliques = obliques(parsed, verb);
        for (const slot of trigger.to) {
          to = verbObliques.get(foldName(slot)) ?? [];
          if (to.length > 0) break;
        }
      }
    }
  }
  return pairings(
    type,
    from,
    to,
    { ...base, rule },
    trigger.confidence - (rule === "noun-object-of-verb" ? 0.05 : 0),
  );
}

/** The first actor under a title noun (not the person it describes): what the office is in. */
function officeOf(parsed: ParsedSentence, title: NlpToken, person: NlpToken): ArgumentActor | undefined {
  // Only what the title is "of" ("ministre de la Défense du Mali", "président malien"), not where it went ("à X").
  const follow = (child: NlpToken) =>
    (child.relation.startsWith("nmod") && [undefined, "de"].includes(parsed.caseOf(child))) ||
    child.relation === "amod" ||
    child.relation === "appos" ||
    child.relation.startsWith("flat");
  const queue = parsed.children(title).filter(follow);
  while (queue.length > 0) {
    const next = queue.shift() as NlpToken;
    if (next.index === person.index) continue;
    const [actor] = parsed.actorsOf(next);
    if (actor) return actor;
    queue.push(...parsed.children(next).filter(follow));
  }
  return undefined;
}

/** OFFICE relations from a person's title in apposition or before the name. */
function officeRelations(parsed: ParsedSentence): ParsedRelation[] {
  const out: ParsedRelation[] = [];
  for (const token of parsed.tokens) {
    const span = parsed.spanOf.get(token.index);
    if (span?.kind !== "PERSON") continue;
    const head = parsed.head(token);
    if (head && parsed.spanOf.get(head.index) === span) continue; // not the head of its own name
    const titles: NlpToken[] = [];
    for (const child of parsed.children(token, (r) => r === "appos")) titles.push(child);
    if (head && ["appos", "nmod", "flat:name", "dep", "flat"].includes(token.relation)) titles.push(head);
    // "le ministre de la Défense malien, le colonel X": the rank's title is in apposition to the office's.
    const office = titles
      .map((title) => parsed.head(title))
      .find((above, i) => {
        const title = titles[i] as NlpToken;
        return above && title.relation === "appos" && above.pos === "NOUN" && titleWords.has(wordOf(above));
      });
    if (office) titles.push(office);
    for (const title of titles) {
      if (title.pos !== "NOUN" || !titleWords.has(wordOf(title))) continue;
      const office = officeOf(parsed, title, token);
      if (!office || office.kind === "PERSON") continue;
      out.push({
        type: "OFFICE",
        from: { ref: span.ref, kind: span.kind, indirect: false },
        to: office,
        trigger: title,
        rule: title.index > token.index ? "office-apposition" : "office-title-before-name",
        confidence: 0.7,
        negated: false,
      });
    }
  }
  return out;
}

/** Kinds of actor that belong to a state when their name says which ("le gouvernement malien"). */
const bodyKinds = new Set(["GOVERNMENT_BODY", "ARMED_FORCE", "MILITARY_OPERATION"]);

/**
 * PART_OF from a body's name: a government body, an armed force or an operation named with an adjective of
 * nationality or a "de" + state ("le gouvernement malien", "les forces françaises", "le ministère des Affaires
 * étrangères de la Fédération de Russie"), inside its span or attached to it, belongs to that state.
 */
function partOfRelations(parsed: ParsedSentence): ParsedRelation[] {
  const out: ParsedRelation[] = [];
  const done = new Set<ActorSpan>();
  for (const token of parsed.tokens) {
    const span = parsed.spanOf.get(token.index);
    if (!span || done.has(span) || !bodyKinds.has(span.kind)) continue;
    done.add(span);
    const inside = parsed.tokens.filter((t) => parsed.spanOf.get(t.index) === span);
    const head = inside.find((t) => !inside.some((o) => o.index === t.head)) ?? token;
    const attached = inside.flatMap((t) =>
      parsed.children(t, (r) => r === "amod" || r.startsWith("nmod")).filter((c) => !inside.includes(c)),
    );
    let state: ArgumentActor | undefined;
    for (const candidate of [...inside.slice(1), ...attached]) {
      const candidateSpan = parsed.spanOf.get(candidate.index);
      if (candidateSpan && candidateSpan !== span) {
        if (
          candidateSpan.kind === "STATE" &&
          (candidate.relation === "amod" || parsed.caseOf(candidate) === "de")
        )
          state = { ref: candidateSpan.ref, kind: candidateSpan.kind, indirect: false };
      } else if (candidate.pos === "ADJ" || candidate.pos === "PROPN") {
        const named = parsed.demonym(candidate.word);
        if (named) state = { ref: named.ref, kind: named.kind, indirect: false };
      }
      if (state) break;
    }
    if (!state) continue;
    out.push({
      type: "PART_OF",
      from: { ref: span.ref, kind: span.kind, indirect: false },
      to: state,
      trigger: head,
      rule: "part-of-name",
      confidence: 0.5,
      negated: false,
    });
  }
  return out;
}

/** A statement to a media outlet: a reporting verb with "à" + a media ("a déclaré à l'agence X"). */
function statementRelations(parsed: ParsedSentence, verb: NlpToken): ParsedRelation[] {
  const media = (obliques(parsed, verb).get("a") ?? []).filter((actor) => actor.kind === "MEDIA");
  if (media.length === 0) return [];
  const base = { trigger: verb, rule: "speech-to-media", negated: false };
  return pairings("STATEMENT", subjectOf(parsed, verb), media, base, 0.55);
}

/** Every relation the parse of one sentence states, in the order of their triggers. */
export function sentenceRelations(parsed: ParsedSentence): ParsedRelation[] {
  const out: ParsedRelation[] = [];
  for (const token of parsed.tokens) {
    if (token.pos === "VERB" || token.pos === "ADJ") {
      const lemma = verbLemma(token.text);
      // A participle is its verb's ("déployés"); an adjective with a copula its own ("présents au Mali").
      const trigger =
        (lemma ? verbTrigger(lemma) : undefined) ??
        (token.pos === "ADJ" ? adjectiveTrigger(token.text) : undefined);
      if (trigger) out.push(...verbRelations(parsed, token, trigger));
      else if (token.pos === "VERB" && lemma && speechClass(lemma))
        out.push(...statementRelations(parsed, token));
    } else if (token.pos === "NOUN") {
      const lemma = nounLemma(token.text);
      let trigger = lemma ? nounTrigger(lemma) : undefined;
      // "coup d'État": the noun "coup" names an overthrow only with "État".
      if (!trigger && wordOf(token) === "coup" && parsed.children(token).some((c) => wordOf(c) === "etat"))
        trigger = { type: "OVERTHROW", to: ["contre"], confidence: 0.55 };
      if (trigger) out.push(...nounRelations(parsed, token, trigger));
    }
  }
  out.push(...officeRelations(parsed), ...partOfRelations(parsed));
  return out
    .map((relation) =>
      // A meeting with a media outlet ("un entretien avec l'agence X") is a statement to it.
      relation.type === "MEETING" && relation.to.kind === "MEDIA"
        ? { ...relation, type: "STATEMENT" }
        : relation,
    )
    .sort((a, b) => a.trigger.index - b.trigger.index);
}
