import type { z } from "zod";
import { type ImportChunk, ImportLines } from "../db/import-files.js";
import type { CitationRow, RelationRow, SourceRow } from "../db/seed-store.js";
import { actorEntry, bulkSource, looseRelationEntry, type Vocabulary } from "../domain/model.js";
import { codePoints, foldName } from "../domain/text.js";
import { checkActor, checkRelation, type Knowledge, type Path } from "../domain/validate.js";
import { citationRows, relationRow, sourceRow } from "../seed/rows.js";
import { type Problem, ValidationError } from "./service.js";

/**
 * The checks of a bulk load (src/ingest/bulk.ts), apart from any database or file, so that an import can run
 * them on worker threads (./check-worker.ts) as well as in its own: the one grammar (src/domain/model.ts), the
 * checks of every write (src/domain/validate.ts) and the rows (src/seed/rows.ts).
 */

/** An actor of a bulk load, in the ingest format. */
export type BulkActor = z.input<typeof actorEntry>;
/** A source of a bulk load, with its text. */
export type BulkSource = z.input<typeof bulkSource>;
/** A relation of a bulk load; its citations cite sources of its batch or stored ones. */
export type BulkRelation = z.input<typeof looseRelationEntry>;

/** Sources, and relations whose citations cite these sources or stored ones. */
export interface BulkBatch {
  sources: BulkSource[];
  relations: BulkRelation[];
}

/** Most problems a rejected bulk load lists; the rest are counted. */
const maxProblems = 100;

/** What a batch is checked against besides itself: the committed graph, or what came before it. */
export interface Committed {
  hasActor(key: string): boolean;
  /** The text of a stored source, if there is one. */
  sourceText(key: string): string | undefined;
  hasRelation(key: string): boolean;
}

/** A batch as the grammar parsed it, each item with its place in the input. */
export interface ParsedBatch {
  number: number;
  sources: { index: number; source: z.output<typeof bulkSource> }[];
  relations: { index: number; relation: z.output<typeof looseRelationEntry> }[];
}

/** A batch made graph rows: the sources to create, the relations and their citations. */
export interface CheckedBatch {
  sources: SourceRow[];
  relations: RelationRow[];
  citations: CitationRow[];
}

/** Parses and checks bulk input, collecting problems with where they are ("batch 3 relations.17.to"). */
export class BulkChecker {
  private problems: Problem[] = [];
  private dropped = 0;
  /** The web address of each source of this load so far, with its key: one source per address. */
  private urlOwners = new Map<string, string>();

  constructor(private readonly vocabulary: Vocabulary) {}

  private report = (where: string) => (at: Path, message: string) => {
    if (this.problems.length < maxProblems) this.problems.push({ where: [where, ...at].join("."), message });
    else this.dropped += 1;
  };

  /** The problems found so far, the count of those beyond 100 last. */
  problemList(): Problem[] {
    const more = this.dropped > 0 ? [{ where: "…", message: `${this.dropped} more problems` }] : [];
    return [...this.problems, ...more];
  }

  /** Throws the problems found so far, if any (BAD_USER_INPUT, nothing written by this call's caller). */
  settle(): void {
    if (this.problems.length > 0) throw new ValidationError(this.problemList());
  }

