import type { Database } from "../db/database.js";
import type { ExportSelection } from "../db/export.js";
import type { RelationFilter } from "../db/queries/relation-filter.js";
import { neighbourhood } from "../db/queries/traversals.js";
import { suggestActors } from "../db/suggest.js";
import { firstDay, lastDay } from "../domain/dates.js";
import { badInput, limitExceeded, notFound } from "../domain/errors.js";
import { isCalendarDate } from "../domain/grammar.js";
import { vocabulary } from "../domain/vocabulary.js";

/**
 * What part of the graph an export holds, as `GET /export/FILE?...` and `npm run export -- DIR --...` name it.
 * Every parameter is optional; none gives the whole graph.
 *
 * - `actor` (repeatable or comma-separated, at most 50 keys) and `depth` (1 to 3, default 1): only the actors
 *   within `depth` hops of them and the relations followed, as the API's `subgraph` finds them;
 * - `kinds`, `types` (comma-separated): only actors of these kinds and relations of these types (a relation
 *   needs both its ends kept);
 * - `asOf` (YYYY-MM-DD): only relations in force that day; `from`, `to` (YYYY, YYYY-MM or YYYY-MM-DD): only
 *   relations whose time overlaps that window. As in the API, relations the sources do not date are left out
 *   by these three.
 *
 * Actors left without a relation by a filter are left out too; the whole graph keeps every actor.
 */
export interface ExportFilter {
  actors: string[] | null;
  depth: number;
  kinds: string[] | null;
  relations: Pick<RelationFilter, "types" | "asOf" | "from" | "to">;
}

/** The names of an export's filter parameters, for the CLI's options and the HTTP query alike. */
export const exportFilterParameters = ["actor", "depth", "kinds", "types", "asOf", "from", "to"] as const;
type Parameter = (typeof exportFilterParameters)[number];

export const maxExportActors = 50;
export const maxExportDepth = 3;

const problem = (parameter: string, value: string, rule: string) =>
  badInput(`Export parameter "${parameter}" ${rule}; got ${JSON.stringify(value)}`, { parameter, value });

/** Comma-separated values of `parameter`, each checked against a closed vocabulary. */
function listOf(parameter: string, values: string[], allowed: readonly string[]): string[] | null {
  const items = values.flatMap((v) => v.split(",")).filter((v) => v.length > 0);
  for (const item of items) {
    if (!allowed.includes(item)) throw problem(parameter, item, `must be one of ${allowed.join(", ")}`);
  }
  return items.length > 0 ? [...new Set(items)] : null;
}

/** A partial date (YYYY, YYYY-MM, YYYY-MM-DD) as the first or last day of the period it names. */
function day(parameter: string, value: string | undefined, bound: "first" | "last" | "day"): string | null {
  if (value === undefined || value === "") return null;
  const form = bound === "day" ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{4}(-\d{2}(-\d{2})?)?$/;
  if (!form.test(value) || !isCalendarDate(value)) {
    throw problem(
      parameter,
      value,
      bound === "day" ? "must be a calendar day YYYY-MM-DD" : "must be a date YYYY, YYYY-MM or YYYY-MM-DD",
    );
  }
  return (bound === "last" ? lastDay(value) : firstDay(value)).toString();
}

/**
 * Reads an export's filter from its parameters: `get(name)` answers every value given for that name (an HTTP
 * query's `getAll`, a CLI option's values). Throws BAD_USER_INPUT naming the parameter, value and rule, or
 * LIMIT_EXCEEDED for more than 50 actors or a depth over 3.
 */
export function parseExportFilter(get: (name: Parameter) => string[]): ExportFilter {
  const first = (name: Parameter) => get(name)[0];
  const actors = [
    ...new Set(
      get("actor")
        .flatMap((v) => v.split(","))
        .filter(Boolean),
    ),
  ];
  if (actors.length > maxExportActors) {
    throw limitExceeded(
      `Export parameter "actor" may name at most ${maxExportActors} actors; got ${actors.length}`,
      {
        limit: maxExportActors,
      },
    );
  }
  const depthText = first("depth");
  const depth = depthText === undefined ? 1 : Number(depthText);
  if (!Number.isInteger(depth) || depth < 1 || depth > maxExportDepth) {
    throw problem("depth", depthText ?? "", `must be a whole number from 1 to ${maxExportDepth}`);
  }
  if (depthText !== undefined && actors.length === 0) {
    throw problem("depth", depthText, 'needs "actor": it counts hops from those actors');
  }
  return {
    actors: actors.length > 0 ? actors : null,
    depth,
    kinds: listOf(
      "kinds",
      get("kinds"),
      vocabulary.actorKinds.map((k) => k.name),
    ),
    relations: {
      types: listOf(
        "types",
        get("types"),
        vocabulary.relationTypes.map((t) => t.name),
      ),
      asOf: day("asOf", first("asOf"), "day"),
      from: day("from", first("from"), "first"),
      to: day("to", first("to"), "last"),
    },
  };
}

/**
 * What the export's queries read for `filter`: with actors, their neighbourhood found once here (at most
 * `maxRelations` relations, else LIMIT_EXCEEDED; an unknown actor is NOT_FOUND with suggestions), then narrowed
 * by the other filters as it streams.
 */
export async function exportSelection(
  db: Database,
  filter: ExportFilter,
  maxRelations: number,
): Promise<ExportSelection> {
  const selection: ExportSelection = {
    actorKeys: null,
    relationKeys: null,
    kinds: filter.kinds,
    relations: filter.relations,
  };
  if (!filter.actors) return selection;
  const found = await neighbourhood(db, filter.actors, filter.depth, "BOTH", filter.relations, maxRelations);
  if (!found.complete) {
    throw limitExceeded(
      `The graph within ${filter.depth} hop(s) of the actors holds more than ${maxRelations} relations; ` +
        "narrow it (types, asOf, from, to, depth).",
      { limit: maxRelations },
    );
  }
  const reached = new Set(found.actors.map((a) => a.key));
  const missing = filter.actors.find((key) => !reached.has(key));
  if (missing !== undefined) {
    throw notFound("actor", missing, {
      argument: "actor",
      suggestions: await suggestActors((cypher, params) => db.read(cypher, params), missing),
    });
  }
  return { ...selection, actorKeys: [...reached], relationKeys: found.relations.map((r) => r.key) };
}
