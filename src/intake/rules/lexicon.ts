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
};

/** Event nouns by singular, with where their `to` end is (their `from` is a "de" dependent or the verb's subject). */
const nounTriggers: Record<string, Trigger> = {
  livraison: { type: "ARMS_SUPPLY", to: ["à"], confidence: 0.6 },
  fourniture: { type: "ARMS_SUPPLY", to: ["à"], confidence: 0.55 },
  formation: { type: "TRAINING", to: ["de"], confidence: 0.45 },
  entraînement: { type: "TRAINING", to: ["de"], confidence: 0.45 },
  visite: { type: "VISIT", to: places, confidence: 0.65 },
  rencontre: { type: "MEETING", to: ["avec", "entre"], confidence: 0.6 },
  entretien: { type: "MEETING", to: ["avec", "entre"], confidence: 0.55 },
  entrevue: { type: "MEETING", to: ["avec", "entre"], confidence: 0.6 },
  déploiement: { type: "DEPLOYMENT", to: places, confidence: 0.6 },
  présence: { type: "DEPLOYMENT", to: places, confidence: 0.55 },
  retrait: { type: "WITHDRAWAL", to: ["de"], confidence: 0.6 },
  départ: { type: "WITHDRAWAL", to: ["de"], confidence: 0.5 },
  accusation: { type: "ACCUSATION", to: ["contre", "de"], confidence: 0.45 },
  accord: { type: "AGREEMENT", to: ["avec", "entre"], confidence: 0.55 },
  traité: { type: "AGREEMENT", to: ["avec", "entre"], confidence: 0.5 },
  putsch: { type: "OVERTHROW", to: ["contre"], confidence: 0.5 },
  soutien: { type: "SUPPORT", to: ["à"], confidence: 0.55 },
  appui: { type: "SUPPORT", to: ["à"], confidence: 0.5 },
  aide: { type: "SUPPORT", to: ["à"], confidence: 0.45 },
  attaque: { type: "ATTACK", to: ["contre"], confidence: 0.55 },
  offensive: { type: "ATTACK", to: ["contre"], confidence: 0.5 },
  frappe: { type: "ATTACK", to: ["contre"], confidence: 0.5 },
  condamnation: { type: "CRITICISM", to: ["de"], confidence: 0.45 },
  critique: { type: "CRITICISM", to: ["de", "contre"], confidence: 0.45 },
  félicitation: { type: "CONGRATULATION", to: ["à"], confidence: 0.6 },
  invitation: { type: "INVITATION", to: ["à"], confidence: 0.55 },
  coopération: { type: "COOPERATION", to: ["avec", "entre"], confidence: 0.6 },
  collaboration: { type: "COOPERATION", to: ["avec", "entre"], confidence: 0.55 },
  partenariat: { type: "PARTNERSHIP", to: ["avec", "entre"], confidence: 0.6 },
  partenaire: { type: "PARTNERSHIP", to: ["de"], subjectIsTo: true, confidence: 0.5 },
  alliance: { type: "PARTNERSHIP", to: ["avec", "entre"], confidence: 0.55 },
  allié: { type: "PARTNERSHIP", to: ["de"], subjectIsTo: true, confidence: 0.5 },
  rapprochement: { type: "PARTNERSHIP", to: ["avec", "entre"], confidence: 0.5 },
  successeur: { type: "SUCCESSION", to: ["de"], confidence: 0.55 },
  membre: { type: "MEMBER_OF", to: ["de"], confidence: 0.5 },
  relation: { type: "DIPLOMATIC_RELATIONS", to: ["avec", "entre"], confidence: 0.4 },
};

/**
 * Adjectives that make an event noun name another type: "coopération militaire" is MILITARY_COOPERATION,
 * "relations diplomatiques" DIPLOMATIC_RELATIONS (and plain "relations" nothing: see `needsQualifier`).
 */
export const qualifiedTypes: Record<string, Record<string, string>> = {
  COOPERATION: {
    militaire: "MILITARY_COOPERATION",
    securitaire: "MILITARY_COOPERATION",
    "technico-militaire": "MILITARY_COOPERATION",
    defense: "MILITARY_COOPERATION",
  },
  DIPLOMATIC_RELATIONS: { diplomatique: "DIPLOMATIC_RELATIONS" },
};

/** Nouns that name their type only with a qualifying adjective ("relations diplomatiques", not "relations"). */
export const needsQualifier = new Set(["DIPLOMATIC_RELATIONS"]);

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

/** Folded noun forms (singular and plural) to their singular. */
const formsOfNouns = new Map<string, string>();
for (const noun of Object.keys(nounTriggers)) {
  const folded = foldName(noun);
  formsOfNouns.set(folded, noun);
  formsOfNouns.set(folded.endsWith("s") || folded.endsWith("x") ? folded : `${folded}s`, noun);
  if (folded.endsWith("al")) formsOfNouns.set(`${folded.slice(0, -2)}aux`, noun);
}

/** The infinitive of a verb form (any tense, person, participle agreement), or undefined when not ours. */
export const verbLemma = (form: string): string | undefined => formsOfVerbs().get(foldName(form));

/** The singular of an event noun form, or undefined when not ours. */
export const nounLemma = (form: string): string | undefined => formsOfNouns.get(foldName(form));

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
      (trigger.type === type || Object.values(qualifiedTypes[trigger.type] ?? {}).includes(type))
    )
      forms.add(form);
  }
  return forms;
}
