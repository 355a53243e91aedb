import { z } from "zod";

/** A date as written in the seed: the form is the precision. */
export const partialDate = z
  .string()
  .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be a date "YYYY", "YYYY-MM" or "YYYY-MM-DD"');
const optionalText = z.string().trim().min(1).nullable().default(null);
const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be a lower-case kebab-case id");
const offset = z.number().int().nonnegative();

const vocabularyEntry = z.strictObject({
  name: z.string().regex(/^[A-Z][A-Z_]*$/),
  description: z.string().min(1),
});
export const vocabularyFile = z.strictObject({
  actorKinds: z.array(vocabularyEntry).min(1),
  stances: z.array(vocabularyEntry).min(1),
  relationTypes: z.array(vocabularyEntry).min(1),
});

export const sourcesFile = z.strictObject({
  sources: z.array(
    z.strictObject({
      id,
      file: z.string().min(1),
      title: optionalText,
      publisher: optionalText,
      author: optionalText,
      published: partialDate.nullable().default(null),
      language: z.string().regex(/^[a-z]{2,3}$/, "must be an ISO 639 language code such as fr"),
    }),
  ),
});

export const actorsFile = z.strictObject({
  actors: z.array(
    z.strictObject({
      id,
      name: z.string().trim().min(1),
      kind: z.string(),
      aliases: z.array(z.string().trim().min(1)).default([]),
      description: optionalText,
    }),
  ),
});

export const citation = z.strictObject({
  source: id,
  quote: z.string().min(1),
  start: offset,
  end: offset,
  speaker: id.nullable().default(null),
  stance: z.string(),
});

const relationEntry = z.strictObject({
  id,
  type: z.string(),
  from: id,
  to: id,
  role: optionalText,
  at: partialDate.nullable().default(null),
  start: partialDate.nullable().default(null),
  end: partialDate.nullable().default(null),
  note: optionalText,
  citations: z.array(citation).min(1, "every relation needs at least one citation"),
});

export const relationsFile = z.strictObject({ relations: z.array(relationEntry) });

export const unrelatedSentencesFile = z.strictObject({
  sentences: z.array(z.strictObject({ source: id, quote: z.string().min(1), reason: z.string().min(1) })),
});

/**
 * A file for `npm run ingest`: the seed's formats in one file, each section optional. Citations may leave out
 * their offsets where the quote occurs once in its source.
 */
export const ingestFile = z.strictObject({
  sources: sourcesFile.shape.sources.optional().default([]),
  actors: actorsFile.shape.actors.optional().default([]),
  relations: z
    .array(
      relationEntry.extend({
        citations: z
          .array(citation.extend({ start: offset.nullable().optional(), end: offset.nullable().optional() }))
          .min(1, "every relation needs at least one citation"),
      }),
    )
    .optional()
    .default([]),
});

export type Vocabulary = z.infer<typeof vocabularyFile>;
export type SeedSourceEntry = z.infer<typeof sourcesFile>["sources"][number];
export type SeedActorEntry = z.infer<typeof actorsFile>["actors"][number];
export type SeedRelationEntry = z.infer<typeof relationsFile>["relations"][number];
export type SeedCitationEntry = z.infer<typeof citation>;
