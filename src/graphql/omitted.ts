import type { Omission } from "../domain/omission.js";
import { omissionReasons } from "../domain/omission.js";
import { builder } from "./builder.js";

/**
 * The one GraphQL shape of what an answer left out (src/domain/omission.ts), shared by `timeline`, `paths` and
 * `changes`: each of their answers has an `omitted` field of this type, counted by src/db/queries/omitted.ts.
 */

const OmissionReasonEnum = builder.enumType("OmissionReason", {
  description: "Why an answer left a relation out, beyond what its question asks.",
  values: Object.fromEntries(
    Object.entries(omissionReasons).map(([name, description]) => [name, { value: name, description }]),
  ) as { [Name in keyof typeof omissionReasons]: { value: Name; description: string } },
});

export const OmissionRef = builder.objectRef<Omission>("Omission").implement({
  description: "How many relations an answer left out for one reason.",
  fields: (t) => ({
    reason: t.field({ type: OmissionReasonEnum, resolve: (o) => o.reason, description: "Why." }),
    count: t.exposeInt("count", { description: "How many relations, each counted once." }),
  }),
});

/** The cost of an `omitted` list: at most one entry per reason, each two scalars. */
export const omittedComplexity = { field: 1, multiplier: Object.keys(omissionReasons).length };

/** The description of an answer's `omitted` field: what it counts, for the answer named `what`. */
export const omittedDescription = (what: string) =>
  `The relations ${what} left out, counted by reason (one entry per reason that has any, by reason name; each ` +
  "relation once, under the first reason that applies). Those its own filters (asOf, knownOn, a window) exclude " +
  "are not counted: they are the answer, not an omission.";
