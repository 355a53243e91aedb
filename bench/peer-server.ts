import { createServer } from "node:http";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { createYoga } from "graphql-yoga";
import neo4j from "neo4j-driver";

/**
 * The peer a user would otherwise pick: @neo4j/graphql with type definitions over the same labels and
 * relationships, behind the same HTTP stack (graphql-yoga on node:http). Started by `npm run bench`.
 * Citations link to relations by a property, not a relationship, so @neo4j/graphql reaches them only from
 * their source; queries that need a relation's citations have no peer equivalent.
 */
const typeDefs = /* GraphQL */ `
  type Actor @node @fulltext(indexes: [{ indexName: "actor_search", queryName: "searchActors", fields: ["searchNames"] }]) {
    id: ID!
    name: String!
    kind: String!
    aliases: [String!]!
    "A list of strings in the graph: @neo4j/graphql accepts only String fields in @fulltext; it is never selected."
    searchNames: String
    outgoing: [Actor!]! @relationship(type: "RELATION", direction: OUT, properties: "Relation")
    incoming: [Actor!]! @relationship(type: "RELATION", direction: IN, properties: "Relation")
  }
  type Relation @relationshipProperties {
    id: ID!
    type: String!
    at: String
    start: String
    end: String
    contested: Boolean
  }
`;
const driver = neo4j.driver(
  process.env.NEO4J_URI as string,
  neo4j.auth.basic("neo4j", process.env.NEO4J_PASSWORD ?? "actorgraph-local"),
);
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const yoga = createYoga({
  schema,
  graphqlEndpoint: "/graphql",
  landingPage: false,
  graphiql: false,
  logging: false,
});
const server = createServer(yoga);
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`PEER_READY ${process.env.PORT}`));
process.on("SIGTERM", () => server.close(() => driver.close().then(() => process.exit(0))));
