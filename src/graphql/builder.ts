import SchemaBuilder from "@pothos/core";
import RelayPlugin from "@pothos/plugin-relay";
import { isCalendarDate } from "../seed/read.js";
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
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    nodeQueryOptions: { description: "Any object with a global id (Actor, Relation, Citation, Source)." },
    nodesQueryOptions: { description: "Objects by their global ids, in the order asked." },
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
