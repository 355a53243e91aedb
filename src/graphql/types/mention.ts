import { referenced } from "../loaders.js";
import { ActorRef, MentionRef, SourceRef } from "../refs.js";

MentionRef.implement({
  description:
    "One place where a source's text names a known actor (any of its names or aliases, accents and case ignored, " +
    "on word boundaries; where known names overlap, the longest wins).",
  fields: (t) => ({
    start: t.exposeInt("start", { description: "Code point offset of the name in the source's text." }),
    end: t.exposeInt("end", { description: "Code point offset just past the name." }),
    text: t.string({
      description: "The name as the source writes it: exactly the source's text[start:end].",
      resolve: (m, _args, { budget }) => budget.chargeText(m.text),
    }),
    actor: t.field({
      type: ActorRef,
      description: "The actor named.",
      resolve: (m, _args, context) => referenced(ActorRef, context, "actor", m.actorKey),
    }),
    source: t.field({
      type: SourceRef,
      description: "The source.",
      resolve: (m, _args, context) => referenced(SourceRef, context, "source", m.sourceKey),
    }),
  }),
});
