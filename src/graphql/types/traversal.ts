import type { GraphQLResolveInfo } from "graphql";
import type { Direction } from "../../db/queries/relation-filter.js";
import { neighbourhood, type PathSearch, pathOmissions, shortestPaths } from "../../db/queries/traversals.js";
import type { ActorRecord } from "../../db/records/actor.js";
import type { RelationRecord } from "../../db/records/relation.js";
import { badInput, limitExceeded } from "../../domain/errors.js";
import { checkDepth, checkSeedActors, traversalLimits } from "../../domain/filters.js";
import { linkTypes, vocabulary } from "../../domain/vocabulary.js";
import { bounds, fetchedPerParent, listComplexity, listLimit } from "../bounds.js";
import { builder } from "../builder.js";
import type { GraphQLContext } from "../context.js";
import { relationEnd } from "../loaders.js";
import { OmissionRef, omittedComplexity, omittedDescription } from "../omitted.js";
import { ActorRef, RelationRef } from "../refs.js";
import { relationFilterArgs, toRelationFilter } from "../relation-filter.js";
import { selects } from "../selection.js";
import { actorArgument, unknownActor } from "../unknown.js";
import { DirectionEnum, RelationTypeEnum } from "./vocabulary.js";

/** Hard limits of traversals: beyond them a query is refused with LIMIT_EXCEEDED, never cut silently. */
export const maxDepth = traversalLimits.depth;
export const maxHops = 6;
export const maxSeedActors = traversalLimits.seedActors;
/** Most paths one paths(all: true) answers. */
export const maxPaths = 25;

interface Subgraph {
  nodes: ActorRecord[];
  edges: RelationRecord[];
}

const SubgraphRef = builder.objectRef<Subgraph>("Subgraph").implement({
  description:
    "Actors and the relations between them, shaped for graph-visualization frontends: every edge's from and to " +
    "are among the nodes.",
  fields: (t) => ({
    // neighbourhood and subgraph multiply by their limit already: these lists must not multiply again.
    nodes: t.field({
      type: [ActorRef],
      complexity: { field: 1, multiplier: 1 },
      resolve: (g) => g.nodes,
      description: "The actors, by key.",
    }),
    edges: t.field({
      type: [RelationRef],
      complexity: { field: 1, multiplier: 1 },
      resolve: (g) => g.edges,
      description: "The relations, by key.",
    }),
  }),
});

interface PathStep {
  relation: RelationRecord;
  from: string;
  to: string;
}

const PathStepRef = builder.objectRef<PathStep>("PathStep").implement({
  description:
    "One step of a path, in walking order; it may follow its relation against the relation's direction.",
  fields: (t) => ({
    relation: t.field({ type: RelationRef, resolve: (s) => s.relation, description: "The relation walked." }),
    from: t.field({
      type: ActorRef,
      description: "Where the step starts.",
      resolve: (s, _args, context) => relationEnd(context, s.relation, s.from),
    }),
    to: t.field({
      type: ActorRef,
      description: "Where the step ends.",
      resolve: (s, _args, context) => relationEnd(context, s.relation, s.to),
    }),
    forward: t.boolean({
      description: "Whether the step follows the relation's own direction (from subject to object).",
      resolve: (s) => s.relation.from === s.from,
    }),
  }),
});

const PathRef = builder.objectRef<PathStep[]>("Path").implement({
  description: "A path between two actors.",
  fields: (t) => ({
    length: t.int({ description: "Number of steps.", resolve: (steps) => steps.length }),
    steps: t.field({
      type: [PathStepRef],
      complexity: { field: 1, multiplier: maxHops },
      resolve: (steps) => steps,
      description: "The steps in walking order.",
    }),
  }),
});

/**
 * Breadth-first from the seed actors, in one query; an unknown seed fails with NOT_FOUND naming `argument` (the
 * argument that gave the seeds), a graph of more than `limit` relations with LIMIT_EXCEEDED (a cut graph would
 * mislead a frontend).
 */
async function expand(
  context: GraphQLContext,
  info: GraphQLResolveInfo,
  argument: string,
  seeds: string[],
  args: {
    depth?: number | null;
    direction?: string | null;
    types?: readonly string[] | null;
    asOf?: string | null;
    limit?: number | null;
  },
): Promise<Subgraph> {
  const { db, budget } = context;
  const depth = args.depth ?? 1;
  checkDepth('"depth"', depth);
  const limit = listLimit(args.limit, bounds.subgraph, info);
  const direction = (args.direction ?? "BOTH") as Direction;
  const { actors, relations, complete } = await neighbourhood(
    db,
    seeds,
    depth,
    direction,
    toRelationFilter(args),
    limit,
    context.projection.current,
  );
  if (!complete) {
    throw limitExceeded(
      `The graph within ${depth} hop(s) holds more than ${limit} relations; narrow it (types, asOf, direction, ` +
        `depth) or raise "limit" (at most ${bounds.subgraph.max}).`,
      { limit },
    );
  }
  budget.chargeItems(actors.length + relations.length);
  const reached = new Set(actors.map((actor) => actor.key));
  const missing = seeds.find((key) => !reached.has(key));
  if (missing !== undefined) throw await unknownActor(context, missing, argument);
  // Both lists come by key (src/db/queries/traversals.ts neighbourhood).
  return { nodes: actors, edges: relations };
}

const traversalArgs = builder.args((t) => ({
  depth: t.int({ defaultValue: 1, description: `Hops from the actors, 1 to ${maxDepth}.` }),
  limit: t.int({
    defaultValue: bounds.subgraph.default,
    description: `Most relations the graph may hold (default ${bounds.subgraph.default}, at most ${bounds.subgraph.max}); a bigger one is refused with LIMIT_EXCEEDED, never cut.`,
  }),
  direction: t.field({
    type: DirectionEnum,
    defaultValue: "BOTH",
    description: "Which relations to follow.",
  }),
  ...relationFilterArgs,
}));

