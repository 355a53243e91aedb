import { sourcesPage } from "../../db/queries/sources.js";
import { boundedListField } from "../bounded-list.js";
import { bigTextCost, bounds, connectionComplexity } from "../bounds.js";
import { builder } from "../builder.js";
import { citationFilterArgs, citationListReads, filterCitations } from "../citation-filter.js";
import { loaders } from "../loaders.js";
import { byKey, keysetConnection } from "../pagination.js";
import { reads } from "../projection.js";
import { CitationRef, MentionRef, PartialDateRef, partialDate, RelationRef, SourceRef } from "../refs.js";

SourceRef.implement({
  description: "A source document: the exact text of one article and what it states about itself.",
  fields: (t) => ({
    key: t.exposeString("key", { description: "Stable key of the source." }),
    file: t.exposeString("file", { description: "File name of the source document as received." }),
    title: t.exposeString("title", { nullable: true, description: "Title, where the text states it." }),
    publisher: t.exposeString("publisher", {
      nullable: true,
      description: "Publisher or agency, where stated.",
    }),
    author: t.exposeString("author", { nullable: true, description: "Author, where the text states it." }),
    published: t.field({
      type: PartialDateRef,
      nullable: true,
      extensions: reads({ source: ["published", "publishedPrecision"] }),
      description:
        "Publication date as precise as the text states it (a year, a month or a day); null if unknown.",
      resolve: (s) => partialDate(s.published, s.publishedPrecision),
    }),
    language: t.exposeString("language", { description: "BCP 47 language tag, e.g. fr." }),
    url: t.exposeString("url", {
      nullable: true,
      description:
        "Web address where it was read, normalised: http or https, scheme and host in lower case, no default " +
        "port, no fragment. No two sources share one. Null when not stated.",
    }),
    retrievedOn: t.field({
      type: "Date",
      nullable: true,
      description: "The day it was retrieved (YYYY-MM-DD); null when not stated.",
      resolve: (s) => s.retrievedOn,
    }),
    length: t.exposeInt("length", { description: "Length of the text in Unicode code points." }),
    text: t.string({
      extensions: reads({}),
      description: `The full text, exactly as received. Fetched only when selected; it costs ${bigTextCost} in the query's estimated cost and its length in the response budget.`,
      complexity: bigTextCost,
      resolve: async (s, _args, context) =>
        context.budget.chargeText((await loaders.sourceText(context).load(s.key)) ?? ""),
    }),
    citations: boundedListField(t, {
      extensions: citationListReads,
      type: [CitationRef],
      description: "The quotes taken from this source, in text order.",
      bound: bounds.citationsOfSource,
      what: "citations",
      args: citationFilterArgs,
      resolve: async (s, filter, context, info) =>
        filterCitations(await loaders.citationsOfSource(context).load(s.key), filter, context, info),
    }),
    relations: boundedListField(t, {
      extensions: reads({}),
      type: [RelationRef],
      description: "The relations this source supports, by key.",
      bound: bounds.relationsOfSource,
      what: "relations",
      resolve: (s, _args, context) => loaders.relationsOfSource(context).load(s.key),
    }),
    mentions: boundedListField(t, {
      extensions: reads({}),
      type: [MentionRef],
      description:
        "Where the text names known actors, in text order, each with its text; recomputed whenever an actor's " +
        "names change (docs/writing.md).",
      bound: bounds.mentionsOfSource,
      what: "mentions",
      resolve: (s, _args, context) =>
        loaders.mentionsInRange(context).load({ sourceKey: s.key, start: 0, end: null }),
    }),
  }),
});

builder.queryFields((t) => ({
  source: t.field({
    type: SourceRef,
    nullable: true,
    description: "A source by its key; null if none.",
    args: {
      key: t.arg.string({
        required: true,
        description: 'Source key, e.g. "src-004-dw-mali-dit-oui-russie".',
      }),
    },
    resolve: (_root, { key }) => key,
  }),
  sources: t.connection({
    type: SourceRef,
    description: "Every source, in key order.",
    complexity: connectionComplexity,
    resolve: (_root, args, { db, budget, projection }, info) =>
      keysetConnection(args, { budget, info }, byKey("sources"), async (window) => {
        const page = await sourcesPage(db, window, projection.current);
        return { total: page.total, items: page.sources };
      }),
  }),
}));
