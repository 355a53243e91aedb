import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import RelayPlugin from "@pothos/plugin-relay";
import { type GraphQLResolveInfo, isObjectType } from "graphql";
import { badInput } from "../domain/errors.js";
import { periodOf } from "../domain/filters.js";
import { bounds } from "./bounds.js";
import type { GraphQLContext } from "./context.js";

/** The one Pothos builder: every domain type registers itself on it in its own file under types/. */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  Scalars: { Date: { Input: string; Output: string } };
  // Null when the client did not select it: counting a whole list is made only when asked (src/graphql/pagination.ts).
  Connection: { totalCount: number | null };
  // Non-null unless a field says otherwise: a null then always means "the sources do not say" or "no such".
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [RelayPlugin, ComplexityPlugin, DataloaderPlugin],
  // The cost estimate (src/http/limits.ts checks it): every field costs 1; every list field states its own
  // multiplier from its bound (src/graphql/bounds.ts). The default multiplier is for the lists whose length
  // the vocabulary bounds (counts per kind or type).
  complexity: { defaultComplexity: 1, defaultListMultiplier: 20 },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    nodeTypeOptions: { description: "An object with a global id, which node(id) finds again." },
    idFieldOptions: { description: "Global id: opaque, stable, accepted by node(id)." },
    nodeQueryOptions: {
      description: "Any object by its global id (Actor, Relation, Citation, Source); null if none.",
      args: { id: { description: "A global id." } },
      resolve: (_root, args, _context, info, resolveNode) => {
        checkNodeType(info, args.id.typename);
        return resolveNode(args.id);
      },
    },
    nodesQueryOptions: {
      description: "Objects by their global ids, in the order asked; null where none.",
      args: { ids: { description: `Global ids, at most ${bounds.nodeIds.max}.` } },
      complexity: (args) => ({ field: 1, multiplier: Math.min(args.ids.length, bounds.nodeIds.max) }),
      resolve: (_root, args, { budget }, info, resolveNodes) => {
        if (args.ids.length > bounds.nodeIds.max) {
          throw badInput(`"ids" may hold at most ${bounds.nodeIds.max} global ids; got ${args.ids.length}`);
        }
        for (const id of args.ids) checkNodeType(info, id.typename);
        budget.chargeItems(args.ids.length);
        return resolveNodes(args.ids);
      },
    },
    pageInfoTypeOptions: { description: "Where a page stands in its list." },
    hasNextPageFieldOptions: { description: "Whether items follow this page." },
    hasPreviousPageFieldOptions: { description: "Whether items precede this page." },
    startCursorFieldOptions: { description: "Cursor of the first item of the page." },
    endCursorFieldOptions: {
      description: "Cursor of the last item of the page; pass it as after for the next.",
    },
    cursorFieldOptions: { description: "Opaque position of this item in its list." },
    // The connection field multiplies by its page size already: its edges must not multiply again.
    edgesFieldOptions: {
      nullable: false,
      description: "The items of this page, with their cursors.",
      complexity: { field: 1, multiplier: 1 },
    },
    nodeFieldOptions: { nullable: false, description: "The item." },
    pageInfoFieldOptions: { description: "Where this page stands." },
    beforeArgOptions: { description: "Items before this cursor." },
    afterArgOptions: { description: "Items after this cursor." },
    firstArgOptions: { description: "At most this many items from the start (at most 100; 20 by default)." },
    lastArgOptions: { description: "At most this many items from the end (at most 100)." },
    defaultConnectionTypeOptions: { description: "A page of a list, with its total count." },
    defaultEdgeTypeOptions: { description: "One item of a page, with its cursor." },
  },
});

/**
 * Refuses a global id that names no object type with global ids ("Foo:1", "Query:x"): Pothos would fail on it
 * with an uncoded error.
 * @throws BAD_USER_INPUT
 */
function checkNodeType(info: GraphQLResolveInfo, typename: string): void {
  const type = info.schema.getType(typename);
  if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === "Node")) {
    throw badInput(`A global id of type "${typename}" names nothing in this API`);
  }
}

builder.queryType({ description: "Read access to the actor graph and its sources." });
builder.subscriptionType({
  description:
    "The graph's changes as they are committed, through any replica, over SSE or WebSocket (graphql-ws); each " +
    "event carries a cursor, and a subscription given the last one it received misses nothing and repeats nothing.",
});

builder.scalarType("Date", {
  description:
    "A calendar date as precise as known: a year (YYYY), a month (YYYY-MM) or a day (YYYY-MM-DD). As an " +
    "argument it stands for the whole period it names, not its first day (see each argument).",
  serialize: (value) => value,
  parseValue: (value) => periodOf("Date", value),
});

builder.globalConnectionField("totalCount", (t) =>
  t.int({
    description: "How many items the whole list has, across all pages.",
    resolve: (parent) => {
      if (parent.totalCount === null) throw new Error("totalCount was selected but not counted");
      return parent.totalCount;
    },
  }),
);
