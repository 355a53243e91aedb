import type { GraphQLResolveInfo } from "graphql";
import type { Database } from "../../db/database.js";
import type { Keyed, KeysetPage } from "../../db/keyset.js";
import {
  frenchStopWords,
  type Scored,
  type SearchKey,
  searchActors,
  searchCitations,
  searchSources,
} from "../../db/search.js";
import {
  actorLuceneQuery,
  highlights,
  highlightTerms,
  matchedName,
  maxQueryWords,
  type NameMatch,
  queryWords,
  textLuceneQuery,
} from "../../domain/analysis.js";
import { badInput } from "../../domain/errors.js";
import { codePoints, sliceCodePoints } from "../../domain/text.js";
import { boundedListField } from "../bounded-list.js";
import { bigTextCost, bounds, connectionComplexity, inRange } from "../bounds.js";
import { builder } from "../builder.js";
import type { GraphQLContext } from "../context.js";
import { loaders } from "../loaders.js";
import { type KeysetOrder, keysetConnection } from "../pagination.js";
import { ActorRef, CitationRef, MentionRef, SourceRef } from "../refs.js";
import { ActorKindEnum } from "./vocabulary.js";

/**
 * Search: actors by name (ranked exact, then word prefix, then typing errors), quotes and sources by their
 * words (French-aware). Each hit carries its score and what matched; pages are keyset pages on [score desc, key].
 * The analysis is src/domain/analysis.ts; the queries src/db/search.ts.
 */

/** Search hits: best score first, then by key; a cursor holds the hit's [score, key] and its list's name. */
const searchOrder = (name: string): KeysetOrder<SearchKey> => ({
  name,
  parse: (value) =>
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === "number" &&
    Number.isFinite(value[0]) &&
    typeof value[1] === "string"
      ? [value[0], value[1]]
      : undefined,
});

/**
 * The words of a query, as the indexes hold them. A query without letters or digits (`*:*`, `~`, `"`) has no
 * words and finds nothing: the user's text is never read as Lucene syntax, so it is never a syntax error.
 * @throws BAD_USER_INPUT when it has more than `maxQueryWords` words.
 */
function wordsOfQuery(query: string): string[] {
  const words = queryWords(query);
  if (words.length > maxQueryWords) {
    throw badInput(`"query" may have at most ${maxQueryWords} words; got ${words.length}`);
  }
  return words;
}

/** The answer to a query without words. */
const noMatch = { total: 0, items: [] };

const NameMatchEnum = builder.enumType("NameMatch", {
  description: "How an actor's name matched a search.",
  values: {
    EXACT: { description: "The whole name or alias, accents, case, apostrophes and elided articles aside." },
    PREFIX: { description: "Every word of the query begins a word of one name or alias." },
    FUZZY: {
      description:
        "Within typing errors (1 for words of 3 to 5 letters, 2 beyond), or words found across names.",
    },
  } satisfies Record<NameMatch, unknown>,
});

const TextSpanRef = builder.objectRef<{ start: number; end: number }>("TextSpan").implement({
  description: "A span of a source's text, in Unicode code points: text[start:end].",
  fields: (t) => ({
    start: t.exposeInt("start", { description: "Offset of the first code point." }),
    end: t.exposeInt("end", { description: "Offset just past the last code point." }),
  }),
});

interface Snippet {
  start: number;
  end: number;
  text: string;
  highlights: { start: number; end: number }[];
  sourceKey: string;
}

/** The actors named within [start, end) of a source, in text order: what a quote or a snippet mentions. */
const mentionsWithin = (context: GraphQLContext, sourceKey: string, start: number, end: number) =>
  loaders.mentionsInRange(context).load({ sourceKey, start, end });

