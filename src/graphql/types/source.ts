import { listSources, type SourceRecord } from "../../db/sources.js";
import { builder } from "../builder.js";

export const SourceType = builder.objectRef<SourceRecord>("Source").implement({
  description: "A source document: the exact text of one article and what it states about itself.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Stable id of the source." }),
    file: t.exposeString("file", { description: "Original file name of the source document." }),
    title: t.exposeString("title", { nullable: true, description: "Title, where the text states it." }),
    publisher: t.exposeString("publisher", {
      nullable: true,
      description: "Publisher or agency, where the text states it.",
    }),
    author: t.exposeString("author", { nullable: true, description: "Author, where the text states it." }),
    published: t.exposeString("published", {
      nullable: true,
      description: "Publication date as precise as the text states it: YYYY, YYYY-MM or YYYY-MM-DD.",
    }),
    language: t.exposeString("language", { description: "ISO 639 language code of the text." }),
    length: t.exposeInt("length", { description: "Length of the text in Unicode code points." }),
    text: t.exposeString("text", { description: "The full text, exactly as received." }),
  }),
});

builder.queryField("sources", (t) =>
  t.field({
    type: [SourceType],
    description: "Every source document, in id order.",
    resolve: (_root, _args, { db }) => listSources(db),
  }),
);
