import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { type Vocabulary, vocabularyFile } from "./model.js";
import { projectRoot } from "./project.js";

/**
 * The closed vocabularies of the product (seed/vocabulary.yaml): the seed loader, ingest, the mutations and
 * the GraphQL enums all read this one file, so they can never disagree on a kind, type or stance.
 */
export const vocabulary: Vocabulary = vocabularyFile.parse(
  parse(readFileSync(path.join(projectRoot, "seed", "vocabulary.yaml"), "utf8")),
);

/** The relation types that connect their two actors (vocabulary `link`): what paths follow by default. */
export const linkTypes: string[] = vocabulary.relationTypes.filter((t) => t.link).map((t) => t.name);

/** The relation types whose from belongs to its to (vocabulary `membership`): officials, members, parts. */
export const membershipTypes: string[] = vocabulary.relationTypes
  .filter((t) => t.membership)
  .map((t) => t.name);
