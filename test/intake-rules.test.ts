import { beforeAll, describe, expect, it } from "vitest";
import type { KnownActor, KnownRelation, ProposalDraft, RelationDraft } from "../src/domain/proposal.js";
import { quoteContextPoints } from "../src/domain/proposal.js";
import { codePoints, sliceCodePoints } from "../src/domain/text.js";
import { vocabulary } from "../src/domain/vocabulary.js";
import { proposeFromText } from "../src/intake/propose.js";
import type { NlpAnnotation } from "../src/nlp/annotation.js";
import { annotateFrench } from "../src/nlp/client.js";
import { testNlpReady } from "./support/nlp.js";

/**
 * Intake's rules against the real CoreNLP parse, on sentences written for this test (none from the seed): each
 * construction the rules read (active, passive with agent, coordination, relative clause, event noun, title in
 * apposition, reported speech with « » and "selon", denial, dates, a citation instead of a duplicate, a new name
 * with its kind, an alias) and the gazetteer alone without NLP.
 */

const lines = [
  "L'Algérie et l'Égypte ont livré des blindés au Tchad en 2018.",
  "Le Soudan a été attaqué par l'Érythrée le 3 mars 2020.",
  "Le Sénégal, qui soutient la Gambie depuis 2017, a protesté.",
  "La livraison de drones égyptiens au Niger a été confirmée.",
  "Amadou Keita, ministre de la Défense du Ghana, a reçu une délégation.",
  "« Le Bénin a toujours soutenu le Niger », a déclaré le ministre Keita.",
  "Selon l'Union africaine, le Gabon a formé les soldats camerounais.",
  "Le Rwanda a nié avoir attaqué le Burundi.",
  "Amadou Keita s'est rendu au Sénégal en 2021.",
  "L'agence Sahel Infos affirme que le Mozambique coopère avec la Zambie.",
  "Le Ghana est un partenaire solide du Togo.",
  "Moussa Traoré était absent de la réunion.",
  "« Le Togo a toujours aidé le Bénin », a précisé le ministre.",
  "Dans un entretien avec la presse, Moussa Traoré, ministre du Togo, a affirmé que le Gabon soutient le Tchad.",
  "Amadou Keita s'est rendu à Lomé en 2022.",
  "Les soldats américains ont formé les forces ghanéennes.",
  "Le gouvernement togolais a condamné le Gabon.",
  "Le Niger soutient le Togo.",
  "C'est ce qu'a annoncé Moussa Traoré.",
  "Un diplomate a affirmé que le Bénin soutient le Ghana.",
  "Le Bénin est l'un des principaux partenaires du Niger.",
  "Le Togo est membre de l'Union africaine.",
  "En visite à Lomé, Moussa Traoré a salué les progrès du pays.",
  "Le vice-ministre ghanéen de la Défense, Moussa Traoré, a visité le Togo.",
];
const text = lines.join("\n");

const state = (key: string, name: string): KnownActor => ({ key, name, kind: "STATE", aliases: [] });
const actors: KnownActor[] = [
  ...[
    ["algeria", "Algérie"],
    ["egypt", "Égypte"],
    ["chad", "Tchad"],
    ["sudan", "Soudan"],
    ["eritrea", "Érythrée"],
    ["senegal", "Sénégal"],
    ["gambia", "Gambie"],
    ["niger", "Niger"],
    ["ghana", "Ghana"],
    ["benin", "Bénin"],
    ["gabon", "Gabon"],
    ["cameroon", "Cameroun"],
    ["rwanda", "Rwanda"],
    ["burundi", "Burundi"],
    ["mozambique", "Mozambique"],
    ["zambia", "Zambie"],
    ["togo", "Togo"],
    ["united-states", "États-Unis"],
  ].map(([key, name]) => state(key as string, name as string)),
  { key: "african-union", name: "Union africaine", kind: "ORGANIZATION", aliases: [] },
  { key: "amadou-keita", name: "Amadou Keita", kind: "PERSON", aliases: [] },
  { key: "moussa-traore", name: "Moussa Traoré", kind: "PERSON", aliases: [] },
  { key: "togo-government", name: "gouvernement togolais", kind: "GOVERNMENT_BODY", aliases: [] },
];
const relations: KnownRelation[] = [
  {
    key: "rel-keita-visit-senegal",
    type: "VISIT",
    from: "amadou-keita",
    to: "senegal",
    role: null,
    at: "2021",
    start: null,
    end: null,
  },
];

