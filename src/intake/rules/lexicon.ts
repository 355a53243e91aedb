import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { foldName } from "../../domain/text.js";

/**
 * Intake's French lexicon: the words that name a relation of the vocabulary (verbs and event nouns), the verbs
 * that report speech, and the stance each carries. CoreNLP's French pipeline gives no lemmas, so every inflected
 * form of each verb is generated from the Lefff conjugation tables (npm `french-verbs-lefff`, Apache-2.0) and
 * looked up folded (no accents, lower case). Written from French grammar and the vocabulary's descriptions, not
 * from any article.
 */

/**
 * Where a trigger finds the `to` end of its relation: "obj" is the direct object (the passive subject when the
 * verb is passive), a preposition ("à", "avec", "de" ...) an oblique or nominal dependent introduced by it.
 */
export type Slot = "obj" | string;

/** A word that names a relation type, with where its ends are. */
export interface Trigger {
  type: string;
  /** Slots tried in order for the `to` end. */
  to: readonly Slot[];
  /**
   * For verbs whose direct object may be the mover rather than the place (déployer, envoyer: "déployer des
   * soldats au Mali"): the object, when it is an actor, is the `from` end instead of the subject.
   */
  objectIsFrom?: boolean;
  /** Reflexive verbs ("se rendre à") only count with their reflexive pronoun. */
  reflexive?: boolean;
  /**
   * For a noun said of a subject with a copula ("X est un partenaire de Y", "X est le successeur de Y"): whether
   * the subject is the relation's `to` (X is Y's partner: Y has X as partner) rather than its `from`.
   */
  subjectIsTo?: boolean;
  /**
   * For verbs said from the other end ("X achète des armes à Y": Y supplies X): the subject is the `to` end and
   * the slot's actor the `from` end.
   */
  reversed?: boolean;
  /**
   * Adjectives (folded, without their agreement endings) that make the noun name another relation, with its own
   * slots: "coopération militaire" is MILITARY_COOPERATION, "opérations conjointes" JOINT_OPERATION.
   */
  qualified?: Record<string, Trigger>;
  /** The noun names a relation only with one of its `qualified` adjectives ("relations diplomatiques"). */
  onlyQualified?: boolean;
  /** Confidence of a relation made from this trigger with both ends found in their slots. */
  confidence: number;
}

/** The stance a reporting verb gives to what it reports. */
export type SpeechClass = "ASSERTS" | "ACCUSES" | "DENIES";

const places = ["à", "en", "dans", "vers"];

