import { requireRole } from "../../auth.js";
import type { MentionRecord } from "../../db/records/mention.js";
import { codePoints, sliceCodePoints } from "../../domain/text.js";
import { vocabulary } from "../../domain/vocabulary.js";
import {
  absorbActor,
  actorKeyFromName,
  applyBatch,
  type BatchResult,
  editActor,
  inputPath,
  relationKeyFor,
  retract,
} from "../../ingest/service.js";
import { boundedListField } from "../bounded-list.js";
import { bounds } from "../bounds.js";
import { builder } from "../builder.js";
import { forgetWritten, referenced } from "../loaders.js";
import { ActorRef, MentionRef, RelationRef, SourceRef } from "../refs.js";
import { ActorKindEnum, RelationTypeEnum, StanceEnum } from "./vocabulary.js";

/**
 * The write path. Each mutation needs an API key (editor, or admin for merges), parses with the seed's grammar
 * and is checked like the seed, runs as one transaction under the graph's write lock, is recorded in the
 * history, and given a clientKey is idempotent: the same request again changes nothing and answers the same.
 * After each write the request's loaders forget what it touched, so that its payload shows what was written.
 */

builder.mutationType({
  description: "Analysts' writes. Each needs an API key: Authorization: Bearer <key>.",
});

const locateInput = (_section: string, _index: number, path: readonly (string | number)[]) => inputPath(path);

export const clientKeyDescription =
  "Your idempotency key: a retry with the same key and input changes nothing.";

export interface WriteResult<T, ChangeId extends string | null = string> {
  value: T;
  /** The history entry of the write (null only where a payload says that nothing may be written). */
  changeId: ChangeId;
  replayed: boolean;
}

/** The change a batch that writes an actor or a relation recorded: such a batch always records one. */
function recorded(changeId: string | null): string {
  if (changeId === null) throw new Error("A batch that writes an actor or a relation recorded no change");
  return changeId;
}

const SourcePayloadRef = builder
  .objectRef<WriteResult<{ key: string; created: boolean; mentions: MentionRecord[] }, string | null>>(
    "AddSourcePayload",
  )
  .implement({
    description: "The stored source and the known actors it names, to cite from.",
    fields: (t) => ({
      source: t.field({
        type: SourceRef,
        description: "The source.",
        resolve: (r, _args, context) => referenced(SourceRef, context, "source", r.value.key),
      }),
      created: t.boolean({
        description: "False when the same text was already stored.",
        resolve: (r) => r.value.created,
      }),
      mentions: boundedListField(t, {
        type: [MentionRef],
        description:
          "The names and aliases of known actors in the text, accents and case ignored, in text order, each with its text.",
        bound: bounds.mentionsOfSource,
        what: "mentions",
        resolve: (r) => r.value.mentions,
      }),
      changeId: t.id({
        nullable: true,
        description:
          "The history entry of this write; null when the text was already stored (nothing changed).",
        resolve: (r) => r.changeId,
      }),
      replayed: t.boolean({
        description: "True when this answers a repeated clientKey.",
        resolve: (r) => r.replayed,
      }),
    }),
  });

/** An actor write's answer; `mentionTextsRead` is absent from answers recorded before it was counted. */
type ActorWrite = WriteResult<{ key: string; mentionTextsRead?: number }>;

const ActorPayloadRef = builder.objectRef<ActorWrite>("ActorPayload").implement({
  description: "The actor as it stands after the write.",
  fields: (t) => ({
    actor: t.field({
      type: ActorRef,
      description: "The actor.",
      resolve: (r, _args, context) => referenced(ActorRef, context, "actor", r.value.key),
    }),
    mentionTextsRead: t.int({
      description:
        "How many stored texts this write read to recompute the mentions of the names it added or removed: those " +
        "the source index finds for the names, never every text; 0 when no name changed.",
      resolve: (r) => r.value.mentionTextsRead ?? 0,
    }),
    changeId: t.id({ description: "The history entry of this write.", resolve: (r) => r.changeId }),
    replayed: t.boolean({
      description: "True when this answers a repeated clientKey.",
      resolve: (r) => r.replayed,
    }),
  }),
});

