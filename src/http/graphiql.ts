import { readExamples } from "./examples.js";

/**
 * What GraphiQL opens on: one tab per example query of examples/*.graphql (the ones docs/examples.md shows;
 * test/graphiql.test.ts checks the tabs against the files), read once at start-up, the first tab with a comment
 * saying where the schema's documentation is. GraphiQL uses these only for a browser that has no tabs of its own
 * stored yet.
 */

const docs = `# Actor graph: GraphQL over political and military actors, every relation cited from its sources.
# Each tab holds one of the example queries (docs/examples.md); press Run (the pink button, or Ctrl-Enter).
# The schema's documentation: the book icon at the top left (Documentation Explorer), or
# schema/schema.graphql in the repository. The graph explorer is at /.
`;

/** A Markdown paragraph as comment lines. */
const commented = (text: string) =>
  text
    .split("\n")
    .map((line) => `# ${line}`.trimEnd())
    .join("\n");

/**
 * GraphiQL's default tabs: each example's query under its title and description as comments, with its
 * variables as JSON when it has any; the first also says where the docs are.
 */
export const graphiqlTabs = readExamples().map(({ title, description, variables, query }, index) => ({
  query: `${index === 0 ? docs : ""}${commented(title)}\n${description ? `${commented(description)}\n` : ""}${query}`,
  ...(variables ? { variables: JSON.stringify(variables, null, 2) } : {}),
}));
