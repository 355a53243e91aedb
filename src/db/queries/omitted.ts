import type { Omission, OmissionReason } from "../../domain/omission.js";
import type { Database } from "../database.js";

/**
 * How every answer that leaves relations out counts them by reason (src/domain/omission.ts): the timeline, the
 * path search and the changes between two dates each name the relations they looked at (their scope) and the
 * ones they keep; this counts the others, once each, under the first reason that applies. Relations left out by
 * the question itself (out of the `asOf` period, not yet known on `knownOn`, outside a window) have no reason
 * here and are not counted: they are the answer, not an omission.
 */

/** What an answer follows, so that a relation it left out can be told why. */
export interface OmissionRules {
  /** The relation types the answer follows; null: all of them. */
  types: string[] | null;
  /** Whether `types` are the link types the answer follows by default (NOT_A_LINK) or those asked (OTHER_TYPE). */
  linksByDefault: boolean;
  /** A Cypher condition on the relation `r`, true when the answer cannot place it in time; null: no date needed. */
  undated: string | null;
}

/** The reason (a Cypher expression on `r`, an OmissionReason or null) the rules give a relation left out. */
function reasonOf(rules: OmissionRules): string {
  const reason = (name: OmissionReason) => `'${name}'`;
  return `CASE
      WHEN r.retractedAt IS NOT NULL THEN ${reason("RETRACTED")}
      WHEN $followedTypes IS NOT NULL AND NOT r.type IN $followedTypes
        THEN ${rules.linksByDefault ? reason("NOT_A_LINK") : reason("OTHER_TYPE")}
      ${rules.undated ? `WHEN ${rules.undated} THEN ${reason("UNDATED")}` : ""}
    END`;
}

/**
 * The relations of `scope` that the answer did not keep, counted by reason, by reason name; reasons with none are
 * absent. `scope` is a Cypher clause binding the relations the answer looked at to `r` (each may come more than
 * once); `kept` a condition on `r`, true for those the answer keeps (null counts as false). Both take their values
 * from `params`.
 */
export async function countOmitted(
  db: Database,
  scope: string,
  kept: string,
  rules: OmissionRules,
  params: Record<string, unknown>,
): Promise<Omission[]> {
  const { records } = await db.read(
    `${scope}
     WITH DISTINCT r
     WHERE NOT coalesce(${kept}, false)
     WITH ${reasonOf(rules)} AS reason
     WHERE reason IS NOT NULL
     RETURN reason, count(*) AS count ORDER BY reason`,
    { ...params, followedTypes: rules.types },
  );
  return records.map((record) => ({
    reason: record.get("reason") as OmissionReason,
    count: Number(record.get("count")),
  }));
}