const RelationPayloadRef = builder.objectRef<WriteResult<{ key: string }>>("RelationPayload").implement({
  description: "The relation as it stands after the write.",
  fields: (t) => ({
    relation: t.field({
      type: RelationRef,
      description: "The relation.",
      resolve: (r, _args, context) => referenced(RelationRef, context, "relation", r.value.key),
    }),
    changeId: t.id({ description: "The history entry of this write.", resolve: (r) => r.changeId }),
    replayed: t.boolean({
      description: "True when this answers a repeated clientKey.",
      resolve: (r) => r.replayed,
    }),
  }),
});

const AddSourceInput = builder.inputType("AddSourceInput", {
  description: "A new source document. Metadata only where the text itself states it.",
  fields: (t) => ({
    key: t.string({
      description: "Its key; by default derived from the text, so the same text is stored once.",
    }),
    text: t.string({ required: true, description: "The exact text; quotes will be checked against it." }),
    title: t.string({ description: "Title, if the text states it." }),
    publisher: t.string({ description: "Publisher or agency, if the text states it." }),
    author: t.string({ description: "Author, if the text states it." }),
    published: t.string({ description: "Publication date: YYYY, YYYY-MM or YYYY-MM-DD." }),
    language: t.string({ required: true, description: "BCP 47 language tag, e.g. fr or pt-BR." }),
    url: t.string({
      description: "Web address it was read at (http or https), stored normalised; one source per address.",
    }),
    retrievedOn: t.string({ description: "The day it was retrieved: YYYY-MM-DD." }),
    clientKey: t.string({ description: clientKeyDescription }),
  }),
});

const AddActorInput = builder.inputType("AddActorInput", {
  description: "A new actor.",
  fields: (t) => ({
    key: t.string({
      description:
        "Its key: lower-case letters and digits in words joined by hyphens, at most 120; by default made from the " +
        "name, written in Latin letters.",
    }),
    name: t.string({ required: true, description: "Canonical name." }),
    kind: t.field({ type: ActorKindEnum, required: true, description: "Kind of actor." }),
    aliases: t.stringList({ description: "Every other name form, as the sources write it." }),
    description: t.string({ description: "What the sources say it is." }),
    clientKey: t.string({ description: clientKeyDescription }),
  }),
});

const UpdateActorInput = builder.inputType("UpdateActorInput", {
  description: "New values for an actor's fields; fields left out keep their value.",
  fields: (t) => ({
    key: t.string({ required: true, description: "The actor's key." }),
    name: t.string({ description: "New canonical name." }),
    kind: t.field({ type: ActorKindEnum, description: "New kind." }),
    aliases: t.stringList({ description: "The full new list of aliases." }),
    addAliases: t.stringList({
      description:
        "Aliases to add to those the actor has (instead of `aliases`); refused if one is there already.",
    }),
    removeAliases: t.stringList({
      description:
        "Aliases to take away (instead of `aliases`), as written (accents count); refused naming one the actor lacks.",
    }),
    description: t.string({ description: "New description." }),
    clientKey: t.string({ description: clientKeyDescription }),
  }),
});

const MergeActorsInput = builder.inputType("MergeActorsInput", {
  description: "Two actors found to be the same: `into` absorbs `from`.",
  fields: (t) => ({
    into: t.string({ required: true, description: "Key of the actor that stays." }),
    from: t.string({
      required: true,
      description:
        "Key of the actor absorbed: its names, relations, places, citations and mentions move. Refused while a " +
        "relation that is not retracted joins the two (it would join an actor to itself): retract it first.",
    }),
    clientKey: t.string({ description: clientKeyDescription }),
  }),
});

export const CitationInput = builder.inputType("CitationInput", {
  description: "A verbatim passage of a stored source.",
  fields: (t) => ({
    source: t.string({ required: true, description: "Source key." }),
    quote: t.string({ required: true, description: "The exact text of the source." }),
    start: t.int({ description: "Code point offset; needed only when the quote occurs more than once." }),
    end: t.int({ description: "Code point offset just past the quote (checked if given)." }),
    speaker: t.string({
      description: "Key of the actor the source attributes it to; none = the source's own voice.",
    }),
    stance: t.field({ type: StanceEnum, required: true, description: "The speaker's stance." }),
  }),
});

/** A citation as the write service takes it: the fields a client left out as null. */
export const citationFromInput = (c: typeof CitationInput.$inferInput) => ({
  source: c.source,
  quote: c.quote,
  start: c.start ?? null,
  end: c.end ?? null,
  speaker: c.speaker ?? null,
  stance: c.stance,
});

