import { writeFile } from "node:fs/promises";
import path from "node:path";
import { lexicographicSortSchema, printSchema } from "graphql";
import { projectRoot } from "../domain/project.js";
import { schema } from "./schema.js";

export const sdlFile = path.join(projectRoot, "schema", "schema.graphql");

/** The schema as SDL, sorted so that the committed file only changes when the API does. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

// `npm run schema:print` rewrites schema/schema.graphql; a test fails while the file and the code differ.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  await writeFile(sdlFile, printedSchema());
  console.log(`Wrote ${path.relative(projectRoot, sdlFile)}`);
}
