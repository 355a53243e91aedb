import { writeFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../src/domain/project.js";
import { exampleSections } from "../src/http/examples.js";

/**
 * `npm run examples`: rewrites the generated example sections of README.md and docs/examples.md from
 * examples/*.graphql (test/examples.test.ts fails while they differ).
 */
for (const { file, text, expected } of exampleSections()) {
  if (text === expected) {
    console.log(`${file}: up to date`);
  } else {
    writeFileSync(path.join(projectRoot, file), expected);
    console.log(`${file}: rewritten`);
  }
}
