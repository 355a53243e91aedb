import { writeFile } from "node:fs/promises";
import path from "node:path";
import { projectRoot } from "../domain/project.js";
import { printedSchema, sdlFile } from "../graphql/sdl.js";
import { runCommand } from "./run.js";

/** `npm run schema:print`: rewrites schema/schema.graphql; a test fails while the file and the code differ. */
await runCommand(async () => {
  await writeFile(sdlFile, printedSchema());
  console.log(`Wrote ${path.relative(projectRoot, sdlFile)}`);
});