const SnippetRef = builder.objectRef<Snippet>("Snippet").implement({
  description: "A passage of a source around what a search matched, with the matched words highlighted.",
  fields: (t) => ({
    start: t.exposeInt("start", {
      description: "Offset of the passage in the source's text, in code points.",
    }),
    end: t.exposeInt("end", { description: "Offset just past the passage, in code points." }),
    text: t.string({
      description: "The passage, exactly: the source's text[start:end].",
      resolve: (s, _args, { budget }) => budget.chargeText(s.text),
    }),
    highlights: t.field({
      type: [TextSpanRef],
      description: "The matched words, as spans of the source's text (not of the passage), in text order.",
      resolve: (s) => s.highlights,
    }),
    mentions: boundedListField(t, {
      type: [MentionRef],
      description: "The actors named in the passage, in text order.",
      bound: bounds.mentionsOfSource,
      what: "mentions",
      resolve: (s, _args, context) => mentionsWithin(context, s.sourceKey, s.start, s.end),
    }),
  }),
});

/** The widest context around a match, in code points on each side. */
const maxSnippetChars = 500;

/**
 * The passages of `text` around its first highlights: `chars` code points on each side of a matched word,
 * overlapping passages merged, at most `limit` of them.
 */
function snippetsOf(
  sourceKey: string,
  text: string,
  spans: { start: number; end: number }[],
  chars: number,
  limit: number,
): Snippet[] {
  const points = codePoints(text);
  const snippets: Snippet[] = [];
  for (const span of spans) {
    const start = Math.max(0, span.start - chars);
    const end = Math.min(points.length, span.end + chars);
    const last = snippets.at(-1);
    if (last && start <= last.end) {
      last.end = Math.max(last.end, end);
      last.highlights.push(span);
      continue;
    }
    if (snippets.length === limit) break;
    snippets.push({ start, end, text: "", highlights: [span], sourceKey });
  }
  for (const snippet of snippets) snippet.text = sliceCodePoints(points, snippet.start, snippet.end);
  return snippets;
}

/**
 * One keyset page of a full-text search of quotes or sources (`search`, over its index), ordered as the list
 * `name`, with the terms its hits highlight: the query's words as the indexes hold them, stop words optional.
 * @throws BAD_USER_INPUT for a bad page or cursor, or too many words.
 */
async function textSearch<T>(
  name: string,
  args: Parameters<typeof keysetConnection>[0] & { query: string },
  { db, budget }: Pick<GraphQLContext, "db" | "budget">,
  info: GraphQLResolveInfo,
  search: (
    db: Database,
    lucene: string,
    page: KeysetPage<SearchKey>,
  ) => Promise<{ total: number; hits: Keyed<Scored<T>, SearchKey>[] }>,
) {
  const words = wordsOfQuery(args.query);
  const stopWords = await frenchStopWords(db);
  const lucene = textLuceneQuery(words, stopWords);
  const connection = await keysetConnection(args, { budget, info }, searchOrder(name), async (window) => {
    if (words.length === 0) return noMatch;
    const page = await search(db, lucene, window);
    return { total: page.total, items: page.hits };
  });
  return { connection, terms: highlightTerms(words, stopWords) };
}

const queryArg = (what: string) =>
  builder.args((t) => ({
    query: t.string({
      required: true,
      description: `${what} Any text: only its words are searched, so quotes, operators or * are plain text.`,
    }),
  }));

