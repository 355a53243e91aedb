import { requireRole } from "../../auth.js";
import { editSource } from "../../ingest/sources.js";
import { builder } from "../builder.js";
import { forgetWritten, referenced } from "../loaders.js";
import { SourceRef } from "../refs.js";
import { clientKeyDescription } from "./mutation.js";

/** Corrections of a source's metadata: updateSource. Its text is no input: it never changes. */

const UpdateSourceInput = builder.inputType("UpdateSourceInput", {
  description:
    "New values for a source's metadata; fields left out keep their value, null clears one. The text is not " +
    "among them: a source's text never changes (quotes are checked against it).",
  fields: (t) => ({
    key: t.string({ required: true, description: "The source's key." }),
    title: t.string({ description: "Title, as the text states it." }),
    publisher: t.string({ description: "Publisher or agency." }),
    author: t.string({ description: "Author." }),
    published: t.string({ description: "Publication date: YYYY, YYYY-MM or YYYY-MM-DD." }),
    language: t.string({ description: "BCP 47 language tag, e.g. fr or pt-BR; cannot be cleared." }),
    url: t.string({
      description: "Web address (http or https), stored normalised; refused if another source has it.",
    }),
    retrievedOn: t.string({ description: "The day it was retrieved: YYYY-MM-DD." }),
    clientKey: t.string({ description: clientKeyDescription }),
  }),
});

interface SourceEdit {
  key: string;
  changeId: string;
  replayed: boolean;
}

const UpdateSourcePayloadRef = builder.objectRef<SourceEdit>("UpdateSourcePayload").implement({
  description: "The source as it stands after the write.",
  fields: (t) => ({
    source: t.field({
      type: SourceRef,
      description: "The source.",
      resolve: (r, _args, context) => referenced(SourceRef, context, "source", r.key),
    }),
    changeId: t.id({ description: "The history entry of this write.", resolve: (r) => r.changeId }),
    replayed: t.boolean({
      description: "True when this answers a repeated clientKey.",
      resolve: (r) => r.replayed,
    }),
  }),
});

builder.mutationFields((t) => ({
  updateSource: t.field({
    type: UpdateSourcePayloadRef,
    description:
      "Corrects a source's metadata (editor role): title, publisher, author, published, language, url, " +
      "retrievedOn. Recorded in the history with the values before.",
    args: { input: t.arg({ type: UpdateSourceInput, required: true, description: "The new values." }) },
    resolve: async (_root, { input }, context) => {
      const writer = requireRole(context.caller, "editor");
      const { key, clientKey, ...patch } = input;
      const { result, replayed } = await editSource(context.db, writer, key, patch, clientKey);
      forgetWritten(context, { sources: [key] });
      return { key: result.key, changeId: result.changeId, replayed };
    },
  }),
}));
