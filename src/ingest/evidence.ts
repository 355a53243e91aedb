import { randomUUID } from "node:crypto";
import type { ManagedTransaction } from "neo4j-driver";
import type { z } from "zod";
import type { Caller } from "../auth.js";
import type { Database } from "../db/database.js";
import { citationStanding, markWithdrawn, recomputeContested, relationEvidence } from "../db/evidence.js";
import { suggestRelations } from "../db/suggest.js";
import { createCitations, knownRecords } from "../db/writes.js";
import { conflict, DomainError, notFound } from "../domain/errors.js";
import { limits, show } from "../domain/grammar.js";
import { citeInput, type Vocabulary, withdrawInput } from "../domain/model.js";
import { codePoints } from "../domain/text.js";
import { type CitationInput, checkRelation, type Knowledge, type Path } from "../domain/validate.js";
import { citationRows } from "../seed/rows.js";
import {
  type ChangeLog,
  guardedWrite,
  type Idempotent,
  inputPath,
  type Problem,
  parseOrRefuse,
  ValidationError,
} from "./service.js";

/**
 * A relation's evidence as it grows and is corrected: citations added to an existing relation (corroboration or
 * denial from a new source) and a citation withdrawn. Both go through the write service's machinery
 * (./service.ts guardedWrite: the graph's write lock, clientKey replays, the history) and check citations with
 * the same rules as assertRelation (src/domain/validate.ts checkRelation).
 */

/** The answer of citeRelation: the history entry, the relation, the keys of its new citations, and `contested`. */
export interface CiteResult {
  changeId: string;
  key: string;
  citations: string[];
  contested: boolean;
}

/** Added citations are numbered "c1", "c2", ... after their relation's key: never a number the seed files use. */
const addedCitationKey = (relation: string, n: number) => `${relation}#c${n}`;

/** The relation named by `key`, read under the lock, or NOT_FOUND at `argument` with the keys it may have meant. */
async function existingRelation(tx: Parameters<typeof relationEvidence>[0], key: string, argument: string) {
  const relation = await relationEvidence(tx, key);
  if (relation) return relation;
  throw notFound("relation", key, {
    argument,
    suggestions: await suggestRelations((c, p) => tx.run(c, p), key),
  });
}

/**
 * Adds citations to an existing relation that is not retracted, each checked as assertRelation checks them (the
 * quote is its source's exact text at its code-point offsets, known speaker and stance, no passage given twice,
 * nor one the relation already cites live), in one transaction under the write lock, recorded in the history
 * under the relation, its ends and speakers. `contested` is recomputed: a DENIES citation makes it contested.
 * @throws ValidationError (BAD_USER_INPUT) naming each input field at fault; NOT_FOUND for an unknown relation;
 *   CONFLICT for a retracted one, or a clientKey used for another request.
 */
export async function citeRelation(
  db: Database,
  vocabulary: Vocabulary,
  writer: Caller,
  request: { relation: string; citations: CitationInput[] },
  clientKey?: string | null,
): Promise<Idempotent<CiteResult>> {
  const input = parseOrRefuse(citeInput, request, inputPath);
  return guardedWrite(db, writer, "citeRelation", clientKey, request, (tx, log) =>
    writeCitations(tx, log, vocabulary, input),
  );
}

/**
 * The body of citeRelation, inside a transaction that already holds the write lock (guardedWrite): checks the
 * parsed citations against the relation and their sources, writes them and records the change through `log`.
 * Article intake's review (src/intake/review.ts) cites through it in the review's transaction.
 * @throws as citeRelation.
 */