const PlaceInput = builder.inputType("PlaceInput", {
  description: "Where a relation happens, as one of its quotes writes it.",
  fields: (t) => ({
    name: t.string({ required: true, description: "The place as written in one of the relation's quotes." }),
    actor: t.string({ description: "Key of the actor (a state) the place is, when it is one." }),
  }),
});

const AssertRelationInput = builder.inputType("AssertRelationInput", {
  description: "A relation that cited passages state.",
  fields: (t) => ({
    key: t.string({
      description:
        "Its key; by default derived from its ends, type and all it states (dates, places, citations, ...).",
    }),
    type: t.field({ type: RelationTypeEnum, required: true, description: "Relation type." }),
    from: t.string({ required: true, description: "Subject actor key." }),
    to: t.string({ required: true, description: "Object actor key." }),
    role: t.string({ description: "For OFFICE: the office as written." }),
    at: t.string({ description: "When an event happened: YYYY, YYYY-MM or YYYY-MM-DD." }),
    start: t.string({ description: "When a state began." }),
    end: t.string({ description: "When a state ended." }),
    note: t.string({ description: "Why a qualifier is what it is." }),
    addresses: t.stringList({
      description: "Keys of the relations this one answers or is about (a denial: what it denies).",
    }),
    places: t.field({ type: [PlaceInput], description: "Where it happens, where its quotes say." }),
    citations: t.field({ type: [CitationInput], required: true, description: "At least one citation." }),
    distinct: t.boolean({
      description:
        "True when it is a fact of its own although a live relation of the same type joins the same actors with " +
        "compatible dates (two meetings in one month): without it such a relation is refused with CONFLICT, " +
        "naming the existing one to cite (citeRelation). See docs/decisions/026-same-relation.md.",
    }),
    clientKey: t.string({ description: clientKeyDescription }),
  }),
});

const RetractRelationInput = builder.inputType("RetractRelationInput", {
  description: "A relation to hide from traversals; it stays in the graph and its history.",
  fields: (t) => ({
    key: t.string({ required: true, description: "The relation's key." }),
    reason: t.string({ required: true, description: "Why." }),
    clientKey: t.string({ description: clientKeyDescription }),
  }),
});

const emptyBatch = { sources: [], actors: [], relations: [] };

