import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mentionFinder } from "../src/domain/mentions.js";
import { projectRoot } from "../src/domain/project.js";
import type { ProposalActorRef, ProposalDraft, ProposalQuote } from "../src/domain/proposal.js";
import { codePoints } from "../src/domain/text.js";
import { vocabulary } from "../src/domain/vocabulary.js";
import { graphWithout, scoreArticle } from "../src/intake/evaluation.js";
import { readEvaluationSet } from "../src/intake/gold.js";
import { measuredFile, readMeasuredPrecision } from "../src/intake/measured.js";

const set = await readEvaluationSet(
  {
    articlesDir: path.join(projectRoot, "seed", "articles"),
    gold: path.join(projectRoot, "eval", "intake", "mentions.yaml"),
    actors: path.join(projectRoot, "seed", "actors.yaml"),
    relations: path.join(projectRoot, "seed", "relations.yaml"),
  },
  vocabulary,
);
const source = "src-003-sikou-bah-visite-lavrov";
const article = set.articles.find((a) => a.source === source);
if (!article) throw new Error(`${source} is not in the gold file`);
const points = codePoints(article.text);

/** A quote of the article at code points [start, end), as intake's drafts carry it. */
const quote = (start: number, end: number): ProposalQuote => ({
  start,
  end,
  text: points.slice(start, end).join(""),
  before: "",
  after: "",
});
/** Where `text` first is in the article, in code points. */
const at = (text: string): [number, number] => {
  const start = codePoints(article.text.slice(0, article.text.indexOf(text))).length;
  return [start, start + codePoints(text).length];
};
const base = { sentence: 0, confidence: 0.5, producer: { stage: "PARSE" as const, rule: "test-rule" } };
const visit = (id: string, to: ProposalActorRef, [start, end]: [number, number]): ProposalDraft => ({
  ...base,
  id,
  kind: "RELATION",
  quote: quote(start, end),
  type: "VISIT",
  from: { actor: "sergei-lavrov" },
  to,
  at: null,
  start: null,
  end: null,
  speaker: null,
  stance: "REPORTS",
});