/** Verb triggers by infinitive. */
const verbTriggers: Record<string, Trigger> = {
  livrer: { type: "ARMS_SUPPLY", to: ["à"], confidence: 0.75 },
  fournir: { type: "ARMS_SUPPLY", to: ["à"], confidence: 0.6 },
  vendre: { type: "ARMS_SUPPLY", to: ["à"], confidence: 0.55 },
  équiper: { type: "ARMS_SUPPLY", to: ["obj"], confidence: 0.6 },
  armer: { type: "ARMS_SUPPLY", to: ["obj"], confidence: 0.6 },
  former: { type: "TRAINING", to: ["obj"], confidence: 0.65 },
  entraîner: { type: "TRAINING", to: ["obj"], confidence: 0.6 },
  instruire: { type: "TRAINING", to: ["obj"], confidence: 0.55 },
  rendre: { type: "VISIT", to: places, reflexive: true, confidence: 0.75 },
  visiter: { type: "VISIT", to: ["obj"], confidence: 0.75 },
  rencontrer: { type: "MEETING", to: ["obj", "avec"], confidence: 0.75 },
  recevoir: { type: "MEETING", to: ["obj"], confidence: 0.55 },
  entretenir: { type: "MEETING", to: ["avec"], reflexive: true, confidence: 0.65 },
  déployer: { type: "DEPLOYMENT", to: places, objectIsFrom: true, confidence: 0.7 },
  envoyer: { type: "DEPLOYMENT", to: places, objectIsFrom: true, confidence: 0.55 },
  stationner: { type: "DEPLOYMENT", to: places, confidence: 0.6 },
  retirer: { type: "WITHDRAWAL", to: ["de"], objectIsFrom: true, confidence: 0.7 },
  quitter: { type: "WITHDRAWAL", to: ["obj"], confidence: 0.6 },
  accuser: { type: "ACCUSATION", to: ["obj"], confidence: 0.75 },
  démentir: { type: "DENIAL", to: ["obj"], confidence: 0.6 },
  nier: { type: "DENIAL", to: ["obj"], confidence: 0.6 },
  réfuter: { type: "DENIAL", to: ["obj"], confidence: 0.55 },
  signer: { type: "AGREEMENT", to: ["avec"], confidence: 0.7 },
  conclure: { type: "AGREEMENT", to: ["avec"], confidence: 0.6 },
  renverser: { type: "OVERTHROW", to: ["obj"], confidence: 0.75 },
  destituer: { type: "OVERTHROW", to: ["obj"], confidence: 0.7 },
  soutenir: { type: "SUPPORT", to: ["obj"], confidence: 0.6 },
  appuyer: { type: "SUPPORT", to: ["obj"], confidence: 0.55 },
  aider: { type: "SUPPORT", to: ["obj"], confidence: 0.55 },
  attaquer: { type: "ATTACK", to: ["obj"], confidence: 0.7 },
  bombarder: { type: "ATTACK", to: ["obj"], confidence: 0.7 },
  combattre: { type: "COMBAT", to: ["obj", "contre"], confidence: 0.7 },
  battre: { type: "COMBAT", to: ["contre"], reflexive: true, confidence: 0.65 },
  lutter: { type: "COMBAT", to: ["contre"], confidence: 0.6 },
  condamner: { type: "CRITICISM", to: ["obj"], confidence: 0.65 },
  critiquer: { type: "CRITICISM", to: ["obj"], confidence: 0.7 },
  dénoncer: { type: "CRITICISM", to: ["obj"], confidence: 0.6 },
  fustiger: { type: "CRITICISM", to: ["obj"], confidence: 0.65 },
  féliciter: { type: "CONGRATULATION", to: ["obj"], confidence: 0.75 },
  demander: { type: "REQUEST", to: ["à"], confidence: 0.5 },
  solliciter: { type: "REQUEST", to: ["obj", "auprès"], confidence: 0.5 },
  inviter: { type: "INVITATION", to: ["obj"], confidence: 0.7 },
  coopérer: { type: "COOPERATION", to: ["avec"], confidence: 0.7 },
  collaborer: { type: "COOPERATION", to: ["avec"], confidence: 0.65 },
  succéder: { type: "SUCCESSION", to: ["à"], confidence: 0.7 },
  remplacer: { type: "SUCCESSION", to: ["obj"], confidence: 0.6 },
  diriger: { type: "OFFICE", to: ["obj"], confidence: 0.6 },
  commander: { type: "OFFICE", to: ["obj"], confidence: 0.55 },
  présider: { type: "OFFICE", to: ["obj"], confidence: 0.6 },
  rejoindre: { type: "MEMBER_OF", to: ["obj"], confidence: 0.5 },
  adhérer: { type: "MEMBER_OF", to: ["à"], confidence: 0.55 },
  acheter: { type: "ARMS_SUPPLY", to: ["à", "auprès"], reversed: true, confidence: 0.55 },
  acquérir: { type: "ARMS_SUPPLY", to: ["auprès"], reversed: true, confidence: 0.5 },
  affronter: { type: "COMBAT", to: ["obj"], confidence: 0.65 },
  intervenir: { type: "DEPLOYMENT", to: places, confidence: 0.5 },
  apprécier: { type: "SATISFACTION", to: ["obj"], confidence: 0.45 },
  saluer: { type: "SATISFACTION", to: ["obj"], confidence: 0.45 },
};

/** Adjectives said of their subject with a copula ("X est présent au Mali"), by masculine singular. */
const adjectiveTriggers: Record<string, Trigger> = {
  présent: { type: "DEPLOYMENT", to: places, confidence: 0.55 },
  hostile: { type: "CRITICISM", to: ["à"], confidence: 0.45 },
};

const military = (to: readonly Slot[], confidence: number): Trigger => ({
  type: "MILITARY_COOPERATION",
  to,
  confidence,
});
/** "coopération militaire", "... sécuritaire", "... technico-militaire", "... de défense". */
const militaryQualifiers = (to: readonly Slot[], confidence: number) => ({
  militaire: military(to, confidence),
  securitaire: military(to, confidence),
  "technico-militaire": military(to, confidence),
  defense: military(to, confidence),
});

/**
 * Event nouns by singular, with where their `to` end is (their `from` is a "de" or "par" dependent, an adjective
 * of nationality, a possessive's owner or the subject of the verb they are the object of).
 */