/** Every quote is the text at its code-point offsets, with its context around it. */
function expectQuotesExact(drafts: readonly ProposalDraft[], source: string): void {
  const points = codePoints(source);
  for (const draft of drafts) {
    const { start, end } = draft.quote;
    expect(draft.quote.text).toBe(sliceCodePoints(points, start, end));
    expect(draft.quote.before).toBe(sliceCodePoints(points, Math.max(0, start - quoteContextPoints), start));
    expect(draft.quote.after).toBe(sliceCodePoints(points, end, end + quoteContextPoints));
  }
}

const relationsIn = (drafts: readonly ProposalDraft[], line: number) =>
  drafts.filter((d): d is RelationDraft => d.kind === "RELATION" && d.quote.text === lines[line]);
const ends = (draft: RelationDraft) => [draft.type, draft.from, draft.to];

describe("intake rules over the real French parse", () => {
  let annotation: NlpAnnotation;
  let drafts: ProposalDraft[];

  beforeAll(async () => {
    const url = await testNlpReady();
    annotation = await annotateFrench(url, text, { timeoutMs: 120_000 });
    drafts = proposeFromText({ text, annotation, actors, relations, vocabulary });
  }, 400_000);

  it("quotes every draft exactly, numbers them p1, p2, ... in text order, and answers the same twice", () => {
    expectQuotesExact(drafts, text);
    expect(drafts.map((d) => d.id)).toEqual(drafts.map((_, i) => `p${i + 1}`));
    const starts = drafts.map((d) => d.quote.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(proposeFromText({ text, annotation, actors, relations, vocabulary })).toEqual(drafts);
  });

  it("reads an active verb with coordinated subjects as one relation each, dated from the sentence", () => {
    const found = relationsIn(drafts, 0);
    expect(found.map(ends)).toEqual([
      ["ARMS_SUPPLY", { actor: "algeria" }, { actor: "chad" }],
      ["ARMS_SUPPLY", { actor: "egypt" }, { actor: "chad" }],
    ]);
    expect(found.map((d) => [d.at, d.start, d.end, d.speaker, d.stance])).toEqual([
      ["2018", null, null, null, "REPORTS"],
      ["2018", null, null, null, "REPORTS"],
    ]);
  });

  it("reads a passive with its agent the right way round, with a full date", () => {
    const [attack] = relationsIn(drafts, 1);
    expect(attack && ends(attack)).toEqual(["ATTACK", { actor: "eritrea" }, { actor: "sudan" }]);
    expect(attack?.at).toBe("2020-03-03");
    expect(attack?.producer).toEqual({ stage: "PARSE", rule: "verb-passive-agent:article-voice" });
  });

  it("takes a relative clause's antecedent as its subject, and 'depuis' as a start", () => {
    const [support] = relationsIn(drafts, 2);
    expect(support && ends(support)).toEqual(["SUPPORT", { actor: "senegal" }, { actor: "gambia" }]);
    expect([support?.at, support?.start]).toEqual([null, "2017"]);
  });

  it("reads an event noun with its dependents (an adjective of nationality as the supplier)", () => {
    expect(relationsIn(drafts, 3).map(ends)).toEqual([
      ["ARMS_SUPPLY", { actor: "egypt" }, { actor: "niger" }],
    ]);
  });

  it("makes a title in apposition an office in the state it names", () => {
    expect(relationsIn(drafts, 4).map(ends)).toEqual([
      ["OFFICE", { actor: "amadou-keita" }, { actor: "ghana" }],
    ]);
  });

  it("gives the speaker of a quotation in « » and of 'selon', asserting", () => {
    const [quoted] = relationsIn(drafts, 5);
    expect(quoted && ends(quoted)).toEqual(["SUPPORT", { actor: "benin" }, { actor: "niger" }]);
    expect([quoted?.speaker, quoted?.stance]).toEqual([{ actor: "amadou-keita" }, "ASSERTS"]);
    const [selon] = relationsIn(drafts, 6);
    expect(selon && ends(selon)).toEqual(["TRAINING", { actor: "gabon" }, { actor: "cameroon" }]);
    expect([selon?.speaker, selon?.stance]).toEqual([{ actor: "african-union" }, "ASSERTS"]);
  });

  it("gives an incise's bare title the person last quoted, not the last person named", () => {
    const [quoted] = relationsIn(drafts, 12);
    expect(quoted && ends(quoted)).toEqual(["SUPPORT", { actor: "togo" }, { actor: "benin" }]);
    expect([quoted?.speaker, quoted?.stance]).toEqual([{ actor: "amadou-keita" }, "ASSERTS"]);
  });

  it("gives a reporting verb's speaker even when a fronted phrase holds the name in apposition", () => {
    const reported = relationsIn(drafts, 13).find((d) => d.type === "SUPPORT");
    expect(reported && ends(reported)).toEqual(["SUPPORT", { actor: "gabon" }, { actor: "chad" }]);
    expect([reported?.speaker, reported?.stance]).toEqual([{ actor: "moussa-traore" }, "ASSERTS"]);
  });

  it("reads a known state's capital as that state, the place of a visit", () => {
    expect(relationsIn(drafts, 14).map(ends)).toEqual([
      ["VISIT", { actor: "amadou-keita" }, { actor: "togo" }],
    ]);
  });

  it("reads adjectives of nationality from the general table of states, irregular ones included", () => {
    expect(relationsIn(drafts, 15).map(ends)).toEqual([
      ["TRAINING", { actor: "united-states" }, { actor: "ghana" }],
    ]);
  });

  it("makes a body named with its state's adjective part of that state, in the article's own voice", () => {
    const found = relationsIn(drafts, 16);
    expect(found.map(ends)).toEqual([
      ["PART_OF", { actor: "togo-government" }, { actor: "togo" }],
      ["CRITICISM", { actor: "togo-government" }, { actor: "gabon" }],
    ]);
    expect(found.map((d) => [d.producer.rule, d.speaker, d.stance])[0]).toEqual([
      "part-of-name:article-voice",
      null,
      "REPORTS",
    ]);
  });

  it("takes the speaker of 'C'est ce qu'a annoncé X' for the sentence before", () => {
    const [said] = relationsIn(drafts, 17);
    expect(said && ends(said)).toEqual(["SUPPORT", { actor: "niger" }, { actor: "togo" }]);
    expect([said?.speaker, said?.stance]).toEqual([{ actor: "moussa-traore" }, "ASSERTS"]);
  });

  it("keeps reported speech asserted when its speaker is no known actor", () => {
    const [said] = relationsIn(drafts, 19);
    expect(said && ends(said)).toEqual(["SUPPORT", { actor: "benin" }, { actor: "ghana" }]);
    expect([said?.speaker, said?.stance, said?.producer.rule]).toEqual([
      null,
      "ASSERTS",
      "verb-subject-object:speech-unresolved",
    ]);
  });

  it("reads 'X est l'un des partenaires de Y' and 'X est membre de Y' as said of their subject", () => {
    expect(relationsIn(drafts, 20).map(ends)).toEqual([
      ["PARTNERSHIP", { actor: "niger" }, { actor: "benin" }],
    ]);
    expect(relationsIn(drafts, 21).map(ends)).toEqual([
      ["MEMBER_OF", { actor: "togo" }, { actor: "african-union" }],
    ]);
  });

  it("reads a fronted 'en visite à' + capital as the visit of the person named after it", () => {
    expect(
      relationsIn(drafts, 22)
        .filter((d) => d.type === "VISIT")
        .map(ends),
    ).toEqual([["VISIT", { actor: "moussa-traore" }, { actor: "togo" }]]);
  });

  it("makes a title with an adjective of nationality before a name an office in that state", () => {
    expect(
      relationsIn(drafts, 23)
        .filter((d) => d.type === "OFFICE")
        .map(ends),
    ).toEqual([["OFFICE", { actor: "moussa-traore" }, { actor: "ghana" }]]);
  });

  it("gives a denied relation the denier as speaker, denying", () => {
    const [denied] = relationsIn(drafts, 7);
    expect(denied && ends(denied)).toEqual(["ATTACK", { actor: "rwanda" }, { actor: "burundi" }]);
    expect([denied?.speaker, denied?.stance]).toEqual([{ actor: "rwanda" }, "DENIES"]);
  });

  it("cites a relation the graph has instead of proposing it again", () => {
    expect(relationsIn(drafts, 8)).toEqual([]);
    const citations = drafts.filter((d) => d.kind === "CITATION" && d.quote.text === lines[8]);
    expect(citations.map((d) => d.kind === "CITATION" && d.relation)).toEqual(["rel-keita-visit-senegal"]);
  });

  it("proposes a new name with its kind guessed from its noun, and lets a relation's speaker point at it", () => {
    const media = drafts.find((d) => d.kind === "ACTOR" && d.name === "Sahel Infos");
    expect(media).toMatchObject({ actorKind: "MEDIA", producer: { stage: "RECOGNISER" } });
    const [cooperation] = relationsIn(drafts, 9);
    expect(cooperation && ends(cooperation)).toEqual([
      "COOPERATION",
      { actor: "mozambique" },
      { actor: "zambia" },
    ]);
    expect(cooperation?.speaker).toEqual({ proposal: media?.id });
    expect(cooperation?.stance).toBe("ASSERTS");
  });

  it("reads a noun said of its subject with a copula (X is Y's partner: Y has X as partner)", () => {
    expect(relationsIn(drafts, 10).map(ends)).toEqual([
      ["PARTNERSHIP", { actor: "togo" }, { actor: "ghana" }],
    ]);
  });

  it("proposes a known person's surname as an alias, never a known name", () => {
    const aliases = drafts.filter((d) => d.kind === "ALIAS");
    expect(aliases.map((d) => d.kind === "ALIAS" && [d.actor, d.alias, d.quote.text])).toEqual([
      ["amadou-keita", "Keita", "Keita"],
    ]);
    const names = drafts.filter((d) => d.kind === "ACTOR").map((d) => d.kind === "ACTOR" && d.name);
    expect(names).toEqual(["Sahel Infos"]);
  });

  it("runs no recogniser or parse rule when a stage is off", () => {
    const recogniserOnly = proposeFromText({
      text,
      annotation,
      actors,
      relations,
      vocabulary,
      stages: { recogniser: true, parse: false },
    });
    expect(recogniserOnly.some((d) => d.kind === "RELATION" || d.producer.stage === "PARSE")).toBe(false);
    expect(recogniserOnly.some((d) => d.kind === "ACTOR")).toBe(true);
    expectQuotesExact(recogniserOnly, text);
  });
});

describe("intake rules with the gazetteer alone (no NLP)", () => {
  it("cites a known relation whose ends and a word of its type share a sentence, and proposes nothing else", () => {
    const drafts = proposeFromText({ text, annotation: null, actors, relations, vocabulary });
    expect(drafts.map((d) => [d.kind, d.producer.stage, d.quote.text])).toEqual([
      ["CITATION", "GAZETTEER", lines[8]],
    ]);
    expect(drafts[0]).toMatchObject({
      relation: "rel-keita-visit-senegal",
      speaker: null,
      stance: "REPORTS",
    });
    expectQuotesExact(drafts, text);
  });

  it("keeps exact offsets past characters outside the BMP and across sentences it splits itself", () => {
    const emoji = "🇸🇳 ";
    const source = `${emoji}Titre sans point\nLe 2 mai 2021, Amadou Keita s'est rendu au Sénégal. Fin.`;
    const drafts = proposeFromText({ text: source, annotation: null, actors, relations, vocabulary });
    expect(drafts.map((d) => d.quote.text)).toEqual(["Le 2 mai 2021, Amadou Keita s'est rendu au Sénégal."]);
    expectQuotesExact(drafts, source);
  });
});

/**
 * More constructions, each on a sentence written for this test (none from the seed): names of bodies written
 * with their lower-case noun, states the graph lacks, peoples and portfolios that are no actor, event nouns,
 * descriptions and pronouns resolved to an actor named before, and the vocabulary's types said with nouns.
 */
describe("intake rules over the real French parse: names, nouns and descriptions", () => {
  const more = [
    "Le ministère des Affaires étrangères de la Tanzanie a annoncé que le Kenya soutient l'Ouganda.",
    "Le ministère des Affaires étrangères a ajouté que le Kenya forme les soldats ougandais.",
    "Le conflit en Afghanistan inquiète les Maliens.",
    "Un ministre russe des Affaires étrangères s'est rendu en Ouganda.",
    "La livraison d'hélicoptères au Tchad par le Kenya a commencé.",
    "L'arrivée de Wagner au Mali a inquiété le Niger.",
    "Le retrait des soldats togolais du Mali a été annoncé en 2022.",
    "Le Niger a acheté des drones à son allié, le Togo.",
    "Amadou Keita se rendra au Bénin à l'invitation du président Moussa Traoré.",
    "Le Ghana renforce sa coopération avec le Togo dans le domaine militaire.",
    "Entre le Ghana et le Bénin, l'entente est bonne.",
    "Les discussions entre les délégations ghanéenne et béninoise ont duré deux jours.",
    "La décision du Togo de retirer ses soldats du territoire malien a surpris.",
    "Le groupe Wagner a été déployé au Niger en 2021.",
    "Le groupe a attaqué le Bénin.",
    "Le Togo a rompu avec le Bénin.",
    "Ce dernier accuse le Togo d'avoir attaqué le Niger.",
    "Moussa Traoré a quitté le Ghana.",
    "Il s'est ensuite rendu au Togo.",
    "Amadou Keita a déclaré à l'agence Sahel Presse que le Togo soutient le Ghana.",
    "Le ministre de la Défense ghanéen, le général Moussa Traoré, a visité le Bénin.",
    "Le Togo forme les officiers ghanéens.",
    "Les instructeurs togolais sont présents au Niger depuis 2020.",
    "Le Bénin a exprimé sa satisfaction envers le Togo.",
    "Il existe un profond désaccord entre le Niger et le Bénin.",
    "Amadou Keita a déclaré :",
    '"Le Bénin forme les soldats nigériens."',
    "Le Ghana s'est exprimé dans son message sur la coopération entre le Bénin et le Togo.",
    "Le Secrétaire général de la Commission du Ghana a visité l'Afrique.",
  ];
  const moreText = more.join("\n");
  const moreActors: KnownActor[] = [
    state("tanzania", "Tanzanie"),
    state("kenya", "Kenya"),
    state("uganda", "Ouganda"),
    state("mali", "Mali"),
    state("chad", "Tchad"),
    state("niger", "Niger"),
    state("togo", "Togo"),
    state("benin", "Bénin"),
    state("ghana", "Ghana"),
    { key: "wagner", name: "Wagner", kind: "PRIVATE_MILITARY_COMPANY", aliases: [] },
    { key: "ghana-forces", name: "forces armées ghanéennes", kind: "ARMED_FORCE", aliases: [] },
    { key: "amadou-keita", name: "Amadou Keita", kind: "PERSON", aliases: [] },
    { key: "moussa-traore", name: "Moussa Traoré", kind: "PERSON", aliases: [] },
  ];
  let drafts: ProposalDraft[];
  const inLine = (line: number) =>
    drafts.filter((d): d is RelationDraft => d.kind === "RELATION" && d.quote.text === more[line]);

  beforeAll(async () => {
    const url = await testNlpReady();
    const annotation = await annotateFrench(url, moreText, { timeoutMs: 120_000 });
    drafts = proposeFromText({ text: moreText, annotation, actors: moreActors, relations: [], vocabulary });
  }, 400_000);

  it("quotes every draft exactly", () => {
    expectQuotesExact(drafts, moreText);
  });

  it("names a body with its lower-case noun and its state, and takes its shorter name later for the same body", () => {
    const names = drafts.filter((d) => d.kind === "ACTOR");
    const ministry = names.find((d) => d.kind === "ACTOR" && d.name.startsWith("ministère"));
    expect(ministry).toMatchObject({
      name: "ministère des Affaires étrangères de la Tanzanie",
      actorKind: "GOVERNMENT_BODY",
    });
    // The later "Le ministère des Affaires étrangères" is the same body: no second name, and it speaks.
    expect(names.filter((d) => d.kind === "ACTOR" && d.name.startsWith("ministère"))).toHaveLength(1);
    const [training] = inLine(1);
    expect(training && ends(training)).toEqual(["TRAINING", { actor: "kenya" }, { actor: "uganda" }]);
    expect(training?.speaker).toEqual({ proposal: ministry?.id });
  });

  it("gives a quotation in straight quotes the speaker of the sentence that introduces it with a colon", () => {
    const [training] = inLine(26);
    expect(training && [...ends(training), training.speaker, training.stance]).toEqual([
      "TRAINING",
      a("benin"),
      a("niger"),
      a("amadou-keita"),
      "ASSERTS",
    ]);
  });

  it("gives a relation said in the speaker's own text ('dans son message sur ...') that speaker", () => {
    const [cooperation] = inLine(27);
    expect(cooperation && [...ends(cooperation), cooperation.speaker, cooperation.stance]).toEqual([
      "COOPERATION",
      a("benin"),
      a("togo"),
      a("ghana"),
      "ASSERTS",
    ]);
  });

  it("proposes no role written with capitals and no continent as a name or an alias", () => {
    const line = more.length - 1;
    const named = drafts.filter((d) => (d.kind === "ACTOR" || d.kind === "ALIAS") && d.sentence === line);
    expect(named.map((d) => d.quote.text)).toEqual([]);
  });

  it("proposes a state the graph lacks from the table of states, never a people or a title's portfolio", () => {
    const names = drafts.flatMap((d) => (d.kind === "ACTOR" ? [[d.name, d.actorKind]] : []));
    expect(names).toContainEqual(["Afghanistan", "STATE"]);
    expect(names.map(([name]) => name)).not.toContain("Maliens");
    expect(
      names.map(([name]) => name).some((name) => name?.includes("Affaires") && !name.startsWith("ministère")),
    ).toBe(false);
  });

  const a = (actor: string) => ({ actor });
  const relationEnds = (line: number) => inLine(line).map(ends);

  it("reads event nouns with their dependents: 'par' as agent, 'de X de Y' as who and whence, dated", () => {
    expect(relationEnds(4)).toEqual([["ARMS_SUPPLY", a("kenya"), a("chad")]]);
    expect(relationEnds(5)).toEqual([["DEPLOYMENT", a("wagner"), a("mali")]]);
    expect(inLine(6).map((d) => [...ends(d), d.at])).toEqual([["WITHDRAWAL", a("togo"), a("mali"), "2022"]]);
  });

  it("reads a verb said from its other end and a name in apposition to a partner noun", () => {
    expect(relationEnds(7)).toEqual([
      ["ARMS_SUPPLY", a("togo"), a("niger")],
      ["PARTNERSHIP", a("niger"), a("togo")],
    ]);
  });

  it("reads 'à l'invitation de X' as X inviting the subject of the clause", () => {
    expect(relationEnds(8)).toContainEqual(["INVITATION", a("moussa-traore"), a("amadou-keita")]);
    expect(relationEnds(8)).toContainEqual(["VISIT", a("amadou-keita"), a("benin")]);
  });

  it("takes the type from a field ('dans le domaine militaire') and the ends from a fronted 'entre'", () => {
    expect(relationEnds(9)).toEqual([["MILITARY_COOPERATION", a("ghana"), a("togo")]]);
    expect(relationEnds(10)).toEqual([["PARTNERSHIP", a("ghana"), a("benin")]]);
    expect(relationEnds(11)).toEqual([["MEETING", a("ghana"), a("benin")]]);
    expect(relationEnds(24)).toEqual([["DISPUTE", a("niger"), a("benin")]]);
  });

  it("gives an infinitive completing a noun the noun's owner as its subject", () => {
    expect(relationEnds(12)).toEqual([["WITHDRAWAL", a("togo"), a("mali")]]);
  });

  it("resolves a description, 'ce dernier' and 'il' to the last actor named that fits", () => {
    expect(relationEnds(14)).toEqual([["ATTACK", a("wagner"), a("benin")]]);
    const [accusation] = inLine(16);
    expect(accusation && ends(accusation)).toEqual(["ACCUSATION", a("benin"), a("togo")]);
    const attack = inLine(16).find((d) => d.type === "ATTACK");
    expect(attack && [...ends(attack), attack.speaker, attack.stance]).toEqual([
      "ATTACK",
      a("togo"),
      a("niger"),
      a("benin"),
      "ACCUSES",
    ]);
    expect(relationEnds(18)).toEqual([["VISIT", a("moussa-traore"), a("togo")]]);
  });

  it("makes a reporting verb with 'à' + a media outlet a statement to it", () => {
    const media = drafts.find((d) => d.kind === "ACTOR" && d.name === "Sahel Presse");
    expect(media).toMatchObject({ actorKind: "MEDIA" });
    expect(relationEnds(19)).toContainEqual(["STATEMENT", a("amadou-keita"), { proposal: media?.id }]);
    const support = inLine(19).find((d) => d.type === "SUPPORT");
    expect(support && [support.speaker, support.stance]).toEqual([a("amadou-keita"), "ASSERTS"]);
  });

  it("reads a rank in apposition to an office as the same person's office, and the person as the subject", () => {
    expect(relationEnds(20)).toEqual([
      ["OFFICE", a("moussa-traore"), a("ghana")],
      ["VISIT", a("moussa-traore"), a("benin")],
    ]);
  });

  it("reads a state's soldiers as its known armed force, an adjective with a copula, and a noun of satisfaction", () => {
    expect(relationEnds(21)).toEqual([["TRAINING", a("togo"), a("ghana-forces")]]);
    expect(inLine(22).map((d) => [...ends(d), d.start])).toEqual([
      ["DEPLOYMENT", a("togo"), a("niger"), "2020"],
    ]);
    expect(relationEnds(23)).toEqual([["SATISFACTION", a("benin"), a("togo")]]);
  });
});
