import { mkdir, readFile, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { projectRoot } from "../domain/project.js";
import { vocabulary } from "../domain/vocabulary.js";
import {
  type ArticleResult,
  byProducer,
  configurations,
  evaluateArticle,
  misses,
  precision,
  recall,
  type Score,
  totals,
} from "../intake/evaluation.js";
import { EvaluationSetError, readEvaluationSet } from "../intake/gold.js";
import type { NlpAnnotation } from "../nlp/annotation.js";
import { annotateFrench } from "../nlp/client.js";
import { buildCoreNlpServer, type CoreNlpServer, startCoreNlpServer } from "../nlp/server.js";
import { CommandError, runCommand } from "./run.js";

const help = `npm run eval:intake -- [options]

Measures article intake (issue 31; docs/decisions/035-intake-evaluation.md). Each article of the set is taken
as new, the graph holding only what the other articles state, and intake's rules run in three configurations:
gazetteer only, + entity recognition, + parse rules. Prints each figure beside its target and writes JSON.

CoreNLP: CORENLP_URL when set (its memory is then not measured), else our own server is started on a free port
and stopped at the end. Each article is annotated twice: a warm-up pass, then the timed one. The machine's
load average is printed beside the seconds.

Options (defaults: the seed's five articles and their hand-labelled mentions):
  --articles DIR     directory the gold file's article files are in         (seed/articles)
  --gold FILE        hand-labelled mentions, the format of eval/intake/mentions.yaml
                                                                            (eval/intake/mentions.yaml)
  --actors FILE      actors, the format of seed/actors.yaml                 (seed/actors.yaml)
  --relations FILE   relations with citations, the format of seed/relations.yaml; citations of sources
                     that the gold file does not list are ignored           (seed/relations.yaml)
  --out FILE         where the JSON results go                              (eval/results/intake.json)
  --help             this text

Exit status: 0 when it ran (whether or not the targets are met), 2 when it could not run.`;

/** The targets: each figure, the least (or most, for seconds) it should be. */
const targets = {
  knownMentionsPrecision: 0.95,
  knownMentionsRecall: 0.9,
  newEntitiesPrecision: 0.7,
  newEntitiesRecall: 0.8,
  relationsPrecision: 0.5,
  relationsRecall: 0.5,
  speaker: 0.8,
  stance: 0.8,
  secondsPerArticle: 3,
  startSeconds: 60,
  memoryBytes: 3 * 1024 ** 3,
};

/** The resident and peak memory of a process, in bytes, from /proc (Linux). */
async function processMemory(pid: number): Promise<{ rssBytes: number; peakBytes: number } | null> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => null);
  const kb = (field: string) =>
    Number(status?.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"))?.[1] ?? Number.NaN);
  return status ? { rssBytes: kb("VmRSS") * 1024, peakBytes: kb("VmHWM") * 1024 } : null;
}

const figure = (value: number | null) => (value === null ? "  –  " : value.toFixed(2));
const mark = (value: number | null, target: number, atMost = false) =>
  value === null ? "?" : (atMost ? value <= target : value >= target) ? "✓" : "✗";