  private parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> | undefined {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      this.report(where)(
        issue.path.filter((p): p is string | number => typeof p !== "symbol"),
        issue.message,
      );
    }
    return undefined;
  }

  /** New actors, checked against `known` (keys and names already taken) and each other. */
  actors(
    inputs: readonly BulkActor[],
    known: { hasActor(key: string): boolean; nameOwners: Map<string, string> },
    where: (index: number) => string,
  ) {
    const seen = new Set<string>();
    const actors = inputs.flatMap((input, index) => {
      const actor = this.parse(actorEntry, input, where(index));
      if (!actor) return [];
      const report = this.report(where(index));
      if (seen.has(actor.id) || known.hasActor(actor.id))
        report(["id"], `actor "${actor.id}" already exists`);
      seen.add(actor.id);
      checkActor(
        actor,
        {
          vocabulary: this.vocabulary,
          hasActor: () => true,
          // An actor addresses no relation.
          hasRelation: () => true,
          sourcePoints: () => undefined,
          nameOwner: (name) => known.nameOwners.get(name),
        },
        report,
      );
      for (const name of [actor.name, ...actor.aliases].map(foldName)) known.nameOwners.set(name, actor.id);
      return [actor];
    });
    return actors;
  }

  /** One batch through the grammar; what does not parse is reported and left out. */
  parseBatch(batch: BulkBatch, number: number): ParsedBatch {
    return {
      number,
      sources: batch.sources.flatMap((input, index) => {
        const source = this.parse(bulkSource, input, `batch ${number} sources.${index}`);
        return source ? [{ index, source }] : [];
      }),
      relations: batch.relations.flatMap((input, index) => {
        const relation = this.parse(looseRelationEntry, input, `batch ${number} relations.${index}`);
        return relation ? [{ index, relation }] : [];
      }),
    };
  }

  /** A parsed batch checked against itself and `committed`, made rows: new sources, relations, citations. */
  checkBatch({ number, sources, relations }: ParsedBatch, committed: Committed): CheckedBatch {
    const points = new Map<string, readonly string[]>();
    const seen = new Set<string>();
    const sourceRows = sources.flatMap(({ index, source }) => {
      const report = this.report(`batch ${number} sources.${index}`);
      const stored = committed.sourceText(source.id);
      if (seen.has(source.id)) report(["id"], `duplicate key "${source.id}" in this batch`);
      else if (stored !== undefined && stored !== source.text) {
        report(["id"], `source "${source.id}" already exists with a different text`);
      }
      seen.add(source.id);
      const owner = source.url === null ? undefined : this.urlOwners.get(source.url);
      if (owner !== undefined && owner !== source.id) {
        report(["url"], `${JSON.stringify(source.url)} is already the address of source "${owner}"`);
      } else if (source.url !== null) this.urlOwners.set(source.url, source.id);
      const sourcePoints = codePoints(source.text);
      points.set(source.id, sourcePoints);
      return stored === undefined ? [sourceRow({ ...source, length: sourcePoints.length })] : [];
    });
    const batchRelations = new Set(relations.map(({ relation }) => relation.id));
    const knowledge: Knowledge = {
      vocabulary: this.vocabulary,
      hasActor: (key) => committed.hasActor(key),
      // A relation may address one stored, or one of its own batch.
      hasRelation: (key) => batchRelations.has(key) || committed.hasRelation(key),
      sourcePoints: (key) => {
        const own = points.get(key);
        if (own) return own;
        const stored = committed.sourceText(key);
        if (stored === undefined) return undefined;
        const storedPoints = codePoints(stored);
        points.set(key, storedPoints);
        return storedPoints;
      },
      nameOwner: () => undefined,
    };
    const checked = relations.map(({ index, relation }) => {
      const report = this.report(`batch ${number} relations.${index}`);
      if (seen.has(relation.id) || committed.hasRelation(relation.id)) {
        report(["id"], `relation "${relation.id}" already exists`);
      }
      seen.add(relation.id);
      return checkRelation(relation, knowledge, report);
    });
    return {
      sources: sourceRows,
      relations: checked.map(relationRow),
      citations: checked.flatMap(citationRows),
    };
  }
}

/** What checking one batch of an import gave: its importer lines, keys and counts, or its problems. */
export interface ImportBatchOutcome {
  number: number;
  /** Every problem of the batch (at most 100, then a count), in the order the checks found them. */
  problems: Problem[];
  chunk: ImportChunk;
  /** The keys of the relations and new sources, for the checks across batches. */
  relationKeys: string[];
  sourceKeys: string[];
  citations: number;
  /** Keys asked of `committed.hasRelation`: the outcome holds only if none belongs to an earlier batch. */
  asked: string[];
}

/**
 * Checks batch `number` of an import against the input's actors and `hasRelation` (the relations of the
 * batches before it), with a checker of its own, and makes its importer lines. The outcome records which
 * relation keys it asked about, so that a caller who answered "no" without knowing the batches before (a
 * worker thread) can tell whether the outcome stands.
 */
export function checkImportBatch(
  vocabulary: Vocabulary,
  origin: string,
  batch: BulkBatch,
  number: number,
  hasActor: (key: string) => boolean,
  hasRelation: (key: string) => boolean,
): ImportBatchOutcome {
  const checker = new BulkChecker(vocabulary);
  const asked: string[] = [];
  const checked = checker.checkBatch(checker.parseBatch(batch, number), {
    hasActor,
    // The input is checked against itself: a batch cites its own sources (their texts are not kept).
    sourceText: () => undefined,
    hasRelation: (key) => {
      asked.push(key);
      return hasRelation(key);
    },
  });
  const problems = checker.problemList();
  const lines = new ImportLines(origin);
  if (problems.length === 0) {
    lines.sources(checked.sources);
    lines.relations(checked.relations, checked.citations);
  }
  return {
    number,
    problems,
    chunk: lines.take(),
    relationKeys: checked.relations.map((r) => r.id),
    sourceKeys: checked.sources.map((s) => s.id),
    citations: checked.citations.length,
    asked,
  };
}