const nounTriggers: Record<string, Trigger> = {
  livraison: { type: "ARMS_SUPPLY", to: ["à"], confidence: 0.6 },
  fourniture: { type: "ARMS_SUPPLY", to: ["à"], confidence: 0.55 },
  formation: { type: "TRAINING", to: ["de"], confidence: 0.45 },
  entraînement: { type: "TRAINING", to: ["de"], confidence: 0.45 },
  visite: { type: "VISIT", to: places, confidence: 0.65 },
  rencontre: { type: "MEETING", to: ["avec", "entre"], confidence: 0.6 },
  entretien: { type: "MEETING", to: ["avec", "entre"], confidence: 0.55 },
  entrevue: { type: "MEETING", to: ["avec", "entre"], confidence: 0.6 },
  réunion: { type: "MEETING", to: ["avec", "entre"], confidence: 0.55 },
  audience: { type: "MEETING", to: ["avec", "auprès"], confidence: 0.5 },
  discussion: { type: "MEETING", to: ["avec", "entre"], confidence: 0.45 },
  négociation: { type: "MEETING", to: ["avec", "entre"], confidence: 0.45 },
  pourparlers: { type: "MEETING", to: ["avec", "entre"], confidence: 0.5 },
  sommet: { type: "MEETING", to: ["avec", "entre"], confidence: 0.45 },
  interview: { type: "STATEMENT", to: ["à", "avec"], confidence: 0.55 },
  déploiement: { type: "DEPLOYMENT", to: places, confidence: 0.6 },
  présence: { type: "DEPLOYMENT", to: places, confidence: 0.55 },
  arrivée: { type: "DEPLOYMENT", to: places, confidence: 0.5 },
  envoi: { type: "DEPLOYMENT", to: places, confidence: 0.55 },
  intervention: { type: "DEPLOYMENT", to: places, confidence: 0.5 },
  retrait: { type: "WITHDRAWAL", to: ["de"], confidence: 0.6 },
  départ: { type: "WITHDRAWAL", to: ["de"], confidence: 0.5 },
  accusation: { type: "ACCUSATION", to: ["contre", "de"], confidence: 0.45 },
  accord: { type: "AGREEMENT", to: ["avec", "entre"], confidence: 0.55 },
  traité: { type: "AGREEMENT", to: ["avec", "entre"], confidence: 0.5 },
  putsch: { type: "OVERTHROW", to: ["contre"], confidence: 0.5 },
  renversement: { type: "OVERTHROW", to: ["de"], confidence: 0.55 },
  soutien: { type: "SUPPORT", to: ["à"], confidence: 0.55 },
  appui: { type: "SUPPORT", to: ["à"], confidence: 0.5 },
  aide: { type: "SUPPORT", to: ["à"], confidence: 0.45 },
  attaque: { type: "ATTACK", to: ["contre"], confidence: 0.55 },
  offensive: { type: "ATTACK", to: ["contre"], confidence: 0.5 },
  frappe: { type: "ATTACK", to: ["contre"], confidence: 0.5 },
  lutte: { type: "COMBAT", to: ["contre"], confidence: 0.5 },
  combat: { type: "COMBAT", to: ["contre"], confidence: 0.5 },
  guerre: { type: "COMBAT", to: ["contre"], confidence: 0.5 },
  opération: {
    type: "COMBAT",
    to: ["contre"],
    confidence: 0.45,
    qualified: {
      conjoint: { type: "JOINT_OPERATION", to: ["avec", "entre"], confidence: 0.55 },
      commun: { type: "JOINT_OPERATION", to: ["avec", "entre"], confidence: 0.5 },
    },
  },
  condamnation: { type: "CRITICISM", to: ["de"], confidence: 0.45 },
  critique: { type: "CRITICISM", to: ["de", "contre"], confidence: 0.45 },
  félicitation: { type: "CONGRATULATION", to: ["à"], confidence: 0.6 },
  satisfaction: { type: "SATISFACTION", to: ["envers", "pour", "vis-à-vis", "à"], confidence: 0.5 },
  invitation: { type: "INVITATION", to: ["à"], confidence: 0.55 },
  demande: { type: "REQUEST", to: ["à", "auprès"], confidence: 0.45 },
  coopération: {
    type: "COOPERATION",
    to: ["avec", "entre"],
    confidence: 0.6,
    qualified: militaryQualifiers(["avec", "entre"], 0.6),
  },
  collaboration: {
    type: "COOPERATION",
    to: ["avec", "entre"],
    confidence: 0.55,
    qualified: militaryQualifiers(["avec", "entre"], 0.55),
  },
  lien: { type: "COOPERATION", to: ["avec", "entre"], confidence: 0.4 },
  partenariat: { type: "PARTNERSHIP", to: ["avec", "entre"], confidence: 0.6 },
  partenaire: { type: "PARTNERSHIP", to: ["de"], subjectIsTo: true, confidence: 0.5 },
  alliance: { type: "PARTNERSHIP", to: ["avec", "entre"], confidence: 0.55 },
  allié: { type: "PARTNERSHIP", to: ["de"], subjectIsTo: true, confidence: 0.5 },
  rapprochement: { type: "PARTNERSHIP", to: ["avec", "entre"], confidence: 0.5 },
  entente: { type: "PARTNERSHIP", to: ["avec", "entre"], confidence: 0.45 },
  successeur: { type: "SUCCESSION", to: ["de"], confidence: 0.55 },
  succession: { type: "SUCCESSION", to: ["de"], confidence: 0.5 },
  relais: { type: "SUCCESSION", to: ["de"], confidence: 0.45 },
  relève: { type: "SUCCESSION", to: ["de"], confidence: 0.45 },
  membre: { type: "MEMBER_OF", to: ["de"], confidence: 0.5 },
  désaccord: { type: "DISPUTE", to: ["avec", "entre"], confidence: 0.5 },
  différend: { type: "DISPUTE", to: ["avec", "entre"], confidence: 0.5 },
  brouille: { type: "DISPUTE", to: ["avec", "entre"], confidence: 0.5 },
  contentieux: { type: "DISPUTE", to: ["avec", "entre"], confidence: 0.45 },
  tension: { type: "DISPUTE", to: ["avec", "entre"], confidence: 0.4 },
  relation: {
    type: "DIPLOMATIC_RELATIONS",
    to: ["avec", "entre"],
    confidence: 0.4,
    onlyQualified: true,
    qualified: { diplomatique: { type: "DIPLOMATIC_RELATIONS", to: ["avec", "entre"], confidence: 0.45 } },
  },
};