await runCommand(async ({ config, log }) => {
  const { values } = parseArgs({
    options: {
      articles: { type: "string", default: path.join(projectRoot, "seed", "articles") },
      gold: { type: "string", default: path.join(projectRoot, "eval", "intake", "mentions.yaml") },
      actors: { type: "string", default: path.join(projectRoot, "seed", "actors.yaml") },
      relations: { type: "string", default: path.join(projectRoot, "seed", "relations.yaml") },
      out: { type: "string", default: path.join(projectRoot, "eval", "results", "intake.json") },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  const set = await readEvaluationSet(
    { articlesDir: values.articles, gold: values.gold, actors: values.actors, relations: values.relations },
    vocabulary,
  ).catch((error) => {
    throw error instanceof EvaluationSetError || (error as NodeJS.ErrnoException).code === "ENOENT"
      ? new CommandError((error as Error).message)
      : error;
  });

  let server: CoreNlpServer | undefined;
  let startSeconds: number | null = null;
  try {
    let url = config.nlp.url;
    if (!url) {
      console.log("Starting our CoreNLP server (tokens, entities, dependency parse)...");
      // Built first (Maven, once), so that the start measured is the JVM's alone.
      await buildCoreNlpServer(log);
      const started = performance.now();
      server = await startCoreNlpServer({ ...config.nlp, port: 0 }, log);
      startSeconds = (performance.now() - started) / 1000;
      url = server.url;
    }
    const timeoutMs = Math.max(config.nlp.timeoutMs, 60_000);
    // A first pass warms the JVM up (its compiler, the models' caches); the second is timed.
    for (const article of set.articles) await annotateFrench(url, article.text, { timeoutMs });
    const annotations = new Map<string, { annotation: NlpAnnotation; ms: number }>();
    for (const article of set.articles) {
      const started = performance.now();
      const annotation = await annotateFrench(url, article.text, { timeoutMs });
      annotations.set(article.source, { annotation, ms: performance.now() - started });
    }
    const memory = server ? await processMemory(server.pid) : null;

    const runs = configurations.map((configuration) => {
      const results = set.articles.map((article) =>
        evaluateArticle({
          set,
          article,
          configuration,
          annotation: annotations.get(article.source)?.annotation ?? null,
          vocabulary,
        }),
      );
      const seconds = results.map(
        (r) => (r.rulesMs + (configuration.stages ? (annotations.get(r.source)?.ms ?? 0) : 0)) / 1000,
      );
      return { configuration, results, totals: totals(results), misses: misses(results), seconds };
    });

    console.log(
      `\nIntake evaluated on ${set.articles.length} articles (${set.articles.map((a) => a.text.length).join(", ")} characters), ` +
        `each taken as new against what the others state.`,
    );
    for (const run of runs) printRun(run);
    const nlpLine = server
      ? `NLP process (our CoreNLP, pid ${server.pid}): start ${startSeconds?.toFixed(1)} s (target ≤ ${targets.startSeconds} s) ${mark(startSeconds, targets.startSeconds, true)}; ` +
        (memory
          ? `resident ${(memory.rssBytes / 1024 ** 3).toFixed(2)} GB, peak ${(memory.peakBytes / 1024 ** 3).toFixed(2)} GB (target ≤ 3 GB) ${mark(memory.peakBytes, targets.memoryBytes, true)}`
          : "memory not readable")
      : `NLP process: external (CORENLP_URL=${url}): start and memory not measured`;
    console.log(`\n${nlpLine}`);
    console.log(
      `Load average (1, 5, 15 min) while measuring: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(", ")} on ${availableParallelism()} cores`,
    );
    const last = runs.at(-1);
    if (last) printMisses(last);

    await mkdir(path.dirname(values.out), { recursive: true });
    await writeFile(
      values.out,
      `${JSON.stringify(
        {
          measuredAt: new Date().toISOString(),
          loadAverage: loadavg(),
          cores: availableParallelism(),
          articles: set.articles.map((a) => ({
            source: a.source,
            characters: a.text.length,
            annotationMs: Math.round(annotations.get(a.source)?.ms ?? 0),
          })),
          nlp: server
            ? {
                external: false,
                startSeconds,
                rssBytes: memory?.rssBytes ?? null,
                peakBytes: memory?.peakBytes ?? null,
              }
            : { external: true, url, startSeconds: null, rssBytes: null, peakBytes: null },
          targets,
          configurations: runs.map((run) => ({
            name: run.configuration.name,
            label: run.configuration.label,
            figures: summary(run.totals),
            secondsPerArticle: run.seconds,
            totals: run.totals,
            misses: run.misses,
            producers: byProducer(run.results.flatMap((r) => r.producers)),
            articles: run.results,
          })),
        },
        null,
        2,
      )}\n`,
    );
    console.log(`\nResults written to ${path.relative(process.cwd(), values.out)}`);
    return 0;
  } finally {
    await server?.stop();
  }
});

/** The figures the targets are on, from a configuration's totals. */
function summary(t: ReturnType<typeof totals>) {
  const share = (a: { right: number; of: number }) => (a.of === 0 ? null : a.right / a.of);
  return {
    knownMentionsPrecision: precision(t.knownMentions),
    knownMentionsRecall: recall(t.knownMentions),
    knownMentionsWithAliasesPrecision: precision(t.knownMentionsWithAliases),
    knownMentionsWithAliasesRecall: recall(t.knownMentionsWithAliases),
    newEntitiesPrecision: precision(t.newEntities),
    newEntitiesRecall: recall(t.newEntities),
    relationsPrecision: precision(t.relations),
    relationsRecall: recall(t.relations),
    speaker: share(t.speaker),
    stance: share(t.stance),
  };
}

function printRun(run: {
  configuration: (typeof configurations)[number];
  totals: ReturnType<typeof totals>;
  seconds: number[];
}): void {
  const t = run.totals;
  const f = summary(t);
  const counts = (s: Score, which: "p" | "r") =>
    which === "p" ? `${s.truePositives}/${s.proposed}` : `${s.found}/${s.expected}`;
  const rows: [string, number | null, string, number, boolean?][] = [
    [
      "known-actor mentions precision",
      f.knownMentionsPrecision,
      counts(t.knownMentions, "p"),
      targets.knownMentionsPrecision,
    ],
    [
      "known-actor mentions recall",
      f.knownMentionsRecall,
      counts(t.knownMentions, "r"),
      targets.knownMentionsRecall,
    ],
    [
      "  with ALIAS proposals: precision",
      f.knownMentionsWithAliasesPrecision,
      counts(t.knownMentionsWithAliases, "p"),
      targets.knownMentionsPrecision,
    ],
    [
      "  with ALIAS proposals: recall",
      f.knownMentionsWithAliasesRecall,
      counts(t.knownMentionsWithAliases, "r"),
      targets.knownMentionsRecall,
    ],
    [
      "new-entity spans precision",
      f.newEntitiesPrecision,
      counts(t.newEntities, "p"),
      targets.newEntitiesPrecision,
    ],
    ["new-entity spans recall", f.newEntitiesRecall, counts(t.newEntities, "r"), targets.newEntitiesRecall],
    [
      "relation proposals precision",
      f.relationsPrecision,
      counts(t.relations, "p"),
      targets.relationsPrecision,
    ],
    ["relation proposals recall", f.relationsRecall, counts(t.relations, "r"), targets.relationsRecall],
    ["speaker right", f.speaker, `${t.speaker.right}/${t.speaker.of}`, targets.speaker],
    ["stance right", f.stance, `${t.stance.right}/${t.stance.of}`, targets.stance],
    [
      "seconds per article, most",
      Math.max(...run.seconds),
      `mean ${(run.seconds.reduce((a, b) => a + b, 0) / run.seconds.length).toFixed(2)}`,
      targets.secondsPerArticle,
      true,
    ],
  ];
  console.log(`\n${run.configuration.label}`);
  console.log(`  ${"figure".padEnd(36)}${"value".padStart(6)}  ${"counts".padEnd(10)} target`);
  for (const [name, value, count, target, atMost] of rows) {
    console.log(
      `  ${name.padEnd(36)}${figure(value).padStart(6)}  ${count.padEnd(10)} ${atMost ? "≤" : "≥"} ${target.toFixed(2)} ${mark(value, target, atMost)}`,
    );
  }
}

function printMisses(run: {
  configuration: (typeof configurations)[number];
  misses: ReturnType<typeof misses>;
  results: ArticleResult[];
}): void {
  const { mentionsSpurious, mentionsMissed, missedByType, falsePositivesByRule, spuriousEntities } =
    run.misses;
  const list = (entries: [string, number][], limit: number) =>
    entries.length === 0
      ? "    none"
      : entries
          .slice(0, limit)
          .map(([k, n]) => `    ${String(n).padStart(3)}  ${k}`)
          .join("\n");
  console.log(`\nWhat the rules miss most (${run.configuration.label}):`);
  console.log(`  the gazetteer's mentions that are not gold:\n${list(mentionsSpurious, 10)}`);
  console.log(`  gold mentions of known actors the gazetteer misses:\n${list(mentionsMissed, 15)}`);
  console.log(`  gold relations never proposed, by type:\n${list(missedByType, 30)}`);
  console.log(`  false-positive relation proposals, by producer rule:\n${list(falsePositivesByRule, 10)}`);
  console.log(`  new-actor proposals that name no unknown actor, by text:\n${list(spuriousEntities, 15)}`);
  const known = run.results.reduce((n, r) => n + r.relationsForKnown, 0);
  if (known > 0)
    console.log(
      `  ${known} matched RELATION proposal(s) repeat a relation the graph already has (a CITATION was due)`,
    );
}