builder.queryFields((t) => ({
  neighbourhood: t.field({
    type: SubgraphRef,
    description: "An actor and everything within `depth` hops of it, with the relations followed.",
    args: { actor: t.arg.string({ required: true, description: "Actor key." }), ...traversalArgs },
    complexity: listComplexity(bounds.subgraph),
    resolve: (_root, args, context, info) => expand(context, info, "actor", [args.actor], args),
  }),
  subgraph: t.field({
    type: SubgraphRef,
    description:
      "Several actors and everything within `depth` hops of any of them: load it into a graph frontend.",
    args: {
      actors: t.arg.stringList({
        required: true,
        description: `Actor keys, at most ${maxSeedActors}.`,
      }),
      ...traversalArgs,
    },
    complexity: listComplexity(bounds.subgraph),
    resolve: (_root, args, context, info) => {
      if (args.actors.length === 0) throw badInput('"actors" needs at least one actor key');
      checkSeedActors('"actors"', args.actors.length);
      return expand(context, info, "actors", [...new Set(args.actors)], args);
    },
  }),
}));

/** The relation types paths do not follow unless asked (vocabulary `link: false`). */
const notLinks = vocabulary.relationTypes
  .map((type) => type.name)
  .filter((name) => !linkTypes.includes(name));

/** A path search, checked, and whether it follows the link types by default: read only what is selected. */
interface PathQuestion extends PathSearch {
  linksByDefault: boolean;
}

const PathSearchRef = builder.objectRef<PathQuestion>("PathSearch").implement({
  description:
    "The shortest paths between two actors, the relation types followed, and what was left out and why.",
  fields: (t) => ({
    paths: t.field({
      type: [PathRef],
      // paths(all:) multiplies its children by the paths it may answer already: this list must not again.
      complexity: { field: 1, multiplier: 1 },
      description:
        "The shortest path (or all shortest paths), each step with its relation; among paths of equal length, " +
        "by relation keys.",
      resolve: async (q, _args, context, info) => {
        const { from, to, paths } = await shortestPaths(
          context.db,
          q,
          selects(info, ["steps", "relation", "citations"])
            ? fetchedPerParent(bounds.citationsOfRelation)
            : undefined,
          context.projection.current,
        );
        if (!from) throw await unknownActor(context, q.from, "from");
        if (!to) throw await unknownActor(context, q.to, "to");
        context.budget.chargeItems(paths.reduce((n, path) => n + path.length, 0));
        return paths.map((relations) => {
          let at = q.from;
          return relations.map((relation) => {
            const to = relation.from === at ? relation.to : relation.from;
            const step = { relation, from: at, to };
            at = to;
            return step;
          });
        });
      },
    }),
    followed: t.field({
      type: [RelationTypeEnum],
      complexity: { field: 1, multiplier: 1 },
      description: "The relation types followed: those asked for, else the link types of the vocabulary.",
      resolve: (q) => (q.filter.types ?? []) as never[],
    }),
    omitted: t.field({
      type: [OmissionRef],
      complexity: omittedComplexity,
      description:
        `${omittedDescription("the search")} It counts the relations on the shortest paths that following every ` +
        "relation (retracted ones too) would find, as many paths as asked, that this search did not follow; none " +
        "when no relation at all joins the two actors within maxHops.",
      resolve: async (q, _args, context) => {
        const omitted = await pathOmissions(context.db, q, q.linksByDefault);
        if (omitted.length === 0) {
          await actorArgument(context, q.from, "from");
          await actorArgument(context, q.to, "to");
        }
        return omitted;
      },
    }),
  }),
});

builder.queryField("paths", (t) =>
  t.field({
    type: PathSearchRef,
    complexity: (args) => ({ field: 1, multiplier: args.all ? maxPaths : 1 }),
    description:
      "The shortest path between two actors (or all shortest paths), each step with its relation, following link " +
      "types unless given the types to follow; with the number of relations left out by reason.",
    args: {
      from: t.arg.string({ required: true, description: "Actor key where paths start." }),
      to: t.arg.string({ required: true, description: "Actor key where paths end." }),
      maxHops: t.arg.int({ defaultValue: 4, description: `Longest path to look for, 1 to ${maxHops}.` }),
      all: t.arg.boolean({
        defaultValue: false,
        description: `All shortest paths (at most ${maxPaths}) instead of one.`,
      }),
      direction: t.arg({
        type: DirectionEnum,
        defaultValue: "BOTH",
        description: "Which way relations may be walked.",
      }),
      ...relationFilterArgs,
      types: t.arg({
        type: [RelationTypeEnum],
        description:
          "The relation types to follow; by default the link types: all but " +
          `${notLinks.join(", ")} (what is said about actors, or about another relation).`,
      }),
    },
    resolve: async (_root, args, context) => {
      const hops = args.maxHops ?? 4;
      if (hops < 1) throw badInput(`"maxHops" must be at least 1; got ${hops}`);
      if (hops > maxHops) throw limitExceeded(`"maxHops" may be at most ${maxHops}; got ${hops}`);
      if (args.from === args.to) {
        await actorArgument(context, args.from, "from");
        throw badInput('"from" and "to" are the same actor');
      }
      const filter = toRelationFilter(args);
      return {
        from: args.from,
        to: args.to,
        maxHops: hops,
        direction: (args.direction ?? "BOTH") as Direction,
        filter: { ...filter, types: filter.types ?? linkTypes },
        linksByDefault: filter.types === null,
        limit: args.all ? maxPaths : 1,
      };
    },
  }),
);
