import type { Database } from "../db/database.js";
import type { ExportSelection } from "../db/export.js";
import type { RelationFilter } from "../db/queries/relation-filter.js";
import { neighbourhood } from "../db/queries/traversals.js";
import { suggestActors } from "../db/suggest.js";
import { badInput, limitExceeded, notFound } from "../domain/errors.js";
import { checkDepth, checkSeedActors, checkWindow, periodOf } from "../domain/filters.js";
import { show } from "../domain/grammar.js";
import { vocabulary } from "../domain/vocabulary.js";

/**
 * What part of the graph an export holds, as `GET /export/FILE?...` and `npm run export -- DIR --...` name it.
 * Every parameter is optional; none gives the whole graph.
 *
 * - `actor` (repeatable or comma-separated, at most 50 keys) and `depth` (1 to 3, default 1): only the actors
 *   within `depth` hops of them and the relations followed, as the API's `subgraph` finds them;
 * - `kinds`, `types` (comma-separated): only actors of these kinds and relations of these types (a relation
 *   needs both its ends kept);
 * - `asOf` (YYYY, YYYY-MM or YYYY-MM-DD): only relations in force at some time in that period; `from`, `to`
 *   (the same forms): only relations whose time overlaps the window from the first day of `from` to the last
 *   day of `to`. As in the API, relations the sources do not date are left out by these three.
 *
 * `depth`, `asOf`, `from` and `to` take one value each: given twice, they are refused rather than one chosen.
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
/** Parameters that take lists (repeated, or comma-separated); the others take one value, given once. */
const listParameters: ReadonlySet<Parameter> = new Set(["actor", "kinds", "types"]);

/** How an error names a parameter. */
const named = (parameter: Parameter) => `Export parameter "${parameter}"`;

/** Comma-separated values of `parameter`, each checked against a closed vocabulary. */
function listOf(parameter: Parameter, values: string[], allowed: readonly string[]): string[] | null {
  const items = values.flatMap((v) => v.split(",")).filter((v) => v.length > 0);
  for (const item of items) {
    if (!allowed.includes(item)) {
      throw badInput(`${named(parameter)} must be one of ${allowed.join(", ")}; got ${show(item)}`, {
        parameter,
      });
    }
  }
  return items.length > 0 ? [...new Set(items)] : null;
}

/**
 * Reads an export's filter from its parameters: `get(name)` answers every value given for that name (an HTTP
 * query's `getAll`, a CLI option's values). The values pass the API's own rules (src/domain/filters.ts), so that
 * an export refuses what `relations(filter:)` and `subgraph` refuse, with the same codes: dates are periods as
 * the API's Date takes them, `from` must not be after `to`, depth is 1 to 3, at most 50 actors.
 * @throws BAD_USER_INPUT naming the parameter, the value (cut) and the rule, or a single-valued parameter given
 * more than once; LIMIT_EXCEEDED for more than 50 actors or a depth over 3.
 */
export function parseExportFilter(get: (name: Parameter) => string[]): ExportFilter {
  const one = (parameter: Parameter): string | undefined => {
    const values = get(parameter);
    if (values.length > 1 && !listParameters.has(parameter)) {
      throw badInput(`${named(parameter)} takes one value; it was given ${values.length} times`, {
        parameter,
      });
    }
    return values[0] === "" ? undefined : values[0];
  };
  const period = (parameter: Parameter) => {
    const value = one(parameter);
    return value === undefined ? null : periodOf(named(parameter), value);
  };
  const actors = [
    ...new Set(
      get("actor")
        .flatMap((v) => v.split(","))
        .filter(Boolean),
    ),
  ];
  checkSeedActors(named("actor"), actors.length);
  const depthText = one("depth");
  const depth = depthText === undefined ? 1 : checkDepth(named("depth"), depthText);
  if (depthText !== undefined) {
    if (actors.length === 0) {
      throw badInput(`${named("depth")} needs "actor": it counts hops from those actors`, {
        parameter: "depth",
      });
    }
  }
  const from = period("from");
  const to = period("to");
  checkWindow(from, to);
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
      asOf: period("asOf"),
      from,
      to,
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