/** Reporting verbs by infinitive, with the stance they give to what they report. */
const speechVerbs: Record<string, SpeechClass> = {
  déclarer: "ASSERTS",
  affirmer: "ASSERTS",
  annoncer: "ASSERTS",
  dire: "ASSERTS",
  estimer: "ASSERTS",
  indiquer: "ASSERTS",
  expliquer: "ASSERTS",
  souligner: "ASSERTS",
  assurer: "ASSERTS",
  préciser: "ASSERTS",
  ajouter: "ASSERTS",
  rappeler: "ASSERTS",
  confirmer: "ASSERTS",
  reconnaître: "ASSERTS",
  insister: "ASSERTS",
  marteler: "ASSERTS",
  promettre: "ASSERTS",
  prévenir: "ASSERTS",
  avertir: "ASSERTS",
  évoquer: "ASSERTS",
  noter: "ASSERTS",
  observer: "ASSERTS",
  juger: "ASSERTS",
  considérer: "ASSERTS",
  penser: "ASSERTS",
  croire: "ASSERTS",
  raconter: "ASSERTS",
  confier: "ASSERTS",
  répondre: "ASSERTS",
  écrire: "ASSERTS",
  signaler: "ASSERTS",
  révéler: "ASSERTS",
  admettre: "ASSERTS",
  répéter: "ASSERTS",
  exprimer: "ASSERTS",
  souhaiter: "ASSERTS",
  accuser: "ACCUSES",
  dénoncer: "ACCUSES",
  reprocher: "ACCUSES",
  soupçonner: "ACCUSES",
  démentir: "DENIES",
  nier: "DENIES",
  réfuter: "DENIES",
  contester: "DENIES",
  rejeter: "DENIES",
};

/** Titles of persons (folded): a title in apposition or before a name makes its holder an official of what it names ("X, ministre des Affaires étrangères du Mali"); a title is never read as the state or body it names ("le président malien" is not Mali). */
export const titleWords = new Set(
  "ministre vice-ministre president presidente chef homologue directeur directrice porte-parole ambassadeur ambassadrice commandant secretaire dirigeant dirigeante fondateur patron premier general colonel responsable representant representante conseiller conseillere gouverneur envoye emissaire vice-president leader roi reine chancelier chanceliere".split(
    " ",
  ),
);

/** Speech nouns that name a speaker's claim: "selon le communiqué de X" has X speak. */
export const speechPrepositions = new Set(["selon", "après"]);

type ConjugationTable = Record<string, Record<string, (string | null)[]>>;

