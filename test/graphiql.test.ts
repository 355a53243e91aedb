import { describe, expect, it } from "vitest";
import { readExamples } from "../src/http/examples.js";
import { graphiqlTabs } from "../src/http/graphiql.js";

/** GraphiQL's default tabs are the example files' queries (test/explorer.test.ts runs one in Chromium). */
describe("GraphiQL's default document", () => {
  it("has one tab per example file, in order, its query under its title, the first saying where the docs are", () => {
    const examples = readExamples();
    expect(examples.length).toBeGreaterThanOrEqual(3);
    expect(graphiqlTabs).toHaveLength(examples.length);
    expect(graphiqlTabs[0]?.query).toMatch(/Documentation Explorer/);
    graphiqlTabs.forEach((tab, i) => {
      const example = examples[i];
      expect(tab.query.endsWith(example?.query ?? "-"), example?.file).toBe(true);
      expect(tab.query, example?.file).toContain(`# ${example?.title}\n`);
      expect(tab.variables === undefined ? undefined : JSON.parse(tab.variables)).toEqual(example?.variables);
    });
  });
});
