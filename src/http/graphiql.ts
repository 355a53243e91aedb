import { renderGraphiQL as renderYogaGraphiQL } from "@graphql-yoga/render-graphiql";
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

/**
 * GraphiQL's tabs keep the transform of their drag animation (framer-motion's Reorder) while focused, and its
 * style sheet shows that transform only on a focused tab: a mouse press focuses the tab, which then jumps away
 * from under the pointer, so the release lands on the tab bar and the click never reaches the tab (measured in
 * Chromium: pointerdown on the tab, pointerup on `.graphiql-tabs`). Holding tabs in place makes a click switch
 * them; the cost is that a tab dragged to another place does not follow the pointer while dragged.
 */
const tabsInPlace = "<style>.graphiql-tab { transform: none !important; }</style>";

/** GraphiQL from the installed package (never a CDN), with tabs that switch on a click. */
export const renderGraphiQL = (options: Parameters<typeof renderYogaGraphiQL>[0]) =>
  renderYogaGraphiQL(options).replace("</head>", `${tabsInPlace}</head>`);