/** Every simple form (and past participle) of each infinitive, folded, mapped back to the infinitive. */
function verbForms(infinitives: readonly string[]): Map<string, string> {
  const require = createRequire(import.meta.url);
  // Read and parse here rather than `require` it: the 6 MB table is then garbage once the forms are taken.
  const table = JSON.parse(
    readFileSync(require.resolve("french-verbs-lefff/dist/conjugations.json"), "utf8"),
  ) as ConjugationTable;
  const forms = new Map<string, string>();
  for (const infinitive of infinitives) {
    const tenses = table[infinitive];
    if (!tenses) throw new Error(`intake lexicon: "${infinitive}" is not in the Lefff conjugation tables`);
    forms.set(foldName(infinitive), infinitive);
    for (const list of Object.values(tenses)) {
      for (const form of list) if (form && form !== "NA") forms.set(foldName(form), infinitive);
    }
  }
  return forms;
}

let formsOfVerbsMemo: Map<string, string> | undefined;
/**
 * The verbs' forms, built on first use rather than at import: parsing the 6 MB Lefff table costs about 0.6 s,
 * which every module importing intake's rules (and every test file) would otherwise pay whether or not it runs
 * them.
 */
function formsOfVerbs(): Map<string, string> {
  formsOfVerbsMemo ??= verbForms([...new Set([...Object.keys(verbTriggers), ...Object.keys(speechVerbs)])]);
  return formsOfVerbsMemo;
}

/** Folded forms (singular and plural; both genders for adjectives) to their lemma. */
function nominalForms(lemmas: readonly string[], genders: boolean): Map<string, string> {
  const forms = new Map<string, string>();
  for (const lemma of lemmas) {
    const folded = foldName(lemma);
    const bases = genders && !folded.endsWith("e") ? [folded, `${folded}e`] : [folded];
    for (const base of bases) {
      forms.set(base, lemma);
      forms.set(base.endsWith("s") || base.endsWith("x") ? base : `${base}s`, lemma);
      if (base.endsWith("al")) forms.set(`${base.slice(0, -2)}aux`, lemma);
    }
  }
  return forms;
}
const formsOfNouns = nominalForms(Object.keys(nounTriggers), false);
const formsOfAdjectives = nominalForms(Object.keys(adjectiveTriggers), true);

/** The infinitive of a verb form (any tense, person, participle agreement), or undefined when not ours. */
export const verbLemma = (form: string): string | undefined => formsOfVerbs().get(foldName(form));

/** The singular of an event noun form, or undefined when not ours. */
export const nounLemma = (form: string): string | undefined => formsOfNouns.get(foldName(form));

/** The trigger an adjective form is ("présents" → présent's), if any. */
export const adjectiveTrigger = (form: string): Trigger | undefined => {
  const lemma = formsOfAdjectives.get(foldName(form));
  return lemma ? adjectiveTriggers[lemma] : undefined;
};

/**
 * The trigger an event noun names given the folded adjectives that qualify it: "coopération militaire" →
 * MILITARY_COOPERATION's, "relations" alone → undefined. Agreement endings are ignored ("conjointes").
 */
export function qualifiedTrigger(trigger: Trigger, adjectives: readonly string[]): Trigger | undefined {
  for (const adjective of adjectives) {
    const bare = adjective.replace(/(e|s|es)$/u, "");
    const found = trigger.qualified?.[adjective] ?? trigger.qualified?.[bare];
    if (found) return found;
  }
  return trigger.onlyQualified ? undefined : trigger;
}

/** The trigger a verb infinitive or event noun is, if any. */
export const verbTrigger = (lemma: string): Trigger | undefined => verbTriggers[lemma];
export const nounTrigger = (lemma: string): Trigger | undefined => nounTriggers[lemma];

/** The stance a reporting verb's infinitive gives, if it reports speech. */
export const speechClass = (lemma: string): SpeechClass | undefined => speechVerbs[lemma];

/**
 * Every folded form of the triggers of `type` (verbs' inflections and nouns' plurals): what the gazetteer-only
 * rule looks for in a sentence without a parse.
 */
export function triggerFormsOf(type: string): Set<string> {
  const forms = new Set<string>();
  for (const [form, lemma] of formsOfVerbs()) if (verbTriggers[lemma]?.type === type) forms.add(form);
  for (const [form, lemma] of formsOfNouns) {
    const trigger = nounTriggers[lemma];
    if (
      trigger &&
      ((trigger.type === type && !trigger.onlyQualified) ||
        Object.values(trigger.qualified ?? {}).some((qualified) => qualified.type === type))
    )
      forms.add(form);
  }
  return forms;
}
