import { z } from "zod";
import {
  aliases,
  key as id,
  language,
  limits,
  name,
  offset,
  partialDate,
  quote,
  shortText,
  sourceText,
  spanProblem,
} from "./grammar.js";
import { provenanceFields } from "./source-metadata.js";

/**
 * The shapes of every input, built from the one grammar (./grammar.ts): the seed files, the files of
 * `npm run ingest` and the batches the GraphQL mutations make all parse with these schemas.
 */

/** An optional short text: null when left out. */
const optionalText = shortText.nullable().default(null);
const optionalDate = partialDate.nullable().default(null);

const vocabularyEntry = z.strictObject({
  name: z.string().regex(/^[A-Z][A-Z_]*$/),
  description: z.string().min(1),
});
/** A relation family: a name in lower-case words, under which the explorer groups relation types. */
const relationFamily = z.strictObject({
  name: z.string().regex(/^[a-z][a-z ]*$/),
  description: z.string().min(1),
});
/** `colour`: the explorer's colour for the kind, as `#rrggbb`. */
const actorKindEntry = vocabularyEntry.extend({
  colour: z.string().regex(/^#[0-9a-f]{6}$/, "must be a colour written #rrggbb (lower-case hex)"),
});
/**
 * `family`: the name of one of the file's `relationFamilies`. `link`: whether a relation of the type connects its
 * two actors (false for what is said about them or about another relation: paths do not follow it by default).
 * `membership`: whether its from belongs to its to (an official, a member, a part of it). `symmetric`: the
 * relation reads the same both ways (from and to may be swapped), which the rule of the same relation
 * (./same-relation.ts) uses.
 */
const relationTypeEntry = vocabularyEntry.extend({
  family: z.string().min(1),
  link: z.boolean().default(true),
  membership: z.boolean().default(false),
  symmetric: z.boolean().default(false),
});
export const vocabularyFile = z
  .strictObject({
    relationFamilies: z.array(relationFamily).min(1),
    actorKinds: z.array(actorKindEntry).min(1),
    stances: z.array(vocabularyEntry).min(1),
    relationTypes: z.array(relationTypeEntry).min(1),
  })
  .superRefine((file, context) => {
    const families = new Set(file.relationFamilies.map((f) => f.name));
    file.relationTypes.forEach((type, index) => {
      if (!families.has(type.family)) {
        context.addIssue({
          code: "custom",
          path: ["relationTypes", index, "family"],
          message: `unknown relation family "${type.family}" of ${type.name}: it must be one of relationFamilies`,
        });
      }
    });
  });

export const sourcesFile = z.strictObject({
  sources: z.array(
    z.strictObject({
      id,
      file: z.string().min(1),
      title: optionalText,
      publisher: optionalText,
      author: optionalText,
      published: optionalDate,
      language,
      ...provenanceFields,
    }),
  ),
});

export const actorEntry = z.strictObject({
  id,
  name,
  kind: z.string(),
  aliases: aliases.default([]),
  description: optionalText,
});
export const actorsFile = z.strictObject({ actors: z.array(actorEntry) });

/** New values for an actor's fields: each one left out keeps its value. */
export const actorPatch = z.strictObject({
  name: name.optional(),
  kind: z.string().optional(),
  aliases: aliases.optional(),
  /** Aliases to add to those the actor has, and to take from them (matched as written, NFC and spaces collapsed). */
  addAliases: aliases.optional(),
  removeAliases: z.array(z.string()).max(limits.aliases, `at most ${limits.aliases} aliases`).optional(),
  description: shortText.nullable().optional(),
});

/** 0 <= start < end; that end is within the source, and the quote is there, is checked against the source. */
const checkSpan = (
  citation: { start?: number | null; end?: number | null },
  ctx: z.RefinementCtx<unknown>,
) => {
  const problem = spanProblem(citation.start, citation.end);
  if (problem) ctx.addIssue({ code: "custom", path: ["end"], message: problem });
};

const citationFields = {
  source: id,
  quote,
  start: offset,
  end: offset,
  speaker: id.nullable().default(null),
  stance: z.string(),
};
export const citation = z.strictObject(citationFields).superRefine(checkSpan);
/** A citation whose offsets may be left out where the quote occurs once in its source. */
const looseCitation = z
  .strictObject({ ...citationFields, start: offset.nullable().optional(), end: offset.nullable().optional() })
  .superRefine(checkSpan);

const citations = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1, "every relation needs at least one citation")
    .max(limits.citations, `at most ${limits.citations} citations`);