describe("intake's evaluation, one article taken as new", () => {
  const graph = graphWithout(set, source);

  it("knows only what the other articles state, with only the aliases they write", () => {
    const lavrov = graph.actors.find((a) => a.key === "sergei-lavrov");
    expect(lavrov?.aliases).toContain("Lavrov");
    expect(lavrov?.aliases).not.toContain("Sergey LAVROV");
    expect(graph.actors.map((a) => a.key)).not.toContain("sikou-bah");
    expect(graph.actors.map((a) => a.key)).not.toContain("south-africa");
    expect(graph.relations.map((r) => r.key)).toContain("rel-lavrov-office-russia");
    expect(graph.relations.map((r) => r.key)).not.toContain("rel-lavrov-visit-south-africa");
  });

  it("matches entities by overlap and head, relations by type, ends and quote, each gold citation once", () => {
    const drafts: ProposalDraft[] = [
      {
        ...base,
        id: "bah",
        kind: "ACTOR",
        quote: quote(...at("PAR SIKOU BAH")),
        name: "SIKOU BAH",
        actorKind: "PERSON",
        sameAs: [],
      },
      {
        ...base,
        id: "za",
        kind: "ACTOR",
        quote: quote(...at("Afrique du Sud")),
        name: "Afrique du Sud",
        actorKind: "STATE",
        sameAs: [],
      },
      // "Afrique" alone does not hold the head of "Afrique du Sud" and matches no other unknown actor.
      {
        ...base,
        id: "af",
        kind: "ACTOR",
        quote: quote(...at("Afrique")),
        name: "Afrique",
        actorKind: "STATE",
        sameAs: [],
      },
      visit("v1", { proposal: "za" }, at("Après l’Afrique du Sud")),
      visit("v2", { proposal: "za" }, at("Après l’Afrique du Sud")),
      visit("v3", { proposal: "za" }, at("PAR SIKOU BAH")),
      {
        ...base,
        id: "c1",
        kind: "CITATION",
        quote: quote(...at("Sergey LAVROV")),
        relation: "rel-lavrov-office-russia",
        speaker: null,
        stance: "ASSERTS",
      },
    ];
    const mentions = mentionFinder(
      graph.actors.map((a) => ({ id: a.key, name: a.name, aliases: a.aliases })),
    ).find(article.text);
    const result = scoreArticle({
      set,
      article,
      graph,
      configuration: "parse",
      drafts,
      mentions,
      vocabulary,
      rulesMs: 0,
    });
    expect(result.newEntities).toMatchObject({ truePositives: 2, proposed: 3, exact: 1 });
    expect(result.spuriousEntities).toEqual(["Afrique"]);
    // v1 and c1 match; v2 repeats v1's citation; v3's quote is not a citation of the visit.
    expect(result.relations).toMatchObject({ truePositives: 2, found: 2, proposed: 4 });
    expect(result.falsePositives).toHaveLength(2);
    expect(result.missed.map((m) => m.relation)).toContain("rel-lavrov-visit-eswatini");
    expect(result.missed.map((m) => m.relation)).not.toContain("rel-lavrov-visit-south-africa");
    expect(result.stance).toEqual({ right: 1, of: 2 });
    // "Sergey LAVROV" is not a name the graph holds: the gazetteer finds "LAVROV" alone, a wrong span.
    expect(result.knownMentions.spurious).toContain("LAVROV → sergei-lavrov");
    expect(result.knownMentions.missed).toContain("Sergey LAVROV → sergei-lavrov");
    // By producer (all "PARSE/test-rule" here), kind by kind: what the review page shows beside proposals.
    expect(result.producers).toEqual([
      { producer: "PARSE/test-rule", kind: "ACTOR", proposed: 3, correct: 2 },
      { producer: "PARSE/test-rule", kind: "CITATION", proposed: 1, correct: 1 },
      { producer: "PARSE/test-rule", kind: "RELATION", proposed: 3, correct: 1 },
    ]);
  });

  it("reads each producer's measured precision from the results file, and none from a file without them", () => {
    const measured = readMeasuredPrecision();
    const results = JSON.parse(readFileSync(measuredFile, "utf8"));
    const full = results.configurations.find((c: { name: string }) => c.name === "parse");
    expect(full.producers.length).toBeGreaterThan(5);
    for (const p of full.producers)
      expect(measured.get(`${p.producer} ${p.kind}`)).toEqual({ ...p, measuredAt: results.measuredAt });
    // Their sums are the configuration's totals: every draft is some producer's.
    const sum = (kinds: string[], field: "proposed" | "correct") =>
      full.producers
        .filter((p: { kind: string }) => kinds.includes(p.kind))
        .reduce((n: number, p: Record<string, number>) => n + (p[field] ?? 0), 0);
    expect(sum(["RELATION", "CITATION"], "proposed")).toBe(full.totals.relations.proposed);
    expect(sum(["RELATION", "CITATION"], "correct")).toBe(full.totals.relations.truePositives);
    expect(sum(["ACTOR"], "proposed")).toBe(full.totals.newEntities.proposed);
    expect(sum(["ACTOR"], "correct")).toBe(full.totals.newEntities.truePositives);
    const older = path.join(mkdtempSync(path.join(tmpdir(), "measured-")), "intake.json");
    writeFileSync(
      older,
      JSON.stringify({ measuredAt: results.measuredAt, configurations: [{ name: "parse" }] }),
    );
    expect(readMeasuredPrecision(older).size).toBe(0);
    expect(readMeasuredPrecision(`${older}.missing`).size).toBe(0);
    writeFileSync(older, JSON.stringify({ configurations: "none" }));
    expect(() => readMeasuredPrecision(older)).toThrow(/configurations/);
  });
});
