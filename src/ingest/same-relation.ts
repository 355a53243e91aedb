import type { ManagedTransaction } from "neo4j-driver";
import { liveRelationsOfPairs } from "../db/evidence.js";
import { DomainError } from "../domain/errors.js";
import type { Vocabulary } from "../domain/model.js";
import { findSameRelation, repeatedRelations, sameRelationMessage } from "../domain/same-relation.js";
import type { CheckedRelation } from "../domain/validate.js";

/**
 * The rule of the same relation (src/domain/same-relation.ts) applied to a write's new relations, under the
 * write lock: a relation that states a fact the graph (or the same write) already holds is refused with
 * CONFLICT, unless its writer marked it `distinct`. Mutations and `npm run ingest` both write through
 * applyBatch, which calls this.
 */

/** Most stored relations of one type between two actors that a new relation is compared with. */
const comparedPerPair = 1000;

/**
 * Throws CONFLICT for the first of `relations` (not marked distinct) that states the same fact as a stored
 * relation that is not retracted, or as an earlier relation of the same write. `where(index)` says where the
 * relation is in the write's input; `details` name the existing key and the mutation that cites it.
 */
export async function refuseRepeatedRelations(
  tx: ManagedTransaction,
  vocabulary: Vocabulary,
  relations: readonly CheckedRelation[],
  where: (index: number) => string,
): Promise<void> {
  const candidates = relations
    .map((relation, index) => ({ relation, index }))
    .filter((c) => !c.relation.distinct);
  if (candidates.length === 0) return;
  const stored = await liveRelationsOfPairs(
    tx,
    candidates.map(({ relation }) => ({ type: relation.type, a: relation.from, b: relation.to })),
    comparedPerPair,
  );
  for (const { relation, index } of candidates) {
    const existing = findSameRelation(vocabulary, relation, stored);
    if (existing) throw repeated(existing.key, where(index));
  }
  const [first] = repeatedRelations(vocabulary, relations);
  if (first) {
    const [index, earlier] = first;
    throw repeated(relations[earlier]?.id ?? "", where(index));
  }
}

const repeated = (existing: string, where: string) =>
  new DomainError("CONFLICT", `${where}: ${sameRelationMessage(existing)}`, {
    existing,
    where,
    cite: "citeRelation",
  });
