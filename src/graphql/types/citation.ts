import { readsSourceKeyOnly } from "../../db/projection.js";
import type { SourceRecord } from "../../db/records/source.js";
import { sliceCodePoints } from "../../domain/text.js";
import { inRange } from "../bounds.js";
import { builder } from "../builder.js";
import { loaders, referenced } from "../loaders.js";
import { reads } from "../projection.js";
import { ActorRef, CitationRef, PartialDateRef, partialDate, RelationRef, SourceRef } from "../refs.js";
import { StanceEnum } from "./vocabulary.js";

interface CitationContext {
  before: string;
  quote: string;
  after: string;
}

const CitationContextRef = builder.objectRef<CitationContext>("CitationContext").implement({
  description:
    "The quote inside its paragraph, split so that a client can highlight it: before + quote + after.",
  fields: (t) => ({
    before: t.exposeString("before", {
      description: "Text of the paragraph before the quote (trimmed to chars).",
    }),
    quote: t.exposeString("quote", { description: "The quote, exactly." }),
    after: t.exposeString("after", {
      description: "Text of the paragraph after the quote (trimmed to chars).",
    }),
  }),
});

/** The widest context a client may ask for, in code points on each side of the quote. */
const maxContextChars = 2000;

CitationRef.implement({
  description: "A verbatim passage of a source that states a relation, with who says it and how.",
  fields: (t) => ({
    key: t.exposeString("key", {
      description:
        "Stable key: the relation key, #, and the citation's number (c1, c2, ... for citations added by citeRelation).",
    }),
    quote: t.string({
      description: "The exact text of the source at [start, end).",
      resolve: (c, _args, { budget }) => budget.chargeText(c.quote),
    }),
    start: t.exposeInt("start", {
      description: "Offset of the quote's first character, in Unicode code points.",
    }),
    end: t.exposeInt("end", { description: "Offset just past the quote, in Unicode code points." }),
    stance: t.field({
      type: StanceEnum,
      resolve: (c) => c.stance as never,
      description: "The speaker's stance.",
    }),
    speaker: t.field({
      extensions: reads({}),
      type: ActorRef,
      nullable: true,
      description: "Who the source attributes the statement to; null when it is the source's own voice.",
      resolve: (c) => c.speakerKey,
    }),
    reportedOn: t.field({
      extensions: reads({ source: ["published", "publishedPrecision"] }),
      type: PartialDateRef,
      nullable: true,
      description:
        "When it was reported: its source's publication date, as precise as the source states it; null when the " +
        "source is undated.",
      resolve: async (c, _args, context) => {
        const source = c.fetchedSource ?? (await referenced(SourceRef, context, "source", c.sourceKey));
        return partialDate(source.published, source.publishedPrecision);
      },
    }),
    source: t.field({
      extensions: reads({}),
      type: SourceRef,
      description: "The source the quote is from.",
      // Fetched with the citation when the query could (stored in the source loader by its ref's cacheResolved);
      // made of its key when that is all the request reads of sources.
      resolve: (c, _args, context) =>
        c.fetchedSource ??
        (readsSourceKeyOnly(context.projection.current)
          ? ({ key: c.sourceKey } as SourceRecord)
          : referenced(SourceRef, context, "source", c.sourceKey)),
    }),
    relation: t.field({
      extensions: reads({}),
      type: RelationRef,
      description: "The relation the quote states.",
      resolve: (c, _args, context) => referenced(RelationRef, context, "relation", c.relationKey),
    }),
    context: t.field({
      extensions: reads({ citation: ["start", "end"] }),
      type: CitationContextRef,
      description: "The quote within its paragraph, for reading and highlighting.",
      args: {
        chars: t.arg.int({
          defaultValue: 200,
          description: `At most this many characters on each side (0 to ${maxContextChars}).`,
        }),
      },
      resolve: async (c, { chars }, context) => {
        const width = inRange('"chars" of Citation.context', chars ?? 200, maxContextChars);
        const points = (await loaders.sourcePoints(context).load(c.sourceKey)) ?? [];
        let from = c.start;
        while (from > 0 && points[from - 1] !== "\n" && c.start - from < width) from -= 1;
        let to = c.end;
        while (to < points.length && points[to] !== "\n" && to - c.end < width) to += 1;
        return {
          before: context.budget.chargeText(sliceCodePoints(points, from, c.start)),
          quote: context.budget.chargeText(sliceCodePoints(points, c.start, c.end)),
          after: context.budget.chargeText(sliceCodePoints(points, c.end, to)),
        };
      },
    }),
  }),
});
