import SchemaBuilder from "@pothos/core";
import RelayPlugin from "@pothos/plugin-relay";
import { isCalendarDate } from "../seed/validate.js";
import type { GraphQLContext } from "./context.js";
import { badInput } from "./errors.js";

/** The one Pothos builder: every domain type registers itself on it in its own file under types/. */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  Scalars: { Date: { Input: string; Output: string } };
  Connection: { totalCount: number };
  // Non-null unless a field says otherwise: a null then always means "the sources do not say" or "no such".
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [RelayPlugin],
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    nodeTypeOptions: { description: "An object with a global id, which node(id) finds again." },
    idFieldOptions: { description: "Global id: opaque, stable, accepted by node(id)." },
    nodeQueryOptions: {
      description: "Any object by its global id (Actor, Relation, Citation, Source); null if none.",
      args: { id: { description: "A global id." } },
    },
    nodesQueryOptions: {
      description: "Objects by their global ids, in the order asked; null where none.",
      args: { ids: { description: "Global ids." } },
    },
    pageInfoTypeOptions: { description: "Where a page stands in its list." },
    hasNextPageFieldOptions: { description: "Whether items follow this page." },
    hasPreviousPageFieldOptions: { description: "Whether items precede this page." },
    startCursorFieldOptions: { description: "Cursor of the first item of the page." },
    endCursorFieldOptions: {
      description: "Cursor of the last item of the page; pass it as after for the next.",
    },
    cursorFieldOptions: { description: "Opaque position of this item in its list." },
    edgesFieldOptions: { nullable: false, description: "The items of this page, with their cursors." },
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

builder.queryType({ description: "Read access to the actor graph and its sources." });

builder.scalarType("Date", {
  description: "A calendar day, YYYY-MM-DD.",
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value) || !isCalendarDate(value)) {
      throw badInput(`Date must be a calendar day written YYYY-MM-DD; got ${JSON.stringify(value)}`);
    }
    return value;
  },
});

builder.globalConnectionField("totalCount", (t) =>
  t.int({
    description: "How many items the whole list has, across all pages.",
    resolve: (parent) => parent.totalCount,
  }),
);
