import { describe, expect, it } from "vitest";
import { exampleSections, parseExample, readExamples } from "../src/http/examples.js";

/** The example queries live once, in examples/*.graphql; the documents' sections are generated from them. */
describe("example files and the documents that show them", () => {
  it("README.md and docs/examples.md show what examples/*.graphql hold", () => {
    const examples = readExamples();
    const sections = exampleSections(examples);
    expect(sections.map((s) => s.file)).toEqual(["README.md", "docs/examples.md"]);
    for (const { file, text, expected } of sections) {
      expect(
        text,
        `${file}'s example section differs from examples/*.graphql: run \`npm run examples\``,
      ).toBe(expected);
    }
    const readme = sections[0]?.text ?? "";
    const all = sections[1]?.text ?? "";
    for (const [index, example] of examples.entries()) {
      expect(all, example.file).toContain(`\`\`\`graphql\n${example.query}\`\`\``);
      expect(readme.includes(example.query), example.file).toBe(index < 3);
    }
  });

  it("reads a title, a description, variables and an answer from the leading comment", () => {
    const example = parseExample(
      "x.graphql",
      '# Who?\n#\n# Asks who.\n#\n# Variables: {"key": "mali"}\n#\n# Answer: Mali.\nquery Q($key: String!) { actor(key: $key) { name } }\n',
    );
    expect(example).toEqual({
      file: "x.graphql",
      title: "Who?",
      description: "Asks who.",
      answer: "Mali.",
      variables: { key: "mali" },
      query: "query Q($key: String!) { actor(key: $key) { name } }\n",
    });
  });

  it("refuses a file without a title, without a query, or with variables that are not a JSON object", () => {
    expect(() => parseExample("a.graphql", "{ stats { actorsByKind { key } } }\n")).toThrow(
      "examples/a.graphql: must start with a one-line comment",
    );
    expect(() => parseExample("b.graphql", "# Title\n")).toThrow("examples/b.graphql: holds no query");
    expect(() => parseExample("c.graphql", "# Title\n#\n# Variables: {key\n{ stats { x } }\n")).toThrow(
      'examples/c.graphql: "Variables:" must be followed by JSON',
    );
    expect(() => parseExample("d.graphql", "# Title\n#\n# Variables: [1]\n{ stats { x } }\n")).toThrow(
      'examples/d.graphql: "Variables:" must be a JSON object',
    );
  });
});
