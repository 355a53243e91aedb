/**
 * Why an answer (a timeline, a path search, the changes between two dates) left a relation out, beyond what its
 * question asks: the answer says how many it left out for each reason, so that an empty or short answer is never
 * mistaken for "there is nothing". A relation is counted once, under the first reason of this list that applies.
 */
export const omissionReasons = {
  RETRACTED: "Retracted: hidden from traversals, still readable by key.",
  NOT_A_LINK:
    "Of a type that is not a link (an accusation, a denial, a comment, a relation about another relation): " +
    "paths follow link types only unless given the types to follow.",
  OTHER_TYPE: "Of a type outside the types asked for.",
  UNDATED:
    "Undated: no date of its own (nor, where the answer may use one, a dated source) to place it in time.",
} as const;

export type OmissionReason = keyof typeof omissionReasons;

/** How many relations an answer left out for one reason. */
export interface Omission {
  reason: OmissionReason;
  count: number;
}
