import os from "node:os";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { vocabulary } from "../domain/vocabulary.js";
import { ValidationError } from "../ingest/service.js";
import { metadataFields, readArticleFile } from "../intake/files.js";
import { type IntakeResult, intakeText } from "../intake/service.js";
import { NlpService } from "../nlp/service.js";
import { CommandError, runCommand, withDatabase } from "./run.js";

/**
 * `npm run intake -- [--language fr] [--publisher ...] FILE...`: each text file (YAML front matter for its
 * metadata, flags for what it leaves out) is stored as a source, as addSource stores it, and taken in as the
 * intakeText mutation takes it: its proposals stored for review. NLP as configured (NLP, CORENLP_URL): our own
 * CoreNLP is started for the run when NLP is not off, and stopped after. Prints what was proposed per file and
 * in all, and whether NLP ran.
 */
await runCommand(async (context) => {
  const { values, positionals: files } = parseArgs({
    allowPositionals: true,
    options: Object.fromEntries(metadataFields.map((field) => [field, { type: "string" as const }])),
  });
  if (files.length === 0) {
    throw new CommandError(
      `usage: npm run intake -- [${metadataFields.map((f) => `--${f} VALUE`).join("] [")}] FILE [FILE ...]`,
    );
  }
  const nlp = new NlpService(context.config.nlp, context.log);
  const bar = new cliProgress.SingleBar(
    { format: "{bar} {value}/{total} {step}", hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 },
    cliProgress.Presets.shades_classic,
  );
  const writer = { name: `cli:${os.userInfo().username}`, role: "editor" as const };
  const done: { file: string; result: IntakeResult; created: boolean }[] = [];
  const started = Date.now();
  bar.start(files.length, 0, { step: "reading" });
  try {
    await withDatabase(context, async (db) => {
      for (const file of files) {
        bar.update({ step: `annotating and proposing: ${file}` });
        const { source, locate } = await readArticleFile(file, values as Record<string, string>);
        const { result, created } = await intakeText(db, nlp, vocabulary, writer, source).catch(
          (error: unknown) => {
            throw error instanceof ValidationError ? inFile(error, locate) : error;
          },
        );
        done.push({ file, result, created });
        bar.increment({ step: file });
      }
    });
  } finally {
    bar.stop();
    await nlp.stop();
  }
  const total = { ACTOR: 0, ALIAS: 0, RELATION: 0, CITATION: 0 };
  for (const { file, result, created } of done) {
    for (const kind of Object.keys(total) as (keyof typeof total)[]) total[kind] += result.counts[kind];
    const nlpSaid = result.parse.ran ? "NLP ran" : `NLP not run: ${result.parse.reason}`;
    console.log(
      `  ${file} -> ${result.source}${created ? "" : " (already stored)"}: ${result.counts.ACTOR} new actor(s), ` +
        `${result.counts.ALIAS} alias(es), ${result.counts.RELATION} relation(s), ${result.counts.CITATION} ` +
        `citation(s) proposed${result.superseded ? `, ${result.superseded} earlier pending superseded` : ""}; ${nlpSaid}`,
    );
  }
  console.log(
    `Took in ${done.length} file(s) in ${Date.now() - started} ms: ${total.ACTOR} new actor(s), ${total.ALIAS} ` +
      `alias(es), ${total.RELATION} relation(s), ${total.CITATION} citation(s) proposed, pending review ` +
      "(query proposals(source:, status: PENDING); acceptProposal / rejectProposal).",
  );
});

/**
 * A source's refusal (its `input.FIELD` paths) said of the article file: each problem at the file and line of
 * the front matter field, or the file alone for the text and fields given as flags.
 */
function inFile(error: ValidationError, locate: (field: string) => string): ValidationError {
  return new ValidationError(
    error.problems.map((problem) => {
      const field = /^input\.(\w+)/.exec(problem.where)?.[1];
      return { ...problem, where: field ? `${locate(field)} (${field})` : problem.where };
    }),
  );
}
