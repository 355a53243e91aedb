import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../src/domain/project.js";

/** README.md is the front door and docs/*.md the manual: each relative link must lead somewhere. */

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");

/** The anchors of a Markdown file's headings, outside code blocks. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const heading = /^#{1,6} (.+)$/.exec(line);
    if (!fenced && heading?.[1]) anchors.add(slug(heading[1]));
  }
  return anchors;
}

const documents = [
  "README.md",
  ...readdirSync(path.join(projectRoot, "docs"))
    .filter((file) => file.endsWith(".md"))
    .map((file) => `docs/${file}`),
];

describe("the README and the docs", () => {
  it.each(documents)("%s: every relative link names a file that exists, and a heading of it", (document) => {
    const text = readFileSync(path.join(projectRoot, document), "utf8").replace(/^```[\s\S]*?^```$/gm, "");
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
      .map((match) => match[1] ?? "")
      .filter((link) => !/^[a-z]+:/.test(link));
    for (const link of links) {
      const [target = "", anchor] = link.split("#");
      const file = target === "" ? document : path.join(path.dirname(document), target);
      expect(existsSync(path.join(projectRoot, file)), `${document}: ${link}`).toBe(true);
      if (anchor !== undefined) {
        const anchors = anchorsOf(readFileSync(path.join(projectRoot, file), "utf8"));
        expect(anchors.has(anchor), `${document}: ${link} (no such heading)`).toBe(true);
      }
    }
  });

  it("the README maps every document of docs/", () => {
    const readme = readFileSync(path.join(projectRoot, "README.md"), "utf8");
    for (const document of documents.slice(1)) expect(readme, document).toContain(`](${document})`);
  });
});