export async function writeCitations(
  tx: ManagedTransaction,
  log: ChangeLog,
  vocabulary: Vocabulary,
  input: z.output<typeof citeInput>,
): Promise<CiteResult> {
  const relation = await existingRelation(tx, input.relation, "input.relation");
  if (relation.retracted) {
    throw conflict(
      `Relation ${show(relation.key)} is retracted: assert the relation again (assertRelation) rather than cite it`,
    );
  }
  const problems: Problem[] = [];
  const report = (at: Path, message: string) => problems.push({ where: inputPath(at), message });
  const stored = relation.citations.length;
  if (stored + input.citations.length > limits.citations) {
    report(
      ["citations"],
      `the relation has ${stored} citations (withdrawn ones too) and may have at most ${limits.citations}: ` +
        `${input.citations.length} more do not fit`,
    );
  }
  const speakers = input.citations.flatMap((c) => (c.speaker ? [c.speaker] : []));
  const known = await knownRecords(tx, {
    actors: speakers,
    sources: input.citations.map((c) => c.source),
    relations: [],
    names: [],
  });
  const actors = new Set([...known.actors, relation.from, relation.to]);
  const points = new Map(known.sources.map((s) => [s.key, codePoints(s.text)]));
  const knowledge: Knowledge = {
    vocabulary,
    hasActor: (key) => actors.has(key),
    hasRelation: () => true,
    sourcePoints: (key) => points.get(key),
    nameOwner: () => undefined,
  };
  // The relation's own facts are stored and checked already: only the new citations are checked here.
  const checked = checkRelation(
    {
      id: relation.key,
      type: relation.type,
      from: relation.from,
      to: relation.to,
      role: null,
      at: null,
      start: null,
      end: null,
      note: null,
      citations: input.citations,
    },
    knowledge,
    report,
  );
  const live = new Map(
    relation.citations.filter((c) => c.live).map((c) => [`${c.source}@${c.start}-${c.end}`, c.key]),
  );
  checked.citations.forEach((citation, n) => {
    const cited = live.get(`${citation.source}@${citation.start}-${citation.end}`);
    if (cited !== undefined) {
      report(["citations", n, "quote"], `the relation already cites this passage (citation ${show(cited)})`);
    }
  });
  if (problems.length > 0) throw new ValidationError(problems);

  const added = relation.citations.filter((c) => /#c\d+$/.test(c.key)).length;
  const citations = checked.citations.map((c, n) => ({
    ...c,
    id: addedCitationKey(relation.key, added + n + 1),
  }));
  await createCitations(tx, citationRows({ ...checked, citations }));
  const contested = (await recomputeContested(tx, [relation.key])).get(relation.key) ?? false;
  const changeId = randomUUID();
  const result: CiteResult = {
    changeId,
    key: relation.key,
    citations: citations.map((c) => c.id),
    contested,
  };
  await log.record(tx, {
    id: changeId,
    // As for assertRelation: the relation's ends and the speakers count as touched.
    targets: [...new Set([relation.key, relation.from, relation.to, ...speakers])],
    sources: [...new Set(citations.map((c) => c.source))],
    details: { result },
  });
  return result;
}

/** The answer of withdrawCitation: the history entry, the citation and its relation, and the relation's `contested`. */
export interface WithdrawResult {
  changeId: string;
  citation: string;
  relation: string;
  contested: boolean;
}

/**
 * Withdraws one live citation, with a reason: it stays readable (by its id, and in its relation's
 * withdrawnCitations) with who withdrew it, when and why, and no longer counts in the relation's ledger,
 * `contested` or claims. Recorded in the history under the relation.
 * @throws ValidationError (BAD_USER_INPUT) for a malformed key or an empty reason; NOT_FOUND for an unknown
 *   citation; CONFLICT (details.rule LAST_LIVE_CITATION) for a relation's last live citation, which only
 *   retracting the relation removes, or for one already withdrawn.
 */
export async function withdrawCitation(
  db: Database,
  writer: Caller,
  request: { citation: string; reason: string },
  clientKey?: string | null,
): Promise<Idempotent<WithdrawResult>> {
  const input = parseOrRefuse(withdrawInput, request, inputPath);
  return guardedWrite(db, writer, "withdrawCitation", clientKey, request, async (tx, log) => {
    const standing = await citationStanding(tx, input.citation);
    if (!standing) {
      const relation = input.citation.split("#")[0] ?? "";
      const citations = (await relationEvidence(tx, relation))?.citations.map((c) => c.key) ?? [];
      throw notFound("citation", input.citation, {
        argument: "input.citation",
        suggestions: citations.slice(0, 3),
      });
    }
    if (standing.withdrawn) throw conflict(`Citation ${show(input.citation)} is already withdrawn`);
    if (standing.liveCitations <= 1) {
      throw new DomainError(
        "CONFLICT",
        `Citation ${show(input.citation)} is the last live citation of relation ${show(standing.relationKey)}: a ` +
          "relation keeps at least one; retract the relation instead (retractRelation)",
        { rule: "LAST_LIVE_CITATION", relation: standing.relationKey, retract: "retractRelation" },
      );
    }
    await markWithdrawn(tx, input.citation, writer.name, input.reason);
    const contested =
      (await recomputeContested(tx, [standing.relationKey])).get(standing.relationKey) ?? false;
    const changeId = randomUUID();
    const result: WithdrawResult = {
      changeId,
      citation: input.citation,
      relation: standing.relationKey,
      contested,
    };
    await log.record(tx, {
      id: changeId,
      targets: [standing.relationKey],
      details: { result, reason: input.reason },
    });
    return result;
  });
}
