import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../src/domain/project.js";
import { vocabulary } from "../src/domain/vocabulary.js";
import { type EvaluationSet, goldProblems, readEvaluationSet } from "../src/intake/gold.js";
import { readSeed } from "../src/seed/read.js";

/** The seed's evaluation set, as `npm run eval:intake` reads it by default. */
const seedSet = (): Promise<EvaluationSet> =>
  readEvaluationSet(
    {
      articlesDir: path.join(projectRoot, "seed", "articles"),
      gold: path.join(projectRoot, "eval", "intake", "mentions.yaml"),
      actors: path.join(projectRoot, "seed", "actors.yaml"),
      relations: path.join(projectRoot, "seed", "relations.yaml"),
    },
    vocabulary,
  );

const kinds = new Set(vocabulary.actorKinds.map((k) => k.name));

describe("the hand-labelled gold mentions (eval/intake/mentions.yaml)", () => {
  it("label the five seed articles, each span the article's text at its code-point offsets", async () => {
    const set = await seedSet();
    const seed = await readSeed(path.join(projectRoot, "seed"));
    expect(set.articles.map((a) => [a.source, a.file])).toEqual(
      seed.sources.map((s) => [s.id, s.file.replace(/^articles\//, "")]),
    );
    expect(
      goldProblems(set.articles, new Set(seed.actors.map((a) => a.id)), kinds),
      "every span exact, every actor a seed actor, no overlap",
    ).toEqual([]);
  });

  it("name every seed actor at least once, since the seed lists every actor the articles name", async () => {
    const set = await seedSet();
    const labelled = new Set(set.articles.flatMap((a) => a.spans.map((s) => s.actor)));
    expect(set.actors.map((a) => a.id).filter((id) => !labelled.has(id))).toEqual([]);
  });

  it("are refused when a span is shifted, names an unknown actor or kind, or overlaps another", async () => {
    const set = await seedSet();
    const article = set.articles[0];
    if (!article) throw new Error("no article");
    const [first, second] = article.spans;
    if (!first || !second) throw new Error("too few spans");
    const broken = {
      ...article,
      spans: [
        { ...first, start: first.start + 1, end: first.end + 1 },
        { ...second, actor: "nobody" },
        { start: second.start, end: second.end + 2, text: "x", new: true as const, kind: "PLANET" },
      ],
    };
    const problems = goldProblems([broken, broken], new Set(set.actors.map((a) => a.id)), kinds);
    expect(problems.join("\n")).toMatch(/the article has/);
    expect(problems.join("\n")).toMatch(/unknown actor "nobody"/);
    expect(problems.join("\n")).toMatch(/unknown actor kind "PLANET"/);
    expect(problems.join("\n")).toMatch(/overlaps/);
    expect(problems.join("\n")).toMatch(/listed twice/);
  });
});
