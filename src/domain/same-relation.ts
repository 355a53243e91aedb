import { show } from "./grammar.js";
import type { Vocabulary } from "./model.js";
import { foldName } from "./text.js";

/**
 * When two relations state the same fact (docs/decisions/026-same-relation.md): the one rule the mutations,
 * `npm run ingest` and the seed loader apply before they make a relation, so that new evidence for a fact
 * already in the graph is cited on it (citeRelation) rather than split over a second relation.
 */

/** What a relation states, as the rule compares it. Dates are partial dates (YYYY, YYYY-MM or YYYY-MM-DD). */
export interface RelationFacts {
  type: string;
  from: string;
  to: string;
  role?: string | null;
  at?: string | null;
  start?: string | null;
  end?: string | null;
  addresses?: readonly string[];
  places?: readonly { name: string; actor: string | null }[];
}

/** Partial dates compare at the precision of the shorter: "2019" is not before "2019-05". */
const before = (a: string, b: string) => a.slice(0, b.length) < b.slice(0, a.length);

/**
 * Whether the periods of two relations overlap. A relation's period runs from its `at` or `start` to its `end`
 * (or its `at` again, an event); a missing bound is open, so an undated relation overlaps every period.
 */
function periodsOverlap(a: RelationFacts, b: RelationFacts): boolean {
  const first = (r: RelationFacts) => r.at ?? r.start ?? null;
  const last = (r: RelationFacts) => r.end ?? r.at ?? null;
  const endsBefore = (x: RelationFacts, y: RelationFacts) => {
    const end = last(x);
    const begin = first(y);
    return end !== null && begin !== null && before(end, begin);
  };
  return !endsBefore(a, b) && !endsBefore(b, a);
}

/** Two lists agree when either is empty (the relation does not say) or they share an item. */
const agree = (a: readonly string[], b: readonly string[]) =>
  a.length === 0 || b.length === 0 || a.some((item) => b.includes(item));

/** A place as compared: the actor it is, else its name folded. */
const placeOf = (place: { name: string; actor: string | null }) =>
  place.actor ?? `name:${foldName(place.name)}`;

/** Whether relations of `type` read the same both ways (the vocabulary marks them `symmetric`). */
export const isSymmetric = (vocabulary: Vocabulary, type: string) =>
  vocabulary.relationTypes.some((t) => t.name === type && t.symmetric);

/**
 * Whether `a` and `b` state the same fact: the same type; the same ends, in the same direction unless the type
 * is symmetric; periods that overlap (a missing date overlaps any); and no qualifier that tells them apart:
 * their roles (folded), places (by actor, else by name) and addressed relations agree wherever both state
 * them. Whether either is retracted is the caller's to decide (only live relations are compared).
 */
export function sameRelation(vocabulary: Vocabulary, a: RelationFacts, b: RelationFacts): boolean {
  if (a.type !== b.type) return false;
  const sameEnds =
    (a.from === b.from && a.to === b.to) ||
    (isSymmetric(vocabulary, a.type) && a.from === b.to && a.to === b.from);
  if (!sameEnds || !periodsOverlap(a, b)) return false;
  if (a.role != null && b.role != null && foldName(a.role) !== foldName(b.role)) return false;
  if (!agree((a.places ?? []).map(placeOf), (b.places ?? []).map(placeOf))) return false;
  return agree(a.addresses ?? [], b.addresses ?? []);
}

/** The first of `existing` that states the same fact as `relation` (see sameRelation), if any. */
export function findSameRelation<T extends RelationFacts>(
  vocabulary: Vocabulary,
  relation: RelationFacts,
  existing: readonly T[],
): T | undefined {
  return existing.find((other) => sameRelation(vocabulary, relation, other));
}

/**
 * The relations of one list that state a fact an earlier one of the list states, each as [its index, the
 * earlier one's index]; those marked `distinct` are never reported. Only relations of the same type and ends
 * are compared (grouped first), so a long list costs little.
 */
export function repeatedRelations(
  vocabulary: Vocabulary,
  relations: readonly (RelationFacts & { distinct?: boolean })[],
): [number, number][] {
  const groups = new Map<string, number[]>();
  const repeated: [number, number][] = [];
  relations.forEach((relation, index) => {
    const ends = [relation.from, relation.to];
    if (isSymmetric(vocabulary, relation.type)) ends.sort();
    const group = JSON.stringify([relation.type, ...ends]);
    const earlier = groups.get(group) ?? [];
    const same = relation.distinct
      ? undefined
      : earlier.find((other) => sameRelation(vocabulary, relation, relations[other] as RelationFacts));
    if (same !== undefined) repeated.push([index, same]);
    groups.set(group, [...earlier, index]);
  });
  return repeated;
}

/**
 * Why a relation is refused as one that exists, the same words wherever it is refused: the existing key, how
 * to add the evidence to it (the citeRelation mutation for a stored relation, its citations list in the seed
 * files), and the flag that says it is another fact.
 */
export function sameRelationMessage(existing: string, where: "graph" | "seed" = "graph"): string {
  const cite =
    where === "graph"
      ? `citeRelation(input: { relation: ${show(existing)}, citations: [...] })`
      : `its citations in relations.yaml`;
  return (
    `relation ${show(existing)} already states this fact (same type and ends, compatible dates, role, places and ` +
    `addresses): add the citations to it with ${cite}, or, if it is a distinct fact, say so with distinct: true`
  );
}
