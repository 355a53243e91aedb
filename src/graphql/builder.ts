import SchemaBuilder from "@pothos/core";
import type { GraphQLContext } from "./context.js";

/** The one Pothos builder: every domain type registers itself on it in its own file under types/. */
export const builder = new SchemaBuilder<{ Context: GraphQLContext }>({});

builder.queryType({ description: "Read access to the actor graph and its sources." });
