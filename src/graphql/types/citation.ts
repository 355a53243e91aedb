import { notFound } from "../../errors.js";
import { sliceCodePoints } from "../../seed/text.js";
import { inRange } from "../bounds.js";
import { builder } from "../builder.js";
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

builder.node(CitationRef, {
  description: "A verbatim passage of a source that states a relation, with who says it and how.",
  id: { resolve: (c) => c.key },
  loadMany: async (keys, { loaders }) => {
    const relations = await Promise.all(
      keys.map((key) => loaders.citationsOfRelation.load(key.split("#")[0] ?? "")),
    );
    return keys.map((key, index) => relations[index]?.find((c) => c.key === key) ?? null);
  },
  fields: (t) => ({
    key: t.exposeString("key", {
      description: "Stable key: the relation key, #, and the citation's number.",
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
      type: ActorRef,
      nullable: true,
      description: "Who the source attributes the statement to; null when it is the source's own voice.",
      resolve: (c, _args, { loaders }) => (c.speakerKey ? loaders.actor.load(c.speakerKey) : null),
    }),
    reportedOn: t.field({
      type: PartialDateRef,
      nullable: true,
      description:
        "When it was reported: its source's publication date, as precise as the source states it; null when the " +
        "source is undated.",
      resolve: async (c, _args, { loaders }) => {
        const source = await loaders.source.load(c.sourceKey);
        return source ? partialDate(source.published, source.publishedPrecision) : null;
      },
    }),
    source: t.field({
      type: SourceRef,
      description: "The source the quote is from.",
      resolve: async (c, _args, { loaders }) =>
        (await loaders.source.load(c.sourceKey)) ?? Promise.reject(notFound("source", c.sourceKey)),
    }),
    relation: t.field({
      type: RelationRef,
      description: "The relation the quote states.",
      resolve: async (c, _args, { loaders }) =>
        (await loaders.relation.load(c.relationKey)) ?? Promise.reject(notFound("relation", c.relationKey)),
    }),
    context: t.field({
      type: CitationContextRef,
      description: "The quote within its paragraph, for reading and highlighting.",
      args: {
        chars: t.arg.int({
          defaultValue: 200,
          description: `At most this many characters on each side (0 to ${maxContextChars}).`,
        }),
      },
      resolve: async (c, { chars }, { loaders, budget }) => {
        const width = inRange('"chars" of Citation.context', chars ?? 200, maxContextChars);
        const points = (await loaders.sourcePoints.load(c.sourceKey)) ?? [];
        let from = c.start;
        while (from > 0 && points[from - 1] !== "\n" && c.start - from < width) from -= 1;
        let to = c.end;
        while (to < points.length && points[to] !== "\n" && to - c.end < width) to += 1;
        return {
          before: budget.chargeText(sliceCodePoints(points, from, c.start)),
          quote: budget.chargeText(sliceCodePoints(points, c.start, c.end)),
          after: budget.chargeText(sliceCodePoints(points, c.end, to)),
        };
      },
    }),
  }),
});
