import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../src/domain/project.js";
import { graphiqlExamples, graphiqlTabs } from "../src/http/graphiql.js";

/** GraphiQL's default tabs are the README's example queries (test/explorer.test.ts runs one in Chromium). */
describe("GraphiQL's default document", () => {
  it("has one tab per README example, the same text, the first saying where the schema docs are", () => {
    const readme = readFileSync(path.join(projectRoot, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/^```graphql\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
    expect(graphiqlExamples.map((e) => e.query)).toEqual(blocks);
    expect(graphiqlTabs[0]?.query).toMatch(/Documentation Explorer/);
    expect(graphiqlTabs.every((tab, i) => tab.query.endsWith(blocks[i] ?? "-"))).toBe(true);
  });
});