builder.queryFields((t) => ({
  searchActors: t.connection(
    {
      type: ActorRef,
      description:
        "Actors by any of their names or aliases, best match first, then by key: the exact name (accents, case, " +
        "apostrophes, NFC or NFD and elided articles such as d’ or l’ ignored), then names whose words the query's " +
        'words begin ("forces arm"), then names within typing errors ("barkane"). Each edge says which name ' +
        "matched, how, and its score.",
      args: {
        ...queryArg('Words of a name, e.g. "goita", "Iounous-Bek", "industrie".'),
        kinds: t.arg({ type: [ActorKindEnum], description: "Only these kinds." }),
      },
      complexity: connectionComplexity,
      resolve: async (_root, args, { db, budget }, info) => {
        const words = wordsOfQuery(args.query);
        const connection = await keysetConnection(
          args,
          { budget, info },
          searchOrder("searchActors"),
          async (window) => {
            if (words.length === 0) return noMatch;
            const page = await searchActors(
              db,
              words,
              actorLuceneQuery(words),
              args.kinds?.length ? args.kinds : null,
              window,
            );
            return { total: page.total, items: page.hits };
          },
        );
        return {
          ...connection,
          edges: connection.edges.map(({ node, cursor }) => ({
            cursor,
            node: node.record,
            score: node.score,
            ...matchedName([node.record.name, ...node.record.aliases], words),
          })),
        };
      },
    },
    {},
    {
      fields: (e) => ({
        score: e.float({
          description:
            "How well it matched: 3 to 4 for an exact name, 2 to 3 for word prefixes, 1 to 2 for typing errors; " +
            "within each, higher for more of the query's words whole in the name and for shorter names. It " +
            "depends on the actor's names and the query alone.",
          resolve: (edge) => edge.score,
        }),
        match: e.field({
          type: NameMatchEnum,
          description: "How it matched.",
          resolve: (edge) => edge.match,
        }),
        matchedName: e.string({
          description: "The name or alias that matched best, as written.",
          resolve: (edge) => edge.name,
        }),
      }),
    },
  ),
  searchQuotes: t.connection(
    {
      type: CitationRef,
      description:
        "Citations whose quotes hold every word of the query (French-aware: accents, case, elided articles and " +
        "inflections ignored, so instructeurs finds instructeur; stop words such as le or de are optional), most " +
        "relevant first, then by key.",
      args: queryArg('Words to find, e.g. "instructeurs russes".'),
      complexity: connectionComplexity,
      resolve: async (_root, args, context, info) => {
        const { connection, terms } = await textSearch("searchQuotes", args, context, info, searchCitations);
        return {
          ...connection,
          edges: connection.edges.map(({ node, cursor }) => ({
            cursor,
            node: node.record,
            score: node.score,
            highlights: highlights(node.record.quote, terms, node.record.start),
          })),
        };
      },
    },
    {},
    {
      fields: (e) => ({
        score: e.float({ description: "Lucene's relevance (BM25).", resolve: (edge) => edge.score }),
        highlights: e.field({
          type: [TextSpanRef],
          description: "The matched words, as spans of the source's text, in text order.",
          resolve: (edge) => edge.highlights,
        }),
        mentions: boundedListField(e, {
          type: [MentionRef],
          description: "The actors named in the quote, as spans of the source's text, in text order.",
          bound: bounds.mentionsOfSource,
          what: "mentions",
          resolve: (edge, _args, context) =>
            mentionsWithin(context, edge.node.sourceKey, edge.node.start, edge.node.end),
        }),
      }),
    },
  ),
  searchSources: t.connection(
    {
      type: SourceRef,
      description:
        "Sources whose texts hold every word of the query (French-aware, as searchQuotes), most relevant first, " +
        "then by key; each edge gives passages around the matches.",
      args: queryArg('Words to find, e.g. "Barkhane".'),
      complexity: connectionComplexity,
      resolve: async (_root, args, context, info) => {
        const { connection, terms } = await textSearch("searchSources", args, context, info, searchSources);
        return {
          ...connection,
          edges: connection.edges.map(({ node, cursor }) => ({
            cursor,
            node: node.record,
            score: node.score,
            terms,
          })),
        };
      },
    },
    {},
    {
      fields: (e) => ({
        score: e.float({ description: "Lucene's relevance (BM25).", resolve: (edge) => edge.score }),
        snippets: boundedListField(e, {
          type: [SnippetRef],
          description: `Passages around the matched words, in text order. Reads the whole text: it costs ${bigTextCost} in the query's estimated cost.`,
          bound: bounds.snippets,
          what: "passages",
          fieldCost: bigTextCost,
          argsAfterLimit: {
            chars: e.arg.int({
              defaultValue: 80,
              description: `Code points of context on each side of a matched word (0 to ${maxSnippetChars}).`,
            }),
          },
          resolve: async (edge, { chars }, context, _info, count) => {
            const width = inRange('"chars" of snippets', chars ?? 80, maxSnippetChars);
            const text = (await loaders.sourceText(context).load(edge.node.key)) ?? "";
            return snippetsOf(edge.node.key, text, highlights(text, edge.terms), width, count);
          },
        }),
      }),
    },
  ),
}));
