import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { projectRoot } from "../domain/project.js";
import type { ProposalDraft } from "../domain/proposal.js";

/**
 * How often a producer of proposals was right, as `npm run eval:intake` measured it on the seed's five articles,
 * each taken as new (docs/decisions/035-intake-evaluation.md), with every stage on: what the review page shows
 * beside a producer's proposals, so that a reviewer knows how far to trust them.
 */
export interface MeasuredPrecision {
  /** "STAGE/rule", as a proposal's `stage` and `rule` name it. */
  producer: string;
  kind: ProposalDraft["kind"];
  /** Drafts of this producer and kind over the articles. */
  proposed: number;
  /** Those that were right (decision 035's matching rules). */
  correct: number;
  /** When the evaluation ran (ISO 8601, UTC). */
  measuredAt: string;
}

/** The evaluation's results file, written by src/cli/eval-intake.ts. */
export const measuredFile = path.join(projectRoot, "eval", "results", "intake.json");
/** The configuration intake runs as: the gazetteer, the recogniser and the parse rules. */
const fullConfiguration = "parse";

const resultsFile = z.object({
  measuredAt: z.string(),
  configurations: z.array(
    z.object({
      name: z.string(),
      producers: z
        .array(
          z.object({
            producer: z.string(),
            kind: z.enum(["ACTOR", "ALIAS", "RELATION", "CITATION"]),
            proposed: z.number().int().nonnegative(),
            correct: z.number().int().nonnegative(),
          }),
        )
        .optional(),
    }),
  ),
});

/**
 * Each producer's measured precision by "STAGE/rule KIND", read from `file` once. A missing file (the evaluation
 * never ran) or one of an older format without producers gives an empty map: every precision is then unknown.
 * @throws {z.ZodError} when the file is there but not the evaluation's format
 */
export function readMeasuredPrecision(file = measuredFile): Map<string, MeasuredPrecision> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw error;
  }
  const results = resultsFile.parse(JSON.parse(text));
  const full = results.configurations.find((c) => c.name === fullConfiguration);
  return new Map(
    (full?.producers ?? []).map((p) => [`${p.producer} ${p.kind}`, { ...p, measuredAt: results.measuredAt }]),
  );
}

let measured: Map<string, MeasuredPrecision> | undefined;

/**
 * The measured precision of a proposal's producer for proposals of its kind; null when the evaluation never saw
 * that producer make one (a rule that fired on none of the seed's articles).
 */
export function measuredPrecisionOf(proposal: {
  stage: string;
  rule: string;
  kind: string;
}): MeasuredPrecision | null {
  measured ??= readMeasuredPrecision();
  return measured.get(`${proposal.stage}/${proposal.rule} ${proposal.kind}`) ?? null;
}