builder.mutationFields((t) => ({
  addSource: t.field({
    type: SourcePayloadRef,
    description: "Stores a source text and answers the known actors it names, with offsets, to cite from.",
    args: { input: t.arg({ type: AddSourceInput, required: true, description: "The source." }) },
    resolve: async (_root, { input }, context) => {
      const { db, caller } = context;
      const writer = requireRole(caller, "editor");
      const source = {
        id: input.key ?? null,
        text: input.text,
        title: input.title ?? null,
        publisher: input.publisher ?? null,
        author: input.author ?? null,
        published: input.published ?? null,
        language: input.language,
        url: input.url ?? null,
        retrievedOn: input.retrievedOn ?? null,
      };
      const { result, replayed } = await applyBatch(
        db,
        vocabulary,
        writer,
        { ...emptyBatch, sources: [source] },
        {
          operation: "addSource",
          clientKey: input.clientKey,
          locate: locateInput,
        },
      );
      forgetWritten(context, { sources: result.sources.map((s) => s.key) });
      const [stored] = result.sources as [BatchResult["sources"][number]];
      const points = codePoints(input.text);
      const mentions = stored.mentions.map((m) => ({
        sourceKey: stored.key,
        actorKey: m.actorId,
        start: m.start,
        end: m.end,
        text: sliceCodePoints(points, m.start, m.end),
      }));
      return { value: { ...stored, mentions }, changeId: result.changeId, replayed };
    },
  }),
  addActor: t.field({
    type: ActorPayloadRef,
    description: "Adds an actor.",
    args: { input: t.arg({ type: AddActorInput, required: true, description: "The actor." }) },
    resolve: async (_root, { input }, context) => {
      const { db, caller } = context;
      const writer = requireRole(caller, "editor");
      const actor = {
        id: input.key ?? actorKeyFromName(input.name),
        name: input.name,
        kind: input.kind,
        aliases: input.aliases ?? [],
        description: input.description ?? null,
      };
      const { result, replayed } = await applyBatch(
        db,
        vocabulary,
        writer,
        { ...emptyBatch, actors: [actor] },
        {
          operation: "addActor",
          clientKey: input.clientKey,
          locate: locateInput,
        },
      );
      forgetWritten(context, result.mentionTextsRead > 0 ? "everything" : { actors: result.actors });
      return {
        value: { key: result.actors[0] as string, mentionTextsRead: result.mentionTextsRead },
        changeId: recorded(result.changeId),
        replayed,
      };
    },
  }),
  updateActor: t.field({
    type: ActorPayloadRef,
    description: "Changes an actor's name, kind, aliases or description; the history keeps the old values.",
    args: { input: t.arg({ type: UpdateActorInput, required: true, description: "The changes." }) },
    resolve: async (_root, { input }, context) => {
      const { db, caller } = context;
      const writer = requireRole(caller, "editor");
      const patch = {
        ...(input.name != null ? { name: input.name } : {}),
        ...(input.kind != null ? { kind: input.kind } : {}),
        ...(input.aliases != null ? { aliases: input.aliases } : {}),
        ...(input.addAliases != null ? { addAliases: input.addAliases } : {}),
        ...(input.removeAliases != null ? { removeAliases: input.removeAliases } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      };
      const { result, replayed } = await editActor(db, vocabulary, writer, input.key, patch, input.clientKey);
      forgetWritten(context, result.mentionTextsRead > 0 ? "everything" : { actors: [result.key] });
      return { value: result, changeId: result.changeId, replayed };
    },
  }),
  mergeActors: t.field({
    type: ActorPayloadRef,
    description:
      "Makes one actor of two (admin only): `into` takes `from`'s names as aliases, its relations, the places " +
      "that name it, the citations it speaks and the mentions of it; `from` is deleted and the history keeps " +
      "everything it held, and lists the merge under every relation it moved or re-placed. Refused while a " +
      "relation that is not retracted joins the two.",
    args: { input: t.arg({ type: MergeActorsInput, required: true, description: "Which two." }) },
    resolve: async (_root, { input }, context) => {
      const { db, caller } = context;
      const writer = requireRole(caller, "admin");
      const { result, replayed } = await absorbActor(db, writer, input.into, input.from, input.clientKey);
      forgetWritten(context, "everything");
      return { value: result, changeId: result.changeId, replayed };
    },
  }),
  assertRelation: t.field({
    type: RelationPayloadRef,
    description:
      "Adds a relation with its citations, each quote checked against its source. Refused with CONFLICT when a " +
      "live relation already states the same fact (same type and ends, compatible dates): cite that one " +
      "(citeRelation), or say distinct: true.",
    args: { input: t.arg({ type: AssertRelationInput, required: true, description: "The relation." }) },
    resolve: async (_root, { input }, context) => {
      const { db, caller } = context;
      const writer = requireRole(caller, "editor");
      const relation = {
        type: input.type,
        from: input.from,
        to: input.to,
        role: input.role ?? null,
        at: input.at ?? null,
        start: input.start ?? null,
        end: input.end ?? null,
        note: input.note ?? null,
        addresses: input.addresses ?? [],
        places: (input.places ?? []).map((p) => ({ name: p.name, actor: p.actor ?? null })),
        citations: input.citations.map(citationFromInput),
      };
      const withKey = {
        ...relation,
        id: input.key ?? relationKeyFor(relation),
        // Left out unless set, so that requests sent before the flag existed keep their clientKey replays.
        ...(input.distinct ? { distinct: true } : {}),
      };
      const { result, replayed } = await applyBatch(
        db,
        vocabulary,
        writer,
        { ...emptyBatch, relations: [withKey] },
        {
          operation: "assertRelation",
          clientKey: input.clientKey,
          locate: locateInput,
        },
      );
      forgetWritten(context, {
        actors: [relation.from, relation.to],
        relations: result.relations,
        sources: relation.citations.map((c) => c.source),
      });
      return {
        value: { key: result.relations[0] as string },
        changeId: recorded(result.changeId),
        replayed,
      };
    },
  }),
  retractRelation: t.field({
    type: RelationPayloadRef,
    description:
      "Hides a relation from every traversal; it stays readable by key, with who retracted it and why.",
    args: { input: t.arg({ type: RetractRelationInput, required: true, description: "Which and why." }) },
    resolve: async (_root, { input }, context) => {
      const { db, caller } = context;
      const writer = requireRole(caller, "editor");
      const { result, replayed } = await retract(db, writer, input.key, input.reason, input.clientKey);
      forgetWritten(context, { relations: [result.key] });
      return { value: { key: result.key }, changeId: result.changeId, replayed };
    },
  }),
}));