/** Where a relation happens, as its quotes write it, and the actor (a state) the place is, when it is one. */
const place = z.strictObject({ name, actor: id.nullable().default(null) });

const relationFields = {
  id,
  type: z.string(),
  from: id,
  to: id,
  role: optionalText,
  at: optionalDate,
  start: optionalDate,
  end: optionalDate,
  note: optionalText,
  /** Keys of the relations this one answers or is about: a denial points at what it denies. */
  addresses: z.array(id).max(limits.addresses, `at most ${limits.addresses} addressed relations`).default([]),
  places: z.array(place).max(limits.places, `at most ${limits.places} places`).default([]),
  /**
   * The writer's word that this relation is a fact of its own although an existing one states the same
   * (./same-relation.ts): two meetings in one month, say. Not stored.
   */
  distinct: z.boolean().default(false),
};
/** A relation joins two actors: `from` and `to` differ. */
const checkEnds = (relation: { from?: unknown; to?: unknown }, ctx: z.RefinementCtx<unknown>) => {
  if (relation.from === relation.to) {
    ctx.addIssue({
      code: "custom",
      path: ["to"],
      message: `a relation joins two different actors (got from and to both ${JSON.stringify(relation.to)})`,
    });
  }
};
const relationEntry = z
  .strictObject({ ...relationFields, citations: citations(citation) })
  .superRefine(checkEnds);
export const looseRelationEntry = z
  .strictObject({ ...relationFields, citations: citations(looseCitation) })
  .superRefine(checkEnds);

export const relationsFile = z.strictObject({ relations: z.array(relationEntry) });

export const unrelatedSentencesFile = z.strictObject({
  sentences: z.array(z.strictObject({ source: id, quote, reason: shortText })),
});

/**
 * A file for `npm run ingest`: the seed's formats in one file, each section optional. Citations may leave out
 * their offsets where the quote occurs once in its source.
 */
export const ingestFile = z.strictObject({
  sources: sourcesFile.shape.sources.optional().default([]),
  actors: actorsFile.shape.actors.optional().default([]),
  relations: z.array(looseRelationEntry).optional().default([]),
});

/**
 * What every write checks before it reads the database: a batch of new records (from a mutation or an ingest
 * file, whose sources carry their text and may leave their key to be derived from it), and the operations'
 * own inputs.
 */
export const batchInput = z.strictObject({
  sources: z.array(
    z.strictObject({
      text: sourceText,
      ...sourcesFile.shape.sources.element.shape,
      id: id.nullable(),
      file: z.string().nullable().default(null),
    }),
  ),
  actors: z.array(actorEntry),
  relations: z.array(looseRelationEntry),
});
/** A source of a bulk load (src/ingest/bulk.ts): its key given, its text with it. */
export const bulkSource = sourcesFile.shape.sources.element.extend({ text: sourceText });
/** A citation's key: its relation's key, "#", and its number ("c" and a number for one added by citeRelation). */
export const citationKey = z
  .string()
  .max(limits.key + 12, `at most ${limits.key + 12} characters`)
  .regex(
    /^[a-z0-9]+(?:-[a-z0-9]+)*#c?[1-9][0-9]*$/,
    'must be a citation key: a relation key, "#" and a number',
  );
/** Citations added to an existing relation (citeRelation): the relation's key and the citations as assertRelation takes them. */
export const citeInput = z.strictObject({ relation: id, citations: citations(looseCitation) });
/** A citation withdrawn from its relation, and why. */
export const withdrawInput = z.strictObject({ citation: citationKey, reason: shortText });
export const mergeInput = z.strictObject({ into: id, from: id });
export const retractInput = z.strictObject({ key: id, reason: shortText });
export const editInput = z.strictObject({ key: id, patch: actorPatch });

export type Vocabulary = z.infer<typeof vocabularyFile>;
export type SeedSourceEntry = z.infer<typeof sourcesFile>["sources"][number];
export type SeedActorEntry = z.infer<typeof actorsFile>["actors"][number];
export type SeedRelationEntry = z.infer<typeof relationsFile>["relations"][number];
export type SeedCitationEntry = z.infer<typeof citation>;
export type BatchInput = z.infer<typeof batchInput>;
export type ActorPatch = z.infer<typeof actorPatch>;
