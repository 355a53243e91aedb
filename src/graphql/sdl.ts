import path from "node:path";
import { lexicographicSortSchema, printSchema } from "graphql";
import { projectRoot } from "../domain/project.js";
import { schema } from "./schema.js";

/** The committed SDL, rewritten by `npm run schema:print` (src/cli/schema-print.ts). */
export const sdlFile = path.join(projectRoot, "schema", "schema.graphql");

/** The schema as SDL, sorted so that the committed file only changes when the API does. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
