import type { GraphQLResolveInfo } from "graphql";
import type { CitationRecord } from "../db/records/citation.js";
import { lastDay } from "../domain/dates.js";
import { builder } from "./builder.js";
import type { GraphQLContext } from "./context.js";
import { reads } from "./projection.js";
import { SourceRef } from "./refs.js";
import { StanceEnum } from "./types/vocabulary.js";
import { actorArgument } from "./unknown.js";

/** The arguments of every list of citations: by stance, by speaker, by what was published by a date. */
export const citationFilterArgs = builder.args((t) => ({
  stances: t.field({ type: [StanceEnum], description: "Only these stances." }),
  speaker: t.string({
    description: "Only citations the sources attribute to this actor (key); an unknown key is NOT_FOUND.",
  }),
  knownOn: t.field({
    type: "Date",
    description:
      "Only citations from sources published by the end of that period; sources whose date is unknown, or may " +
      "fall after it, are left out.",
  }),
}));

/**
 * What every list of citations reads (the `extensions` of each field taking `citationFilterArgs`): its citations
 * by key, and with `knownOn` their sources' publication dates, which `filterCitations` compares.
 */
export const citationListReads = reads({}, { knownOn: { source: ["published", "publishedPrecision"] } });

export interface CitationFilter {
  stances?: readonly string[] | null;
  speaker?: string | null;
  knownOn?: string | null;
}

/**
 * The citations that pass the filter, in their order. The speaker is looked up through the request's actor
 * loader (once per request however many lists take it); a source's date through its loader.
 * @throws NOT_FOUND naming the speaker argument of the field in `info`, with suggestions, for an unknown speaker.
 */
export async function filterCitations(
  citations: readonly CitationRecord[],
  filter: CitationFilter,
  context: GraphQLContext,
  info: GraphQLResolveInfo,
): Promise<CitationRecord[]> {
  const { stances, speaker, knownOn } = filter;
  if (speaker != null) {
    await actorArgument(context, speaker, `"speaker" of ${info.parentType.name}.${info.fieldName}`);
  }
  let kept = citations.filter(
    (c) => (!stances?.length || stances.includes(c.stance)) && (speaker == null || c.speakerKey === speaker),
  );
  if (knownOn != null) {
    const by = lastDay(knownOn).toString();
    const keys = [...new Set(kept.map((c) => c.sourceKey))];
    const sources = await SourceRef.getDataloader(context).loadMany(keys);
    const known = new Set(
      keys.filter((_, i) => {
        const source = sources[i];
        return source && !(source instanceof Error) && source.published !== null
          ? lastDay(source.published).toString() <= by
          : false;
      }),
    );
    kept = kept.filter((c) => known.has(c.sourceKey));
  }
  return kept;
}
